/*
 * The Node.js golden path as a newcomer runs it on the embedded default: the
 * wizard in a real browser, every step against the local stand-ins (git,
 * ArgoCD, Vault, Kubernetes), then the new component in the catalog with its
 * docs.
 */
import { Page } from 'playwright-core';
import {
  EmbeddedDefault,
  startEmbeddedDefault,
} from './__testUtils__/embeddedDefault';
import { RunningBackend, withScreenshot } from './harness';

describe('the Node.js golden path in a browser (embedded default)', () => {
  let portal: EmbeddedDefault;
  let backend: RunningBackend;
  let page: Page;

  beforeAll(async () => {
    portal = await startEmbeddedDefault(7217);
    ({ backend, page } = portal);
    await page.goto(backend.baseUrl);
    await page.getByRole('button', { name: 'Enter' }).click();
    // Signed in once the catalog (the landing page) shows.
    await page.getByRole('table').first().waitFor();
  }, 180_000);

  afterAll(() => portal?.stop());

  it(
    'creates a service through the wizard and finds it in the catalog with its docs',
    () =>
      withScreenshot(page, 'golden-path', async () => {
        await page.goto(`${backend.baseUrl}/create`);
        await page.getByText('Node.js service (TypeScript)').waitFor();
        await page.goto(
          `${backend.baseUrl}/create/templates/default/nodejs-service`,
        );

        // Page 1: the service.
        await page.getByLabel('Name').first().fill('parcel-tracker');
        await page.getByLabel('Description').first().fill('Tracks parcels');
        await page.getByLabel('Owner').first().click();
        await page.getByRole('option', { name: /Fulfilment Team/ }).click();
        await page.getByLabel('System').first().click();
        await page.getByRole('option', { name: /Order Management/ }).click();
        await page.getByRole('button', { name: 'Next' }).click();
        // Page 2: runtime defaults (dev environment, small, 2 replicas).
        await page.getByRole('button', { name: 'Review' }).click();
        await page.getByRole('button', { name: 'Create' }).click();

        // Every step runs against the stand-ins; the output links appear.
        const openInCatalog = page.getByRole('link', {
          name: 'Open in catalog',
        });
        await openInCatalog.waitFor({ timeout: 90_000 });
        await openInCatalog.click();
        await page.waitForURL(/\/catalog\/default\/component\/parcel-tracker/);
        // The catalog processes a new location within seconds; reload until
        // the entity page shows it.
        const description = page.getByText('Tracks parcels').first();
        for (let attempt = 0; ; attempt++) {
          try {
            await description.waitFor({ timeout: 5_000 });
            break;
          } catch (error) {
            if (attempt >= 12) {
              throw error;
            }
            await page.reload();
          }
        }

        await page.getByText('TechDocs', { exact: true }).click();
        await page
          .getByRole('heading', { name: /parcel-tracker/i })
          .first()
          .waitFor({ timeout: 90_000 });
      }),
    240_000,
  );
});

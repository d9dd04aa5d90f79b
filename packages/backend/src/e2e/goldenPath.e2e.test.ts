/*
 * The Node.js golden path as a newcomer runs it on the embedded default: the
 * wizard in a real browser, every step against the local stand-ins (git,
 * ArgoCD, Vault, Kubernetes), then the new component in the catalog with its
 * docs. And as someone who names a service after a platform namespace: the
 * run is refused before anything is written anywhere.
 */
import { Page } from 'playwright-core';
import {
  EmbeddedDefault,
  startEmbeddedDefault,
} from './__testUtils__/embeddedDefault';
import {
  everythingWritten,
  goldenPathTraces,
  nothingWritten,
} from './__testUtils__/goldenPathTraces';
import {
  eventually,
  guestToken,
  RunningBackend,
  withScreenshot,
} from './harness';

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

  const tracesOf = (name: string) =>
    goldenPathTraces(name, {
      baseUrl: backend.baseUrl,
      bundleDir: portal.bundleDir,
    });

  /** The wizard's first page, answered for `name` by the fulfilment team. */
  async function answerServicePage(name: string, description: string) {
    await page.getByLabel('Name').first().fill(name);
    await page.getByLabel('Description').first().fill(description);
    await page.getByLabel('Owner').first().click();
    await page.getByRole('option', { name: /Fulfilment Team/ }).click();
    await page.getByLabel('System').first().click();
    await page.getByRole('option', { name: /Order Management/ }).click();
  }

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
        await answerServicePage('parcel-tracker', 'Tracks parcels');
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

        // Everything the golden path writes is there, so tracesOf() sees it.
        expect(await tracesOf('parcel-tracker')).toEqual(
          everythingWritten('fulfilment-team'),
        );
      }),
    240_000,
  );

  it(
    'refuses a service named kube-system in the wizard before anything is written',
    () =>
      withScreenshot(page, 'golden-path-reserved-name', async () => {
        await page.goto(
          `${backend.baseUrl}/create/templates/default/nodejs-service`,
        );
        await answerServicePage('kube-system', 'Runs in the system namespace');
        await page.getByRole('button', { name: 'Next' }).click();
        await page.getByRole('button', { name: 'Review' }).click();
        await page.getByRole('button', { name: 'Create' }).click();

        // The task page shows the refusal of the first step, in words.
        await page
          .getByText(/Preflight refused/)
          .first()
          .waitFor({ timeout: 60_000 });
        // Read as written: the pattern keeps its "*" (Markdown would have
        // eaten it and set the rest in italics).
        await expect(
          page
            .getByText(
              'namespace "kube-system" is reserved for the cluster or the platform (it matches "kube-*" in pavedRoad.reservedNamespaces)',
            )
            .first()
            .isVisible(),
        ).resolves.toBe(true);
        expect(await tracesOf('kube-system')).toEqual(nothingWritten);
      }),
    120_000,
  );

  it.each([
    ['go-service', 'argocd'],
    ['go-service', 'vault'],
    ['nodejs-service', 'cert-manager'],
    ['go-service', 'kube-public'],
  ])(
    '%s refuses the reserved name %s before anything is written',
    async (template, name) => {
      const token = await guestToken(backend.baseUrl);
      const headers = {
        Authorization: `Bearer ${token}`,
        'Content-Type': 'application/json',
      };
      const created = await fetch(
        `${backend.baseUrl}/api/scaffolder/v2/tasks`,
        {
          method: 'POST',
          headers,
          body: JSON.stringify({
            templateRef: `template:default/${template}`,
            values: {
              name,
              description: 'Named after a platform namespace',
              owner: 'group:default/fulfilment-team',
              system: 'system:default/order-management',
              database: 'postgres',
              environment: 'dev',
              size: 'small',
              replicas: 2,
            },
          }),
        },
      );
      expect(created.status).toBe(201);
      const { id } = await created.json();
      const task = await eventually(async () => {
        const body = await (
          await fetch(`${backend.baseUrl}/api/scaffolder/v2/tasks/${id}`, {
            headers,
          })
        ).json();
        return ['completed', 'failed'].includes(body.status) ? body : undefined;
      }, `the ${template} task for ${name} to finish`);
      const events = await (
        await fetch(`${backend.baseUrl}/api/scaffolder/v2/tasks/${id}/events`, {
          headers,
        })
      ).json();
      const failure = events.find(
        (e: { body: { stepId?: string; status?: string } }) =>
          e.body.status === 'failed',
      );
      expect({ status: task.status, step: failure?.body.stepId }).toEqual({
        status: 'failed',
        step: 'preflight',
      });
      expect(JSON.stringify(events)).toContain(`\\"${name}\\" is reserved`);
      expect(await tracesOf(name)).toEqual(nothingWritten);
    },
    60_000,
  );
});

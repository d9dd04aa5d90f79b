/*
 * The embedded default as a newcomer meets it, in a real browser: the built
 * portal with app-config.yaml (SQLite, guest sign-in, example catalog).
 */
import os from 'node:os';
import path from 'node:path';
import { Page } from 'playwright-core';
import {
  EmbeddedDefault,
  startEmbeddedDefault,
} from './__testUtils__/embeddedDefault';
import { guestToken, RunningBackend, withScreenshot } from './harness';
import { clippedBoxes, overflowsHorizontally } from './__testUtils__/screen';

describe('the portal in a browser (embedded default)', () => {
  let portal: EmbeddedDefault;
  let backend: RunningBackend;
  let page: Page;

  beforeAll(async () => {
    portal = await startEmbeddedDefault(7207);
    ({ backend, page } = portal);
  }, 180_000);

  afterAll(() => portal?.stop());

  const startViewport = { width: 1600, height: 1000 };

  it(
    'signs in as guest, lists the example components and shows an owner',
    () =>
      withScreenshot(page, 'sign-in', async () => {
        await page.goto(backend.baseUrl);
        await page.getByRole('button', { name: 'Enter' }).click();

        // The catalog is the landing page; the example services are listed by
        // their titles.
        const table = page.getByRole('table');
        const ordersService = table.getByRole('link', {
          name: 'Orders service',
          exact: true,
        });
        await ordersService.waitFor();
        await table
          .getByRole('link', { name: 'Storefront web', exact: true })
          .waitFor();

        await ordersService.click();
        await page.waitForURL(/\/catalog\/default\/component\/orders-service/);
        // The About card names the owning team, linked to its group page.
        const owner = page
          .getByRole('link', { name: 'Fulfilment Team', exact: true })
          .first();
        await owner.waitFor();
        expect(await owner.getAttribute('href')).toContain(
          '/catalog/default/group/fulfilment-team',
        );
      }),
    120_000,
  );

  it(
    'finds a service through search and shows its owner, on-call and runbook',
    () =>
      withScreenshot(page, 'search-oncall', async () => {
        // The search index is built shortly after start; retry the query.
        // The catalog's result, not a page of the service's docs (those are
        // titled "<page> | Orders service docs").
        const result = page
          .getByRole('link', { name: 'Orders service', exact: true })
          .first();
        for (let attempt = 0; ; attempt++) {
          await page.goto(`${backend.baseUrl}/search?query=orders`);
          try {
            await result.waitFor({ timeout: 5_000 });
            break;
          } catch (error) {
            if (attempt >= 10) {
              throw error;
            }
          }
        }
        await result.click();
        await page.waitForURL(/\/catalog\/default\/component\/orders-service/);

        // The on-call card, beside the About card: no scrolling, no click.
        await page.getByText('On call', { exact: true }).waitFor();
        await page
          .getByRole('link', { name: 'Marco Rossi', exact: true })
          .waitFor();
        await page.getByText('Slack: #team-fulfilment').waitFor();
        const runbooks = page.getByRole('link', { name: /^Runbook/ });
        expect(await runbooks.count()).toBeGreaterThan(0);
        expect(await runbooks.first().getAttribute('href')).toBe(
          'https://runbooks.acme-freight.example/orders-service',
        );
      }),
    120_000,
  );

  it.each([
    [1440, 900],
    [1024, 768],
  ])(
    'shows every section of the on-call card and every card whole at %ix%i',
    (width, height) =>
      withScreenshot(page, `overview-${width}`, async () => {
        await page.setViewportSize({ width, height });
        await page.goto(
          `${backend.baseUrl}/catalog/default/component/orders-service`,
        );
        for (const section of ['Depends on', 'Used by']) {
          const heading = page.getByRole('heading', {
            name: section,
            exact: true,
          });
          await heading.scrollIntoViewIfNeeded();
          expect(await heading.isVisible()).toBe(true);
        }
        await page
          .getByRole('link', { name: 'Storefront web' })
          .first()
          .waitFor();
        // Cut off by a card, or tucked behind a scroll of its own: neither
        // is on the screen for a person.
        expect(await clippedBoxes(page)).toEqual([]);
        expect(await overflowsHorizontally(page)).toBe(false);
        await page.screenshot({
          path: path.join(os.tmpdir(), `paved-road-overview-${width}.png`),
          fullPage: true,
        });
      }).finally(() => page.setViewportSize(startViewport)),
    60_000,
  );

  it.each([
    [1440, 900],
    [1024, 768],
  ])(
    'opens Home on search, the golden paths and the services at %ix%i',
    (width, height) =>
      withScreenshot(page, `home-${width}`, async () => {
        await page.setViewportSize({ width, height });
        await page.goto(`${backend.baseUrl}/home`);
        await page
          .getByRole('link', { name: 'Node.js service (TypeScript)' })
          .waitFor();
        await page
          .getByRole('link', { name: 'Orders service' })
          .first()
          .waitFor();
        expect(
          await page
            .getByPlaceholder('Services, APIs, docs, teams…')
            .isVisible(),
        ).toBe(true);
        expect(await page.getByText('No widgets added').count()).toBe(0);
        expect(await clippedBoxes(page)).toEqual([]);
        expect(await overflowsHorizontally(page)).toBe(false);
        // The golden path link leads to its wizard.
        expect(
          await page
            .getByRole('link', { name: 'Go service' })
            .getAttribute('href'),
        ).toBe('/create/templates/default/go-service');
      }).finally(async () => {
        await page.setViewportSize(startViewport);
        await page.goto(
          `${backend.baseUrl}/catalog/default/component/orders-service`,
        );
      }),
    60_000,
  );

  it(
    'renders the service docs in the Docs tab',
    () =>
      withScreenshot(page, 'docs', async () => {
        await page.getByText('TechDocs', { exact: true }).click();
        // The first visit builds the site with mkdocs.
        await page
          .getByRole('heading', { name: 'Order lifecycle' })
          .waitFor({ timeout: 90_000 });
      }),
    120_000,
  );

  it(
    'shows the service pods in the Kubernetes tab',
    () =>
      withScreenshot(page, 'kubernetes', async () => {
        await page.getByText('Kubernetes', { exact: true }).click();
        // The embedded default's Kubernetes stand-in runs orders-service
        // with three pods.
        await page.getByText('dev', { exact: true }).first().waitFor();
        await page.getByText('3 pods', { exact: true }).first().waitFor();
        await page.getByText('No pods with errors').first().waitFor();
        // Open the cluster: the deployment and its pods are listed.
        await page.getByText('dev', { exact: true }).first().click();
        // Expand the deployment (its name opens a details drawer instead).
        await page.getByText('No pods with errors').nth(1).click();
        await page
          .getByText(/orders-service-6d8f7c9b5-(abcde|bcdef)/)
          .first()
          .waitFor();
      }),
    120_000,
  );

  it(
    'flags a service failing a critical check on its card and first for its team',
    () =>
      withScreenshot(page, 'scorecard', async () => {
        // checkout-service's CI is red on the GitHub stand-in.
        await page.goto(
          `${backend.baseUrl}/catalog/default/component/checkout-service`,
        );
        const flag = page.getByText('Failing a critical check').first();
        // Not evaluated by the schedule yet ("Evaluate now"), or showing a
        // day the history replay is still going through ("Re-evaluate",
        // "Evaluated 17 days ago" on a loaded machine): evaluate on demand,
        // as a person would.
        const evaluate = page.getByRole('button', {
          name: /^(Evaluate now|Re-evaluate)$/,
        });
        await Promise.race([flag.waitFor(), evaluate.first().waitFor()]);
        if (!(await flag.isVisible())) {
          await evaluate.first().click();
        }
        await flag.waitFor();
        await page
          .getByText('CI passes on the default branch')
          .first()
          .waitFor();

        await page.goto(`${backend.baseUrl}/scorecard`);
        await page
          .getByRole('button', { name: 'Show services of Storefront Team' })
          .click();
        const firstRow = page
          .getByRole('table', { name: 'Services' })
          .getByRole('row')
          .nth(1);
        await firstRow
          .getByRole('link', { name: 'Checkout service' })
          .waitFor();
      }),
    120_000,
  );

  it(
    'shows DORA figures on the first visit, and a deployment as it arrives',
    () =>
      withScreenshot(page, 'dora', async () => {
        // Six months of example history are sent at start: the page shows
        // figures and levels, not an empty state.
        await page.goto(`${backend.baseUrl}/dora`);
        await page.getByText('Deployment frequency').first().waitFor();
        await page.getByText('Elite').first().waitFor();
        expect(await page.getByText(/No DORA data for/).count()).toBe(0);

        const tab = `${backend.baseUrl}/catalog/default/component/orders-service/dora`;
        const productionDeployments = async () => {
          const summary = page.getByText(/\d+ production deployments? on/);
          await summary.first().waitFor();
          return Number(
            (await summary.first().innerText()).match(/^(\d+)/)![1],
          );
        };
        await page.goto(tab);
        const before = await productionDeployments();
        expect(before).toBeGreaterThan(0);

        // A CD pipeline reports one more production deployment.
        const token = await guestToken(backend.baseUrl);
        const ingest = await fetch(`${backend.baseUrl}/api/dora/events`, {
          method: 'POST',
          headers: {
            Authorization: `Bearer ${token}`,
            'Content-Type': 'application/json',
          },
          body: JSON.stringify({
            events: [
              {
                type: 'deployment',
                idempotencyKey: 'e2e-orders-now',
                service: 'orders-service',
                environment: 'production',
                status: 'success',
                finishedAt: new Date(Date.now() - 60_000).toISOString(),
                commitSha: 'e'.repeat(40),
              },
            ],
          }),
        });
        expect(ingest.status).toBe(201);
        await page.goto(tab);
        await expect(productionDeployments()).resolves.toBe(before + 1);

        // One environment at a time: staging has deployments of its own.
        await page.getByLabel('Environment').selectOption('staging');
        await page.getByText(/\d+ deployments? to staging on/).waitFor();
      }),
    120_000,
  );
});

/*
 * The embedded default as a newcomer meets it, in a real browser: the built
 * portal with app-config.yaml (SQLite, guest sign-in, example catalog).
 */
import fs from 'node:fs';
import { Browser, chromium, Page } from 'playwright-core';
import { extractBundle, RunningBackend, startBackend } from './harness';

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

describe('the portal in a browser (embedded default)', () => {
  let bundleDir: string;
  let backend: RunningBackend;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    bundleDir = extractBundle();
    backend = await startBackend({
      bundleDir,
      port: 7207,
      configs: ['app-config.yaml'],
      workingDir: 'packages/backend',
      // The embedded default is a development setup: guest sign-in needs it.
      env: { NODE_ENV: 'development' },
    });
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    page.setDefaultTimeout(30_000);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await backend?.stop();
    if (bundleDir) {
      fs.rmSync(bundleDir, { recursive: true, force: true });
    }
  });

  it('signs in as guest, lists the example components and shows an owner', async () => {
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
  }, 120_000);
});

/*
 * What a person sees on each page of the embedded default, in Chromium at a
 * laptop's and a small screen's size: the page loaded (no spinner left, not
 * an empty state), nothing wider than the window, no card cutting off its
 * content, no word broken by a squeezed column, and a clean console with no
 * failed request. Each page is saved as a screenshot (E2E_ARTIFACTS_DIR,
 * default e2e-artifacts/ at the repository root) for a person to look at.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Locator, Page } from 'playwright-core';
import {
  EmbeddedDefault,
  startEmbeddedDefault,
} from './__testUtils__/embeddedDefault';
import {
  brokenWords,
  clippedBoxes,
  hiddenBy,
  overflowsHorizontally,
  waitUntilLoaded,
  watchProblems,
} from './__testUtils__/screen';
import { guestToken, RunningBackend } from './harness';

const screenshotDir = path.join(
  process.env.E2E_ARTIFACTS_DIR ??
    path.resolve(__dirname, '../../../../e2e-artifacts'),
  'screenshots',
);

/**
 * Console lines that come from upstream Backstage itself, not from our
 * plugins or configuration; each with why it is tolerated.
 */
const upstreamConsole = [
  // @backstage/plugin-app registers its own default icons as components
  // (Backstage 1.55) and then warns about them on every start.
  /^The following icons were registered as IconComponent, which is deprecated\. Use IconElement instead by passing <MyIcon \/> rather than MyIcon: brokenImage, catalog, scaffolder/,
];

interface Screen {
  name: string;
  path: string;
  /** What shows that the page has its content (not a spinner, not empty). */
  ready: (page: Page) => Locator;
  /** Texts that must not be on the page (empty states, errors). */
  absent?: RegExp[];
}

const screens: Screen[] = [
  {
    name: 'home',
    path: '/home',
    ready: page => page.getByRole('link', { name: 'Go service' }),
    absent: [/No widgets added/],
  },
  {
    name: 'catalog',
    path: '/',
    ready: page =>
      page.getByRole('table').getByRole('link', { name: 'Orders service' }),
  },
  {
    name: 'service-overview',
    path: '/catalog/default/component/orders-service',
    ready: page => page.getByRole('heading', { name: 'Used by', exact: true }),
  },
  {
    name: 'service-apis',
    path: '/catalog/default/component/orders-service/apis',
    ready: page => page.getByRole('link', { name: 'Orders API' }).first(),
  },
  {
    name: 'service-docs',
    path: '/catalog/default/component/orders-service/docs',
    // The docs' own first paragraph (catalog/components/orders-service/docs).
    ready: page =>
      page
        .getByText('The orders service is the source of truth for a freight')
        .first(),
    absent: [/A newer version of this documentation/],
  },
  {
    name: 'service-kubernetes',
    path: '/catalog/default/component/orders-service/kubernetes',
    ready: page => page.getByText('3 pods', { exact: true }).first(),
  },
  {
    name: 'service-dora',
    path: '/catalog/default/component/orders-service/dora',
    ready: page => page.getByText(/\d+ production deployments? on/).first(),
    absent: [/No DORA data/],
  },
  {
    name: 'dora-organisation',
    path: '/dora',
    ready: page => page.getByText('Deployment frequency').first(),
    absent: [/No DORA data/],
  },
  {
    name: 'dora-team',
    path: '/dora/metrics?scope=team&team=group:default/fulfilment-team&window=90',
    ready: page => page.getByText('Deployment frequency').first(),
    absent: [/No DORA data/],
  },
  {
    name: 'scorecard',
    path: '/scorecard',
    ready: page =>
      page
        .getByRole('table', { name: 'Services' })
        .getByRole('link', { name: 'Checkout service' }),
  },
  {
    name: 'team',
    path: '/catalog/default/group/fulfilment-team',
    ready: page => page.getByText('Lena Vogel').first(),
  },
  {
    name: 'create',
    path: '/create',
    ready: page => page.getByText('Node.js service (TypeScript)').first(),
  },
  {
    name: 'search',
    path: '/search?query=orders',
    ready: page => page.getByRole('link', { name: 'Orders service' }).first(),
    absent: [/Missing index/],
  },
];

const sizes: Array<[number, number]> = [
  [1440, 900],
  [1024, 768],
];

describe('the portal as a person sees it (embedded default)', () => {
  let portal: EmbeddedDefault;
  let backend: RunningBackend;
  let page: Page;

  beforeAll(async () => {
    fs.mkdirSync(screenshotDir, { recursive: true });
    portal = await startEmbeddedDefault(7209);
    ({ backend, page } = portal);
    await page.goto(backend.baseUrl);
    await page.getByRole('button', { name: 'Enter' }).click();
    await page.getByRole('link', { name: 'Orders service' }).first().waitFor();
    // What the backend prepares after start: the visits below are the ones
    // a newcomer makes a minute later, not a race with start-up.
    // Every example site built by the prebuild (a CPU busy with mkdocs
    // slows every page, and the docs reader's own check waits for it).
    for (const ref of await entitiesWithDocs(backend.baseUrl)) {
      await untilAnswered(
        backend.baseUrl,
        `/api/techdocs/metadata/techdocs/${ref}`,
      );
    }
    await untilAnswered(
      backend.baseUrl,
      '/api/scorecard/entities/component/default/orders-service',
    );
  }, 300_000);

  afterAll(() => portal?.stop());

  /**
   * Opens the page, waits for its content and checks what is on the
   * screen; saves a screenshot either way.
   */
  async function look(
    name: string,
    [width, height]: [number, number],
    open: () => Promise<void>,
    ready: Locator,
    absent: RegExp[] = [],
  ) {
    await page.setViewportSize({ width, height });
    const watch = watchProblems(page, {
      origin: backend.baseUrl,
      ignoreConsole: upstreamConsole,
    });
    try {
      await open();
      await ready.waitFor();
      await waitUntilLoaded(page);
      // In the layout and not transparent: what shows the content is seen.
      expect(await hiddenBy(ready)).toBeUndefined();
      const text = await page.evaluate(
        () => (document.querySelector('main') ?? document.body).innerText,
      );
      for (const pattern of absent) {
        expect(text).not.toMatch(pattern);
      }
      expect({
        clipped: await clippedBoxes(page),
        brokenWords: await brokenWords(page),
        horizontalScroll: await overflowsHorizontally(page),
        problems: watch.problems,
      }).toEqual({
        clipped: [],
        brokenWords: [],
        horizontalScroll: false,
        problems: [],
      });
    } finally {
      watch.stop();
      await page.screenshot({
        path: path.join(screenshotDir, `${name}-${width}x${height}.png`),
        fullPage: true,
      });
    }
  }

  describe.each(sizes)('at %ix%i', (width, height) => {
    it.each(screens)(
      'shows $name whole, loaded and without errors',
      screen =>
        look(
          screen.name,
          [width, height],
          async () => {
            await page.goto(`${backend.baseUrl}${screen.path}`);
          },
          screen.ready(page),
          screen.absent,
        ),
      90_000,
    );

    it('walks a template wizard through its steps', async () => {
      const size: [number, number] = [width, height];
      await look(
        'wizard-1-service',
        size,
        async () => {
          await page.goto(
            `${backend.baseUrl}/create/templates/default/nodejs-service`,
          );
        },
        page.getByLabel('Name').first(),
      );
      await page.getByLabel('Name').first().fill('parcel-tracker');
      await page.getByLabel('Description').first().fill('Tracks parcels');
      await page.getByLabel('Owner').first().click();
      await page.getByRole('option', { name: /Fulfilment Team/ }).click();
      await page.getByLabel('System').first().click();
      await page.getByRole('option', { name: /Order Management/ }).click();
      await look(
        'wizard-2-runtime',
        size,
        () => page.getByRole('button', { name: 'Next' }).click(),
        page.getByText('Database').first(),
      );
      await look(
        'wizard-3-review',
        size,
        () => page.getByRole('button', { name: 'Review' }).click(),
        page.getByText('parcel-tracker').first(),
      );
    }, 120_000);
  });
});

/** `namespace/kind/name` of every catalog entity with TechDocs. */
async function entitiesWithDocs(baseUrl: string): Promise<string[]> {
  const response = await fetch(
    `${baseUrl}/api/catalog/entities/by-query?filter=metadata.annotations.backstage.io/techdocs-ref&fields=kind,metadata.namespace,metadata.name&limit=500`,
    { headers: { Authorization: `Bearer ${await guestToken(baseUrl)}` } },
  );
  const { items } = await response.json();
  expect(items.length).toBeGreaterThan(0);
  return items.map(
    (e: { kind: string; metadata: { namespace?: string; name: string } }) =>
      `${e.metadata.namespace ?? 'default'}/${e.kind.toLocaleLowerCase(
        'en-US',
      )}/${e.metadata.name}`,
  );
}

/** Waits until the portal answers `route` with a success status. */
async function untilAnswered(baseUrl: string, route: string) {
  const token = await guestToken(baseUrl);
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    const response = await fetch(`${baseUrl}${route}`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    if (response.ok) {
      return;
    }
    await new Promise(resolve => setTimeout(resolve, 2_000));
  }
  throw new Error(`${route} did not answer within 3 minutes`);
}

/*
 * Live on-call on the embedded default, in a real browser: the card reads
 * the PagerDuty stand-in (pavedRoad.standIns.pagerDuty), an incident opened
 * in PagerDuty reaches the card and DORA by itself (signed webhooks), and
 * "Page the on-call" opens exactly one incident there. The refusal for
 * another team is production's: accessControl.e2e.test.ts.
 */
import os from 'node:os';
import path from 'node:path';
import { Page } from 'playwright-core';
import {
  EmbeddedDefault,
  startEmbeddedDefault,
} from './__testUtils__/embeddedDefault';
import { clippedBoxes, overflowsHorizontally } from './__testUtils__/screen';
import {
  eventually,
  guestToken,
  RunningBackend,
  withScreenshot,
} from './harness';

/** The stand-in, as app-config.yaml configures it. */
const pagerDuty = {
  url: 'http://127.0.0.1:7016',
  headers: {
    Authorization: 'Token token=paved-road-dev-token',
    'Content-Type': 'application/json',
  },
};

async function pagerDutyGet(route: string): Promise<any> {
  const res = await fetch(`${pagerDuty.url}${route}`, {
    headers: pagerDuty.headers,
  });
  expect(res.status).toBe(200);
  return res.json();
}

/** Who PagerDuty has on call now at `level` for a service, by name. */
async function onCallAt(serviceId: string, level: number): Promise<string> {
  const { service } = await pagerDutyGet(`/services/${serviceId}`);
  const { oncalls } = await pagerDutyGet(
    `/oncalls?escalation_policy_ids[]=${service.escalation_policy.id}&earliest=true`,
  );
  return oncalls.find((o: any) => o.escalation_level === level).user.summary;
}

describe('live on-call in a browser (embedded default)', () => {
  let portal: EmbeddedDefault;
  let backend: RunningBackend;
  let page: Page;

  beforeAll(async () => {
    portal = await startEmbeddedDefault(7227);
    ({ backend, page } = portal);
    await page.goto(backend.baseUrl);
    await page.getByRole('button', { name: 'Enter' }).click();
    // Signed in once the app shows its navigation.
    await page.getByRole('link', { name: 'Catalog' }).first().waitFor();
    // The stand-in is seeded once the catalog has loaded.
    await eventually(
      async () =>
        (await fetch(`${pagerDuty.url}/services/PCHK2M6`, {
          headers: pagerDuty.headers,
        }).then(r => r.ok)) || undefined,
      'the PagerDuty stand-in to know checkout-service',
    );
  }, 180_000);

  afterAll(() => portal?.stop());

  /** The on-call card: the card holding the "On call now" section. */
  const card = () =>
    page
      .locator('.MuiCard-root')
      .filter({ has: page.getByRole('region', { name: 'On call now' }) });

  it.each([
    [1440, 900],
    [1024, 768],
  ])(
    'shows who PagerDuty has on call at each level, and the open incident, whole at %ix%i',
    (width, height) =>
      withScreenshot(page, `oncall-checkout-${width}`, async () => {
        await page.setViewportSize({ width, height });
        await page.goto(
          `${backend.baseUrl}/catalog/default/component/checkout-service`,
        );
        const [primary, secondary] = await Promise.all([
          onCallAt('PCHK2M6', 1),
          onCallAt('PCHK2M6', 2),
        ]);
        const onCall = card().first();
        await onCall.getByText(/^Primary:/).waitFor();
        await onCall.getByText(/^Secondary:/).waitFor();
        // Linked to their catalog profile: PagerDuty's email is the catalog's.
        const primaryLink = onCall
          .getByRole('link', { name: primary, exact: true })
          .first();
        await primaryLink.waitFor();
        expect(await primaryLink.getAttribute('href')).toMatch(
          /\/catalog\/default\/user\//,
        );
        await onCall.getByText(secondary, { exact: true }).first().waitFor();
        await onCall
          .getByText(/^Next: /)
          .first()
          .waitFor();
        const incident = onCall.getByRole('link', {
          name: /Checkout returns 502 for some card payments/,
        });
        await incident.waitFor();
        expect(await incident.getAttribute('href')).toMatch(
          /^https:\/\/acme-freight\.pagerduty\.com\/incidents\//,
        );
        await onCall
          .getByText(/opened \d+ min ago/)
          .first()
          .waitFor();
        expect(await onCall.getByText('PagerDuty unreachable').count()).toBe(0);
        expect(await clippedBoxes(page)).toEqual([]);
        expect(await overflowsHorizontally(page)).toBe(false);
        await onCall.screenshot({
          path: path.join(os.tmpdir(), `paved-road-oncall-${width}.png`),
        });
      }).finally(() => page.setViewportSize({ width: 1600, height: 1000 })),
    90_000,
  );

  it(
    'shows an incident opened in PagerDuty on the card and in DORA within a minute',
    () =>
      withScreenshot(page, 'oncall-new-incident', async () => {
        await page.goto(
          `${backend.baseUrl}/catalog/default/component/orders-service`,
        );
        await card()
          .first()
          .getByText(/^Primary:/)
          .waitFor();
        const title = `Orders API latency above 2 s (${Date.now()})`;
        const opened = Date.now();
        const res = await fetch(`${pagerDuty.url}/incidents`, {
          method: 'POST',
          headers: {
            ...pagerDuty.headers,
            From: 'marco.rossi@acme-freight.example',
          },
          body: JSON.stringify({
            incident: {
              type: 'incident',
              title,
              service: { id: 'PORD7X2', type: 'service_reference' },
            },
          }),
        });
        expect(res.status).toBe(201);
        const { incident } = await res.json();

        // The open page, without a reload: the card refreshes by itself.
        await card()
          .first()
          .getByRole('link', { name: new RegExp(title.replace(/[()]/g, '.')) })
          .waitFor({ timeout: 60_000 });
        const onCard = Date.now() - opened;

        const token = await guestToken(backend.baseUrl);
        const from = new Date(opened - 86_400_000).toISOString();
        const to = new Date(opened + 86_400_000).toISOString();
        const stored = await eventually(async () => {
          const list = await fetch(
            `${backend.baseUrl}/api/dora/incidents?scope=service&ref=component:default/orders-service&from=${from}&to=${to}`,
            { headers: { Authorization: `Bearer ${token}` } },
          ).then(r => r.json());
          return list.items.find(
            (i: any) => i.externalId === `pagerduty:${incident.id}`,
          );
        }, 'the incident in DORA');
        expect(Date.now() - opened).toBeLessThan(60_000);
        expect(onCard).toBeLessThan(60_000);
        expect(stored).toMatchObject({
          service: 'component:default/orders-service',
          resolvedAt: null,
          title: `#${incident.incident_number} ${title}`,
        });
      }),
    120_000,
  );

  it(
    'pages the on-call from the card: one incident in PagerDuty, shown on the card',
    () =>
      withScreenshot(page, 'oncall-page', async () => {
        await page.goto(
          `${backend.baseUrl}/catalog/default/component/shipping-service`,
        );
        const title = `Labels print blank (${Date.now()})`;
        await page.getByRole('button', { name: 'Page the on-call' }).click();
        const dialog = page.getByRole('dialog');
        await dialog.getByLabel('Title').fill(title);
        await dialog.getByLabel('Details').fill('Since 14:05, every carrier');
        await dialog.getByRole('button', { name: 'Page', exact: true }).click();
        await dialog.getByRole('button', { name: 'Close' }).waitFor();
        await page.screenshot({
          path: path.join(os.tmpdir(), 'paved-road-oncall-paged.png'),
        });
        await dialog.getByRole('button', { name: 'Close' }).click();

        const { incidents } = await pagerDutyGet(
          `/incidents?service_ids[]=PSHP5Q1&date_range=all&limit=100`,
        );
        const created = incidents.filter((i: any) => i.title === title);
        expect(created).toHaveLength(1);
        expect(created[0]).toMatchObject({
          status: 'triggered',
          service: { id: 'PSHP5Q1' },
        });
        await card()
          .first()
          .getByRole('link', { name: new RegExp(title.replace(/[()]/g, '.')) })
          .waitFor({ timeout: 30_000 });
      }),
    90_000,
  );
});

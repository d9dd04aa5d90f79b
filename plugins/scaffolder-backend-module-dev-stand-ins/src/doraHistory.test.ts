import {
  changeFailureRateLevel,
  deploymentFrequencyLevel,
  DeploymentEvent,
  DoraEvent,
} from '@internal/plugin-dora-common';
import { generateDoraHistory, HistoryService } from './doraHistory';

const DAY = 86_400_000;
const now = new Date('2026-03-18T13:45:00Z');

// The deployable components of the example organisation (catalog/).
const services: HistoryService[] = [
  ['orders-service', 'fulfilment-team', 'production'],
  ['inventory-service', 'fulfilment-team', 'production'],
  ['shipping-service', 'fulfilment-team', 'production'],
  ['legacy-tracking-service', 'fulfilment-team', 'deprecated'],
  ['payments-service', 'payments-team', 'production'],
  ['checkout-service', 'storefront-team', 'experimental'],
  ['notifications-worker', 'storefront-team', 'production'],
  ['storefront-web', 'storefront-team', 'production'],
  ['route-optimizer', 'data-team', 'experimental'],
  ['paved-road-portal', 'platform-team', 'production'],
].map(([name, team, lifecycle]) => ({
  ref: `component:default/${name}`,
  owner: `group:default/${team}`,
  lifecycle,
}));

const generate = (at = now, seed = 'acme-freight') =>
  generateDoraHistory({ services, now: at, seed });

const isProduction = (e: DoraEvent): e is DeploymentEvent =>
  e.type === 'deployment' &&
  e.environment === 'production' &&
  e.status === 'success';

/** Every timestamp of an event. */
const times = (e: DoraEvent) =>
  Object.entries(e)
    .filter(([k]) => k.endsWith('At'))
    .map(([, v]) => Date.parse(v as string));

describe('generateDoraHistory', () => {
  const events = generate();

  it('gives the same events for the same seed, and others for another seed', () => {
    expect(generate()).toEqual(events);
    const other = new Set(generate(now, 'other').map(e => e.idempotencyKey));
    expect(events.some(e => other.has(e.idempotencyKey))).toBe(false);
  });

  it('covers every week of the six months up to now, and nothing later', () => {
    expect(Math.max(...events.flatMap(times))).toBeLessThanOrEqual(
      now.getTime(),
    );
    const start = Math.floor(now.getTime() / DAY) * DAY - 182 * DAY;
    for (const service of services) {
      const weeks = new Set(
        events
          .filter(e => isProduction(e) && e.service === service.ref)
          .map(e =>
            Math.floor(
              (Date.parse((e as DeploymentEvent).finishedAt) - start) /
                (7 * DAY),
            ),
          ),
      );
      // 26 whole weeks and today.
      expect(weeks.size).toBeGreaterThanOrEqual(26);
      expect(Math.min(...weeks)).toBe(0);
    }
    const counts = { deployment: 0, change: 0, incident: 0 };
    for (const e of events) counts[e.type]++;
    // Seconds, not minutes, of ingestion on the embedded default.
    expect(events.length).toBeLessThan(8_000);
    expect(counts.incident).toBeGreaterThan(20);
  });

  it('sends a day again under the same keys when started later', () => {
    const later = generate(new Date(now.getTime() + 3 * DAY));
    const byKey = new Map(later.map(e => [e.idempotencyKey, e]));
    // Within both histories' six months, fixes (days at most) included.
    const overlap = Math.floor(now.getTime() / DAY) * DAY - 172 * DAY;
    const again = events.filter(e => byKey.has(e.idempotencyKey));
    expect(again.map(e => byKey.get(e.idempotencyKey))).toEqual(again);
    expect(again.length).toBeGreaterThan(events.length * 0.9);
    // Only an incident resolved since is sent under another key (it updates
    // the stored one).
    const missing = events.filter(
      e => !byKey.has(e.idempotencyKey) && Math.min(...times(e)) >= overlap,
    );
    const resolved = new Set(
      later.flatMap(e =>
        e.type === 'incident' && e.resolvedAt ? [e.externalId] : [],
      ),
    );
    expect(missing).toEqual(
      missing.filter(
        e =>
          e.type === 'incident' && !e.resolvedAt && resolved.has(e.externalId),
      ),
    );
  });

  it('has unique keys, and names in every fix a production deployment sent before it', () => {
    expect(new Set(events.map(e => e.idempotencyKey)).size).toBe(events.length);
    // Every rollback, hotfix and incident, and the deployment it names.
    const index = new Map(events.map((e, i) => [e.idempotencyKey, i]));
    const links = events.flatMap((e, i) => {
      const target =
        (e.type === 'deployment' && e.remediates) ||
        (e.type === 'incident' && e.causedByDeployment);
      return target ? [{ i, e, target: index.get(target) ?? Infinity }] : [];
    });
    expect(links.length).toBeGreaterThan(100);
    expect(
      links.map(({ i, e, target }) => ({
        sentBefore: target < i,
        service: events[target]?.service === e.service,
        environment: (events[target] as DeploymentEvent)?.environment,
      })),
    ).toEqual(
      links.map(() => ({
        sentBefore: true,
        service: true,
        environment: 'production',
      })),
    );
    const kinds = events.map(e => e.type === 'deployment' && e.kind);
    expect(kinds).toContain('rollback');
    expect(kinds).toContain('hotfix');
    expect(
      events.some(e => e.type === 'deployment' && e.status === 'failure'),
    ).toBe(true);
  });

  it('ships as fast and as safely as the owning team does', () => {
    // Rough figures per team over the last 30 days, at several times of
    // the year: the levels must not depend on the day the portal starts.
    for (let shift = 0; shift < 360; shift += 36) {
      const at = new Date(now.getTime() + shift * DAY);
      const history = generate(at);
      const from = at.getTime() - 30 * DAY;
      const fixed = new Set(
        history.flatMap(e =>
          e.type === 'deployment' && e.remediates ? [e.remediates] : [],
        ),
      );
      const team = (name: string) => {
        const refs = services
          .filter(s => s.owner === `group:default/${name}`)
          .map(s => s.ref);
        const deployed = history.filter(
          e =>
            isProduction(e) &&
            refs.includes(e.service) &&
            Date.parse(e.finishedAt) >= from,
        );
        const failed = deployed.filter(e => fixed.has(e.idempotencyKey));
        const perDay = deployed.length / 30;
        const failureRate = failed.length / deployed.length;
        return {
          perDay,
          failureRate,
          levels: [
            deploymentFrequencyLevel(deployed.length, perDay),
            changeFailureRateLevel(deployed.length, failureRate),
          ],
        };
      };
      const elite = team('fulfilment-team');
      const struggling = team('payments-team');
      const steady = team('storefront-team');
      expect(elite.levels).toEqual(['elite', 'elite']);
      expect(struggling.levels[1]).toBe('low');
      expect(elite.perDay).toBeGreaterThan(steady.perDay);
      expect(steady.perDay).toBeGreaterThan(struggling.perDay);
      expect(struggling.failureRate).toBeGreaterThan(steady.failureRate);
      expect(steady.failureRate).toBeGreaterThan(elite.failureRate);
    }
  });
});

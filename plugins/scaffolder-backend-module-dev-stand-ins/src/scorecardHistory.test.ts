import { Entity } from '@backstage/catalog-model';
import {
  exampleEntity,
  exampleOrganisation,
} from './__testUtils__/exampleOrganisation';
import { exampleScorecardPastView, STANDARDS } from './scorecardHistory';

const DAY = 86_400_000;
const now = new Date('2026-12-06T10:00:00Z');
const view = exampleScorecardPastView({ now, days: 120 });
/** The entity `n` days before `now`, at 15:00 UTC (any time of the day). */
const asOf = (name: string, n: number) =>
  view.entityAsOf(
    exampleEntity(name),
    new Date(Math.floor(now.getTime() / DAY - n) * DAY + 15 * 3_600_000),
  );

/** The standards an entity declares, by the annotations and links of each. */
function standardsOf(entity: Entity | undefined): string[] {
  const annotations = entity?.metadata.annotations ?? {};
  const links = (entity?.metadata.links ?? []).map(l => l.title);
  return Object.entries(STANDARDS)
    .filter(([, standard]) =>
      [
        ...standard.annotations.map(a => a in annotations),
        ...('links' in standard
          ? standard.links.map(l => links.includes(l))
          : []),
      ].some(Boolean),
    )
    .map(([id]) => id);
}

describe('exampleScorecardPastView', () => {
  it('takes away the standards a service had not adopted yet on that day', () => {
    const today = exampleEntity('orders-service');
    expect(standardsOf(today)).toEqual([
      'techdocs',
      'monitoring',
      'oncall',
      'costTags',
    ]);
    const then = asOf('orders-service', 110)!;
    expect(standardsOf(then)).toEqual([]);
    expect(then.metadata.annotations).toEqual({
      'github.com/project-slug': 'acme-freight/orders-service',
      'backstage.io/managed-by-location':
        today.metadata.annotations!['backstage.io/managed-by-location'],
    });
    expect(then.metadata.links!.map(l => l.title)).toEqual(['Runbook']);
    expect(then.spec).toEqual(today.spec);
    // The entity the scorecard gave is left as it is.
    expect(standardsOf(exampleEntity('orders-service'))).toHaveLength(4);
  });

  it('has the fulfilment team adopt early and the payments team late', () => {
    // The elite team had it all two thirds of the span ago.
    for (const name of ['orders-service', 'inventory-service', 'orders-db']) {
      expect(asOf(name, 78)).toBe(exampleEntity(name));
      expect(asOf(name, 115)).not.toEqual(exampleEntity(name));
    }
    // The struggling team had none of it six weeks ago, all of it now.
    expect(standardsOf(asOf('payments-service', 47))).toEqual([]);
    expect(asOf('payments-db', 47)!.metadata.annotations).toEqual({});
    const adopted = [50, 40, 30, 20, 10, 5, 1].map(
      n => standardsOf(asOf('payments-service', n)).length,
    );
    expect(adopted).toEqual([...adopted].sort((a, b) => a - b));
    expect(adopted[0]).toBe(0);
    expect(asOf('payments-service', 1)).toBe(exampleEntity('payments-service'));
  });

  it('has storefront-web lose its monitoring for a while', () => {
    const monitored = [60, 40, 30, 20, 10, 1].map(n =>
      standardsOf(asOf('storefront-web', n)).includes('monitoring'),
    );
    expect(monitored).toEqual([false, true, false, false, true, true]);
  });

  it('has an experimental service appear during the span, never what the catalog lacks today', () => {
    expect(asOf('checkout-service', 70)).toBeUndefined();
    expect(asOf('checkout-service', 30)).toBeDefined();
    for (const n of [119, 60, 1]) {
      expect(standardsOf(asOf('inventory-service', n))).not.toContain(
        'techdocs',
      );
      expect(asOf('inventory-db', n)!.metadata.annotations).toEqual({});
    }
  });

  it('is the same for the same names and days, and leaves today and other kinds alone', () => {
    const again = exampleScorecardPastView({ now, days: 120 });
    for (const entity of exampleOrganisation) {
      for (const n of [119, 90, 60, 30, 1]) {
        const day = new Date(now.getTime() - n * DAY);
        expect(again.entityAsOf(entity, day)).toEqual(
          view.entityAsOf(entity, day),
        );
      }
      expect(view.entityAsOf(entity, now)).toBe(entity);
    }
    const group = exampleOrganisation.find(e => e.kind === 'Group')!;
    expect(view.entityAsOf(group, new Date(now.getTime() - 100 * DAY))).toBe(
      group,
    );
    expect(view.days).toBe(120);
  });

  it('fits the story into a shorter span', () => {
    const short = exampleScorecardPastView({ now, days: 30 });
    const at = (n: number) =>
      short.entityAsOf(
        exampleEntity('payments-service'),
        new Date(now.getTime() - n * DAY),
      );
    expect(standardsOf(at(12))).toEqual([]);
    expect(at(1)).toBe(exampleEntity('payments-service'));
  });
});

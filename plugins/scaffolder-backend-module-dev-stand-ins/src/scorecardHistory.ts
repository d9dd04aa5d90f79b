import { createHash } from 'node:crypto';
import { Entity, RELATION_OWNED_BY } from '@backstage/catalog-model';
import { DAY_MS, entityRefKey } from '@internal/paved-road-common';
import {
  ANNOTATION_ON_CALL,
  ANNOTATION_PAGERDUTY_SERVICE_ID,
} from '@internal/plugin-oncall-common';
import type { ScorecardPastView } from '@internal/plugin-scorecard-node';

/**
 * A platform standard of the default checks (plugins/scorecard-backend/
 * checks/default.yaml), as the catalog declares it: before a service adopted
 * it, its entity had none of these annotations and links.
 */
interface Standard {
  annotations: string[];
  /** Links with these titles. */
  links?: string[];
}

export const STANDARDS = {
  /** has-techdocs */
  techdocs: { annotations: ['backstage.io/techdocs-ref'] },
  /** has-monitoring: alerts and a dashboard */
  monitoring: {
    annotations: ['prometheus.io/alerts'],
    links: ['Grafana dashboard'],
  },
  /** has-oncall */
  oncall: {
    annotations: [ANNOTATION_PAGERDUTY_SERVICE_ID, ANNOTATION_ON_CALL],
  },
  /** has-cost-tags (on Components; Resources carry one too) */
  costTags: { annotations: ['paved-road.io/cost-center'] },
  /** has-backups, read on the databases a component depends on */
  backups: { annotations: ['paved-road.io/backup-policy'] },
} as const satisfies Record<string, Standard>;

export type StandardId = keyof typeof STANDARDS;

/**
 * When a team adopted the standards: each of its entities adopts each
 * standard on a day drawn (from the names) between `from` and `to`, as
 * shares of the replayed span back from today (1: its first day).
 */
interface AdoptionWindow {
  from: number;
  to: number;
}

/**
 * The example organisation's teams (catalog/org.yaml), the same story as
 * the DORA history: the platform team wrote the standards and went first,
 * the fulfilment team (elite at shipping) followed at once, the payments
 * team (struggling) got there in the last weeks. Other owners: in between.
 */
export const TEAM_ADOPTION: Record<string, AdoptionWindow> = {
  'group:default/platform-team': { from: 0.97, to: 0.8 },
  'group:default/fulfilment-team': { from: 0.9, to: 0.65 },
  'group:default/storefront-team': { from: 0.7, to: 0.35 },
  'group:default/data-team': { from: 0.6, to: 0.2 },
  'group:default/payments-team': { from: 0.38, to: 0.06 },
};
const OTHER_TEAMS: AdoptionWindow = { from: 0.75, to: 0.25 };

/** Experimental components were created during the span, in this window. */
const EXPERIMENTAL_CREATED: AdoptionWindow = { from: 0.7, to: 0.35 };

/**
 * Standards an entity dropped for a while, between shares of the span:
 * storefront-web's alerts and dashboard link went while the team moved to
 * the new Grafana, and came back with it.
 */
export const LAPSES: Array<{
  entity: string;
  standard: StandardId;
  from: number;
  to: number;
}> = [
  {
    entity: 'component:default/storefront-web',
    standard: 'monitoring',
    from: 0.3,
    to: 0.15,
  },
];

/** What the example history replays by default. */
export const DEFAULT_HISTORY_DAYS = 120;

/** The story of one entity, in days before today. */
export interface EntityStory {
  /** Created this many days ago; undefined: before the span. */
  createdDaysAgo?: number;
  /** Per standard, adopted this many days ago (present from that day on). */
  adoptedDaysAgo: Record<StandardId, number>;
  /** Days (ago, inclusive) a standard was missing again. */
  lapses: Array<{ standard: StandardId; from: number; to: number }>;
}

/** A uniform number in [0, 1) named by its parts. */
function draw(...parts: string[]): number {
  return (
    createHash('sha256').update(parts.join('\n')).digest().readUInt32LE(0) /
    2 ** 32
  );
}

/** A whole number of days ago within `window` of a `days` span. */
function dayIn(window: AdoptionWindow, days: number, r: number): number {
  const latest = Math.max(1, Math.round(window.to * days));
  const earliest = Math.max(latest, Math.round(window.from * days));
  return latest + Math.floor(r * (earliest - latest + 1));
}

function ownerOf(entity: Entity): string | undefined {
  const relation = entity.relations?.find(r => r.type === RELATION_OWNED_BY);
  if (relation) {
    return entityRefKey(relation.targetRef);
  }
  const owner = (entity.spec as { owner?: unknown } | undefined)?.owner;
  if (typeof owner !== 'string') {
    return undefined;
  }
  try {
    return entityRefKey(owner, {
      defaultKind: 'group',
      defaultNamespace: entity.metadata.namespace ?? 'default',
    });
  } catch {
    return undefined;
  }
}

/**
 * The story of a Component or Resource over a span of `days`: when it was
 * created (experimental components only) and when it adopted each standard.
 * Deterministic: drawn from the entity's ref and the `seed`. A standard the
 * entity lacks today stays absent: the story only takes away.
 */
export function entityStory(
  entity: Entity,
  options: { days: number; seed: string },
): EntityStory {
  const { days, seed } = options;
  const ref = entityRefKey(entity);
  const window = TEAM_ADOPTION[ownerOf(entity) ?? ''] ?? OTHER_TEAMS;
  const lifecycle = (entity.spec as { lifecycle?: unknown } | undefined)
    ?.lifecycle;
  const createdDaysAgo =
    entity.kind.toLocaleLowerCase('en-US') === 'component' &&
    lifecycle === 'experimental'
      ? dayIn(EXPERIMENTAL_CREATED, days, draw(seed, ref, 'created'))
      : undefined;
  const adoptedDaysAgo = Object.fromEntries(
    (Object.keys(STANDARDS) as StandardId[]).map(id => {
      const adopted = dayIn(window, days, draw(seed, ref, id));
      // Made from the golden path after the team adopted a standard: it had
      // it from its first day.
      return [id, Math.min(adopted, createdDaysAgo ?? adopted)];
    }),
  ) as Record<StandardId, number>;
  const lapses = LAPSES.filter(l => l.entity === ref).map(l => ({
    standard: l.standard,
    from: Math.max(1, Math.round(l.from * days)),
    to: Math.max(1, Math.round(l.to * days)),
  }));
  return { createdDaysAgo, adoptedDaysAgo, lapses };
}

/** The entity without what a standard declares. */
function without(entity: Entity, standard: Standard): Entity {
  const annotations = { ...entity.metadata.annotations };
  standard.annotations.forEach(a => delete annotations[a]);
  const links = standard.links;
  return {
    ...entity,
    metadata: {
      ...entity.metadata,
      annotations,
      ...(entity.metadata.links && links
        ? {
            links: entity.metadata.links.filter(
              l => !links.includes(l.title ?? ''),
            ),
          }
        : {}),
    },
  };
}

/**
 * The example organisation's past for the scorecard to replay: its
 * Components and Resources as they were on each of the last `days` days.
 * Over the span the teams adopted the platform standards (TechDocs, alerts
 * and a dashboard, on-call, cost centre, database backups) at their own
 * pace (see {@link TEAM_ADOPTION}), experimental services appeared, and
 * storefront-web lost its monitoring for a while (see {@link LAPSES}), so
 * the organisation's trend rises and the teams' differ. What the catalog
 * lacks today (catalog/README.md, "Deliberately imperfect") it never had.
 *
 * Days count back from `now`'s UTC day; any other entity is unchanged.
 */
export function exampleScorecardPastView(options: {
  now: Date;
  days?: number;
  seed?: string;
}): ScorecardPastView {
  const days = options.days ?? DEFAULT_HISTORY_DAYS;
  const seed = options.seed ?? 'acme-freight';
  const today = Math.floor(options.now.getTime() / DAY_MS);
  const stories = new Map<string, EntityStory>();
  return {
    days,
    entityAsOf(entity, day) {
      const kind = entity.kind.toLocaleLowerCase('en-US');
      const ago = today - Math.floor(day.getTime() / DAY_MS);
      if (ago <= 0 || (kind !== 'component' && kind !== 'resource')) {
        return entity;
      }
      const ref = entityRefKey(entity);
      let story = stories.get(ref);
      if (!story) {
        story = entityStory(entity, { days, seed });
        stories.set(ref, story);
      }
      if (story.createdDaysAgo !== undefined && ago > story.createdDaysAgo) {
        return undefined;
      }
      let then = entity;
      for (const id of Object.keys(STANDARDS) as StandardId[]) {
        const lapsed = story.lapses.some(
          l => l.standard === id && ago <= l.from && ago >= l.to,
        );
        if (ago > story.adoptedDaysAgo[id] || lapsed) {
          then = without(then, STANDARDS[id]);
        }
      }
      return then;
    },
  };
}

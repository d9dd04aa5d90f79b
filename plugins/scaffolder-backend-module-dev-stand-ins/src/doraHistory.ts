import { createHash } from 'node:crypto';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '@internal/paved-road-common';
import type {
  ChangeEvent,
  DeploymentEvent,
  DoraEvent,
  IncidentEvent,
} from '@internal/plugin-dora-common';

type Range = readonly [min: number, max: number];

/** How a team ships, as the generator simulates it. */
export interface DeliveryProfile {
  /** Regular production deployments per weekday; fractions are spread evenly over the weeks. */
  deploysPerWeekday: number;
  /** Pull requests (one commit each) per deployment. */
  commitsPerDeploy: Range;
  /** First commit to pull request opened. */
  codingHours: Range;
  /** Pull request opened to merged. */
  reviewHours: Range;
  /** Merged to the staging deployment that carries it. */
  waitingHours: Range;
  /** Staging deployment to production deployment of the same commits. */
  stagingHours: Range;
  deployMinutes: Range;
  /** Share of squash-merged pull requests (their lead time starts at PR open). */
  squashShare: number;
  /** Share of staging jobs that fail once before a retry succeeds. */
  flakyStagingShare: number;
  /** Share of production deployments that fail and need a rollback or a hotfix. */
  failureRate: number;
  /** Failed deployment's finish to the fix's finish in production. */
  restoreMinutes: Range;
  /** Of the failures, the share rolled back; the others are hotfixed. */
  rollbackShare: number;
  /** Of the failures, the share somebody opened an incident for. */
  incidentShare: number;
}

/**
 * Three ways of shipping, tuned against the DORA 2024 levels of
 * `@internal/plugin-dora-common` so each shows in the default 30-day window.
 */
export const DELIVERY_PROFILES = {
  /** Many small deploys a day, hours from commit to production, rolled back in minutes. */
  elite: {
    deploysPerWeekday: 2,
    commitsPerDeploy: [1, 2],
    codingHours: [0.5, 4],
    reviewHours: [0.25, 2],
    waitingHours: [0.1, 1],
    stagingHours: [0.25, 0.75],
    deployMinutes: [3, 8],
    squashShare: 0.7,
    flakyStagingShare: 0.05,
    failureRate: 0.035,
    restoreMinutes: [8, 45],
    rollbackShare: 0.8,
    incidentShare: 0.5,
  },
  /** A few deploys a week, a day or two from commit to production. */
  steady: {
    deploysPerWeekday: 0.6,
    commitsPerDeploy: [1, 4],
    codingHours: [2, 30],
    reviewHours: [2, 24],
    waitingHours: [1, 30],
    stagingHours: [1, 4],
    deployMinutes: [5, 15],
    squashShare: 0.5,
    flakyStagingShare: 0.1,
    failureRate: 0.12,
    restoreMinutes: [60, 720],
    rollbackShare: 0.5,
    incidentShare: 0.6,
  },
  /** Big releases about twice a week, weeks of waiting, one in two or three fails, days to fix. */
  struggling: {
    deploysPerWeekday: 0.4,
    commitsPerDeploy: [4, 9],
    codingHours: [24, 120],
    reviewHours: [48, 240],
    waitingHours: [336, 1008],
    stagingHours: [24, 72],
    deployMinutes: [20, 60],
    squashShare: 0.2,
    flakyStagingShare: 0.25,
    failureRate: 0.45,
    restoreMinutes: [1440, 5760],
    rollbackShare: 0.3,
    incidentShare: 0.9,
  },
} as const satisfies Record<string, DeliveryProfile>;

/** The example organisation's teams (catalog/org.yaml); any other owner is steady. */
export const TEAM_PROFILES: Record<string, DeliveryProfile> = {
  'group:default/fulfilment-team': DELIVERY_PROFILES.elite,
  'group:default/payments-team': DELIVERY_PROFILES.struggling,
};

/** New and dying services ship less than the team's main ones. */
const LIFECYCLE_ACTIVITY: Record<string, number> = {
  experimental: 0.7,
  deprecated: 0.2,
};

/** A catalog Component to give a history. */
export interface HistoryService {
  /** Full entity ref, e.g. `component:default/orders-service`. */
  ref: string;
  /** Full entity ref of the owner, e.g. `group:default/fulfilment-team`. */
  owner: string;
  lifecycle?: string;
}

export interface HistoryOptions {
  services: HistoryService[];
  /** Nothing later than this is generated. */
  now: Date;
  /** A different seed is a different history (and different idempotency keys). */
  seed: string;
  /** UTC days of history, today included (default 183: six months). */
  days?: number;
}

/** Source of every generated event, so the drill-downs show where it came from. */
const HISTORY_SOURCE = 'example-history';

/**
 * Earlier days planned but not sent, so that a rollback at the start of the
 * window has a previous release to return to: every profile deploys at
 * least once in three weeks.
 */
const WARM_UP_DAYS = 21;
/** 2020-01-01: pull request numbers count from here. */
const PR_EPOCH_DAY = 18262;
/** Pull requests numbered per day and service (the profiles stay far below). */
const PRS_PER_DAY = 32;

/**
 * Six months of deployments (staging and production), changes with pull
 * requests, failures with their rollbacks, hotfixes and incidents for each
 * service, in the shape of `POST /api/dora/events`, oldest first.
 *
 * Deterministic: every UTC day of a service is drawn from its own PRNG seeded
 * by (seed, service, day), and idempotency keys name that day, so a later
 * start regenerates the same events under the same keys (ingestion stores
 * them once) and only adds the days and the fixes that happened since.
 * Events later than `now` are left for that later start: a deployment not
 * finished yet, a change not merged yet, an incident's resolution.
 */
export function generateDoraHistory(options: HistoryOptions): DoraEvent[] {
  const now = options.now.getTime();
  const today = Math.floor(now / DAY_MS);
  const firstDay = today - (options.days ?? 183) + 1;
  const events: DoraEvent[] = [];
  for (const service of options.services) {
    const profile = TEAM_PROFILES[service.owner] ?? DELIVERY_PROFILES.steady;
    const plan: ServicePlan = {
      seed: options.seed,
      service: service.ref,
      profile,
      rate:
        profile.deploysPerWeekday *
        (LIFECYCLE_ACTIVITY[service.lifecycle ?? ''] ?? 1),
      phase: prng(options.seed, service.ref, 'phase')(),
    };
    let previousHead: string | undefined;
    for (let day = firstDay - WARM_UP_DAYS; day <= today; day++) {
      for (const release of planDay(plan, day)) {
        if (day >= firstDay) {
          events.push(...releaseEvents(plan, release, previousHead, now));
        }
        previousHead = release.head;
      }
    }
  }
  // Oldest first: a rollback, hotfix or incident names a deployment sent
  // before it (or earlier in its batch).
  return events.sort(
    (a, b) =>
      latest(a) - latest(b) || a.idempotencyKey.localeCompare(b.idempotencyKey),
  );
}

interface ServicePlan {
  seed: string;
  service: string;
  profile: DeliveryProfile;
  /** Regular production deployments per weekday. */
  rate: number;
  /** Where in the even spread this service's deployments and failures fall. */
  phase: number;
}

interface Commit {
  sha: string;
  prNumber: number;
  authoredAt: number;
  prOpenedAt: number;
  mergedAt: number;
  squashMerge: boolean;
}

interface Release {
  key: string;
  commits: Commit[];
  head: string;
  staging: Span;
  /** A failed staging job before `staging`. */
  stagingAttempt?: Span;
  production: Span;
  failure?: {
    fix: Fix;
    incident?: { id: string; opened: number; resolved: number; title: string };
  };
}

interface Span {
  start: number;
  finish: number;
}

type Fix =
  | ({ kind: 'rollback' } & Span)
  | ({ kind: 'hotfix'; commit: Commit } & Span);

const INCIDENT_TITLES = [
  'Error rate above SLO after release',
  'Latency p99 above SLO',
  'Requests failing with 5xx',
  'Queue backlog growing',
];

/** The releases a service sends to production on one UTC day (weekdays only). */
function planDay(plan: ServicePlan, day: number): Release[] {
  // Monday = 0 (1970-01-01, day 0, was a Thursday).
  const weekday = (day + 3) % 7;
  if (weekday >= 5) return [];
  const ordinal = Math.floor((day + 3) / 7) * 5 + weekday;
  // Spread evenly rather than drawn, so every window holds its share:
  // random counts would leave a struggling team's month below the minimum
  // sample for a level now and then.
  const first = Math.floor(ordinal * plan.rate + plan.phase);
  const count = Math.floor((ordinal + 1) * plan.rate + plan.phase) - first;
  const { profile } = plan;
  const random = prng(plan.seed, plan.service, String(day));
  const between = ([min, max]: Range) => min + (max - min) * random();
  const date = new Date(day * DAY_MS).toISOString().slice(0, 10);
  let prSlot = 0;
  const commit = (
    label: string,
    times: { authoredAt: number; prOpenedAt: number; mergedAt: number },
    squashMerge = false,
  ): Commit => ({
    sha: sha(plan.seed, plan.service, date, label),
    prNumber: 1000 + (day - PR_EPOCH_DAY) * PRS_PER_DAY + prSlot++,
    ...times,
    squashMerge,
  });

  const releases: Release[] = [];
  for (let i = 0; i < count; i++) {
    const key = `${HISTORY_SOURCE}/${plan.seed}:${plan.service}:${date}:${i}`;
    // Working hours, UTC.
    const start =
      day * DAY_MS + 8 * HOUR_MS + ((i + random()) / count) * 9 * HOUR_MS;
    const production = {
      start,
      finish: start + between(profile.deployMinutes) * MINUTE_MS,
    };
    const stagingFinish = start - between(profile.stagingHours) * HOUR_MS;
    const staging = {
      start: stagingFinish - between(profile.deployMinutes) * MINUTE_MS,
      finish: stagingFinish,
    };
    // A failed first attempt, retried at once.
    const attempt =
      random() < profile.flakyStagingShare
        ? {
            start: staging.start - 10 * MINUTE_MS,
            finish: staging.start - 4 * MINUTE_MS,
          }
        : undefined;
    const commits = Array.from(
      { length: Math.round(between(profile.commitsPerDeploy)) },
      (_, c) => {
        const mergedAt =
          (attempt ?? staging).start - between(profile.waitingHours) * HOUR_MS;
        const prOpenedAt = mergedAt - between(profile.reviewHours) * HOUR_MS;
        // A squash commit is made at merge time; lead time starts at PR open.
        const squash = random() < profile.squashShare;
        const authoredAt = squash
          ? mergedAt
          : prOpenedAt - between(profile.codingHours) * HOUR_MS;
        return commit(
          `${i}/${c}`,
          { authoredAt, prOpenedAt, mergedAt },
          squash,
        );
      },
    ).sort((a, b) => a.mergedAt - b.mergedAt);
    const release: Release = {
      key,
      commits,
      head: commits[commits.length - 1].sha,
      staging,
      stagingAttempt: attempt,
      production,
    };

    const n = first + i;
    const failed =
      Math.floor((n + 1) * profile.failureRate + plan.phase) >
      Math.floor(n * profile.failureRate + plan.phase);
    if (failed) {
      const restored =
        production.finish + between(profile.restoreMinutes) * MINUTE_MS;
      const detected =
        production.finish +
        (restored - production.finish) * between([0.05, 0.25]);
      // Someone writes the fix (or decides to roll back) once it is noticed;
      // it reaches production at the restore time.
      const during = (share: number) =>
        detected + (restored - detected) * share;
      const span = { start: during(0.7), finish: restored };
      const fix: Fix =
        random() < profile.rollbackShare
          ? { kind: 'rollback', ...span }
          : {
              kind: 'hotfix',
              ...span,
              commit: commit(`${i}/hotfix`, {
                authoredAt: during(0.1),
                prOpenedAt: during(0.3),
                mergedAt: during(0.6),
              }),
            };
      const incident =
        random() < profile.incidentShare
          ? {
              id: `INC-${sha(plan.seed, key, 'incident')
                .slice(0, 8)
                .toUpperCase()}`,
              opened: detected,
              resolved: restored + between([5, 30]) * MINUTE_MS,
              title:
                INCIDENT_TITLES[Math.floor(random() * INCIDENT_TITLES.length)],
            }
          : undefined;
      release.failure = { fix, incident };
    }
    releases.push(release);
  }
  return releases;
}

/** The events of one release that have happened by `now`. */
function releaseEvents(
  plan: ServicePlan,
  release: Release,
  previousHead: string | undefined,
  now: number,
): DoraEvent[] {
  const { service } = plan;
  const iso = (t: number) =>
    new Date(Math.round(t / 1000) * 1000).toISOString();
  const events: DoraEvent[] = [];
  const change = (c: Commit): ChangeEvent => ({
    type: 'change',
    idempotencyKey: `${HISTORY_SOURCE}/${plan.seed}:${service}:${c.sha}`,
    service,
    commitSha: c.sha,
    authoredAt: iso(c.authoredAt),
    prNumber: c.prNumber,
    prOpenedAt: iso(c.prOpenedAt),
    mergedAt: iso(c.mergedAt),
    squashMerge: c.squashMerge,
    source: HISTORY_SOURCE,
  });
  const deployment = (
    suffix: string,
    environment: 'staging' | 'production',
    span: { start: number; finish: number },
    extra: Partial<DeploymentEvent>,
  ): DeploymentEvent => ({
    type: 'deployment',
    idempotencyKey: `${release.key}:${suffix}`,
    service,
    environment,
    environmentTier: environment,
    status: 'success',
    startedAt: iso(span.start),
    finishedAt: iso(span.finish),
    source: HISTORY_SOURCE,
    ...extra,
  });
  const shipped = {
    commitSha: release.head,
    commits: release.commits.map(c => c.sha),
  };

  events.push(...release.commits.map(change));
  if (release.stagingAttempt) {
    events.push(
      deployment('staging-attempt-1', 'staging', release.stagingAttempt, {
        ...shipped,
        status: 'failure',
      }),
    );
  }
  events.push(deployment('staging', 'staging', release.staging, shipped));
  events.push(
    deployment('production', 'production', release.production, shipped),
  );

  const { failure } = release;
  if (failure) {
    const failedKey = `${release.key}:production`;
    const { fix, incident } = failure;
    if (fix.kind === 'hotfix') {
      events.push(change(fix.commit));
      events.push(
        deployment('hotfix', 'production', fix, {
          kind: 'hotfix',
          remediates: failedKey,
          commitSha: fix.commit.sha,
        }),
      );
    } else {
      events.push(
        deployment('rollback', 'production', fix, {
          kind: 'rollback',
          remediates: failedKey,
          ...(previousHead ? { commitSha: previousHead } : {}),
        }),
      );
    }
    if (incident) {
      // Sent open until it is resolved; resolved, under a new key, it
      // updates the stored one (same externalId).
      const resolved = incident.resolved <= now;
      const event: IncidentEvent = {
        type: 'incident',
        idempotencyKey: `${release.key}:incident:${
          resolved ? 'resolved' : 'open'
        }`,
        service,
        openedAt: iso(incident.opened),
        ...(resolved ? { resolvedAt: iso(incident.resolved) } : {}),
        causedByDeployment: failedKey,
        externalId: incident.id,
        title: incident.title,
        source: HISTORY_SOURCE,
      };
      events.push(event);
    }
  }
  // The rest waits for a later start. A change is only sent once merged, with
  // every field it will ever have, so that a later copy is a true duplicate.
  return events.filter(e => latest(e) <= now);
}

/** The latest timestamp of an event: it is sent once that has passed. */
function latest(e: DoraEvent): number {
  if (e.type === 'deployment') return Date.parse(e.finishedAt);
  if (e.type === 'change') return Date.parse(e.mergedAt ?? e.authoredAt);
  return Date.parse(e.resolvedAt ?? e.openedAt);
}

/** A fake commit sha (40 hex digits) named by its parts. */
function sha(...parts: string[]): string {
  return createHash('sha1').update(parts.join('\n')).digest('hex');
}

/** mulberry32, seeded from its name: uniform numbers in [0, 1). */
function prng(...parts: string[]): () => number {
  let state = createHash('sha256')
    .update(parts.join('\n'))
    .digest()
    .readUInt32LE(0);
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

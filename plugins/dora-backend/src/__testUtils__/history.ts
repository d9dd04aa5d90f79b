/*
 * A random but plausible, deterministic DORA history for the store tests:
 * three services of two teams, production-eu, production-us and staging,
 * rollbacks, hotfixes and incidents (some linked explicitly).
 */
import { DoraEvent } from '@internal/plugin-dora-common';

export const HOUR = 3_600_000;
export const START = Date.parse('2026-03-01T00:00:00Z');

/** Small deterministic PRNG (mulberry32). */
function rng(seed: number) {
  let a = seed;
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Two production-tier environments and staging. */
const pickEnvironment = (x: number) => {
  if (x < 0.35) return 'production-eu';
  return x < 0.7 ? 'production-us' : 'staging';
};

/**
 * A random but plausible history, split into shuffled batches. With
 * `inferKinds`, most regular deployments send no kind (a few send
 * `regular`), and about a quarter of the deployments re-deploy a head
 * their service deployed to that environment before the live one, so that
 * rollbacks are inferred; without it,
 * every deployment sends its kind (the same events as before the option).
 */
export function generate(
  seed: number,
  options: { inferKinds?: boolean } = {},
): DoraEvent[][] {
  const r = rng(seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)];
  const at = (ms: number) =>
    new Date(Math.round(ms / 1000) * 1000).toISOString();
  const services = ['a', 'a2', 'b'];
  const events: DoraEvent[] = [];
  const commits = new Map<string, string[]>();
  for (const service of services) {
    const shas: string[] = [];
    for (let i = 0; i < 40; i++) {
      const sha = `${service}-${seed}-${i}`;
      shas.push(sha);
      const authored = START + (i / 40) * 30 * 24 * HOUR - r() * 48 * HOUR;
      const squash = r() < 0.3;
      const withPr = squash || r() < 0.5;
      events.push({
        type: 'change',
        idempotencyKey: `chg-${sha}`,
        service,
        commitSha: sha,
        authoredAt: at(authored),
        ...(withPr
          ? {
              prNumber: i + 1,
              prOpenedAt: at(authored + r() * 10 * HOUR),
              mergedAt: at(authored + 10 * HOUR + r() * 20 * HOUR),
              squashMerge: squash,
            }
          : {}),
      });
    }
    commits.set(service, shas);
  }
  const deployed = new Map<string, string[]>(); // service -> deployment keys
  const heads = new Map<string, string[]>(); // service and environment -> heads
  for (let i = 0; i < 90; i++) {
    const service = pick(services);
    const shas = commits.get(service)!;
    const finished = START + (i / 90) * 32 * 24 * HOUR + r() * 6 * HOUR;
    const idx = Math.min(shas.length - 1, Math.floor((i / 90) * 40));
    const contained = [shas[idx], shas[Math.max(0, idx - 1)], pick(shas)];
    const earlier = deployed.get(service) ?? [];
    const roll = earlier.length ? r() : 1;
    let kind: 'regular' | 'hotfix' | 'rollback' = 'regular';
    if (roll < 0.1) kind = 'rollback';
    else if (roll < 0.2) kind = 'hotfix';
    const key = `dep-${seed}-${i}`;
    const environment = pickEnvironment(r());
    const status = r() < 0.9 ? 'success' : 'failure';
    let head = contained[0];
    let sendsKind = true;
    if (options.inferKinds) {
      // Back to a head deployed there before the live one, now and then.
      const there = `${service} ${environment}`;
      const before = heads.get(there) ?? [];
      if (before.length > 1 && r() < 0.3) head = pick(before.slice(-4, -1));
      sendsKind = kind !== 'regular' || r() < 0.2;
      if (status === 'success') heads.set(there, [...before, head]);
    }
    events.push({
      type: 'deployment',
      idempotencyKey: key,
      service,
      environment,
      status,
      finishedAt: at(finished),
      commitSha: head,
      commits: head === contained[0] ? contained.slice(1) : [],
      ...(sendsKind ? { kind } : {}),
      ...(kind !== 'regular' ? { remediates: pick(earlier) } : {}),
    });
    deployed.set(service, [...earlier, key]);
  }
  for (let i = 0; i < 25; i++) {
    const opened = START + r() * 32 * 24 * HOUR;
    events.push({
      type: 'incident',
      idempotencyKey: `inc-${seed}-${i}`,
      service: pick(services),
      openedAt: at(opened),
      ...(r() < 0.8 ? { resolvedAt: at(opened + r() * 30 * HOUR) } : {}),
    });
  }
  // Deployments must precede what remediates them within the stream; keep
  // them in order but interleave changes and incidents randomly.
  const deployments = events.filter(e => e.type === 'deployment');
  const others = events.filter(e => e.type !== 'deployment');
  const stream: DoraEvent[] = [];
  while (deployments.length || others.length) {
    const fromOthers = others.length && (!deployments.length || r() < 0.5);
    stream.push(
      fromOthers
        ? others.splice(Math.floor(r() * others.length), 1)[0]
        : deployments.shift()!,
    );
  }
  const batches: DoraEvent[][] = [];
  for (let i = 0; i < stream.length; ) {
    const size = 1 + Math.floor(r() * 40);
    batches.push(stream.slice(i, i + size));
    i += size;
  }
  // Incidents linked explicitly to any deployment (staging ones too), sent
  // once every deployment is stored.
  const explicit: DoraEvent[] = [];
  for (let i = 0; i < 10; i++) {
    const service = pick(services);
    const opened = START + r() * 32 * 24 * HOUR;
    explicit.push({
      type: 'incident',
      idempotencyKey: `inc-explicit-${seed}-${i}`,
      service,
      openedAt: at(opened),
      resolvedAt: at(opened + r() * 30 * HOUR),
      causedByDeployment: pick(deployed.get(service) ?? [`none-${i}`]),
    });
  }
  return [...batches, explicit];
}

export const DAY = 24 * HOUR;

/** Every scope the metrics serve, as store filter and reference options. */
export const scopes = [
  {},
  { serviceRefs: ['component:default/b'] },
  { ownerRefs: ['group:default/team-a', 'group:default/team-a-sub'] },
];

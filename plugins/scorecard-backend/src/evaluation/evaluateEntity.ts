import { Entity } from '@backstage/catalog-model';
import {
  CheckDefinition,
  CheckResult,
  CheckState,
  CheckWeight,
  FactTimestamp,
  Waiver,
} from '@internal/plugin-scorecard-common';
import {
  evaluateCondition,
  FactLookup,
  factRoots,
  readPath,
} from '../checks/conditions';
import { FactSourceId, FactSourceResult, sourceOfFact } from '../facts/types';

/** The facts of one entity, with staleness applied. */
export class EntityFacts implements FactLookup {
  constructor(
    private readonly sources: Partial<Record<FactSourceId, FactSourceResult>>,
    private readonly now: Date,
    private readonly staleAfterMs: number,
  ) {}

  get(path: string): { value: unknown } | { unknown: string } {
    const id = sourceOfFact(path);
    const source = this.sources[id];
    if (!source) {
      return { unknown: `${id} facts were never collected` };
    }
    if (source.unavailable) {
      return { unknown: source.unavailable };
    }
    const age = this.now.getTime() - source.collectedAt.getTime();
    if (age > this.staleAfterMs) {
      return {
        unknown: `stale: ${id} facts were collected at ${source.collectedAt.toISOString()}`,
      };
    }
    const missing = Object.entries(source.unknown ?? {}).find(
      ([fact]) => path === fact || path.startsWith(`${fact}.`),
    );
    if (missing) {
      return { unknown: missing[1] };
    }
    return { value: readPath(source.values, path) };
  }

  /** The notes of the given sources whose values are in use, as `source: note`. */
  notes(ids: Iterable<FactSourceId>): string[] {
    const out: string[] = [];
    for (const id of ids) {
      const source = this.sources[id];
      if (source?.note && 'value' in this.get(id)) {
        out.push(`${id}: ${source.note}`);
      }
    }
    return out;
  }

  /**
   * What the given sources whose values are in use say of every result built
   * on them (an old answer, a fallback), as `source: provenance`.
   */
  provenance(ids: Iterable<FactSourceId>): string[] {
    const out: string[] = [];
    for (const id of ids) {
      const source = this.sources[id];
      if (source?.provenance && 'value' in this.get(id)) {
        out.push(`${id}: ${source.provenance}`);
      }
    }
    return out;
  }

  timestamps(ids: Iterable<FactSourceId>): FactTimestamp[] {
    const out: FactTimestamp[] = [];
    for (const id of ids) {
      const source = this.sources[id];
      if (source) {
        out.push({ source: id, collectedAt: source.collectedAt.toISOString() });
      }
    }
    return out;
  }
}

const sourcesCache = new WeakMap<CheckDefinition, Set<FactSourceId>>();

/** The fact sources a check reads (its condition and appliesTo condition). */
export function sourcesOfCheck(check: CheckDefinition): Set<FactSourceId> {
  let sources = sourcesCache.get(check);
  if (!sources) {
    const roots = factRoots(check.condition);
    if (check.appliesTo?.condition) {
      factRoots(check.appliesTo.condition, roots);
    }
    sources = new Set([...roots].map(sourceOfFact));
    sourcesCache.set(check, sources);
  }
  return sources;
}

const lower = (v: unknown) =>
  typeof v === 'string' ? v.toLocaleLowerCase('en-US') : undefined;

/** Why a check's kind/type/lifecycle/tag filter excludes the entity, if it does. */
export function filterMismatch(
  check: CheckDefinition,
  entity: Entity,
): string | undefined {
  const filter = check.appliesTo;
  if (!filter) {
    return undefined;
  }
  const spec = (entity.spec ?? {}) as Record<string, unknown>;
  const checks: Array<[string, string[] | undefined, unknown]> = [
    ['kind', filter.kind, entity.kind],
    ['type', filter.type, spec.type],
    ['lifecycle', filter.lifecycle, spec.lifecycle],
  ];
  for (const [name, allowed, actual] of checks) {
    if (allowed && !allowed.some(a => lower(a) === lower(actual))) {
      return `applies to ${name} ${allowed.join(
        ', ',
      )}; this entity's ${name} is ${actual ?? 'not set'}`;
    }
  }
  if (filter.tag) {
    const tags = (entity.metadata.tags ?? []).map(t => lower(t));
    if (!filter.tag.some(t => tags.includes(lower(t)))) {
      return `applies to entities tagged ${filter.tag.join(', ')}`;
    }
  }
  return undefined;
}

/** Whether a check can apply to the entity on kind/type/lifecycle/tag alone. */
export function mayApply(check: CheckDefinition, entity: Entity): boolean {
  return filterMismatch(check, entity) === undefined;
}

export interface EvaluateEntityOptions {
  entity: Entity;
  checks: CheckDefinition[];
  facts: EntityFacts;
  waivers?: Map<string, Waiver>;
  /**
   * Why the entity's own exemptions (the catalog annotation) do not exempt a
   * check; added to the reason of a check that a waiver would have exempted.
   */
  waiverProblems?: (checkId: string) => string[];
  now: Date;
}

/** `reason (aside; aside)`, or the reason alone. */
const withAside = (reason: string, asides: string[]) =>
  asides.length ? `${reason} (${asides.join('; ')})` : reason;

/** The states a waiver turns into `exempt`. */
const WAIVABLE: ReadonlySet<CheckState> = new Set([
  'fail',
  'warn',
  'no_data',
  'error',
]);

/**
 * Evaluates every check for one entity. Pure: all facts are given. Never
 * throws; a check that cannot be evaluated is in state `error`.
 */
export function evaluateEntity(
  options: EvaluateEntityOptions,
): Array<CheckResult & { weight: CheckWeight }> {
  const { entity, checks, facts, waivers, waiverProblems, now } = options;
  const evaluatedAt = now.toISOString();
  return checks.map(check => {
    const base = { checkId: check.id, weight: check.weight, evaluatedAt };
    const problems = waiverProblems?.(check.id) ?? [];
    const result = (
      state: CheckState,
      reason: string,
      extra: Partial<CheckResult> = {},
    ) => ({
      ...base,
      state,
      reason:
        problems.length && WAIVABLE.has(state)
          ? `${reason}; ${problems.join('; ')}`
          : reason,
      facts: [],
      ...extra,
    });
    try {
      const mismatch = filterMismatch(check, entity);
      if (mismatch) {
        return result('not_applicable', mismatch);
      }
      const timestamps = facts.timestamps(sourcesOfCheck(check));
      if (check.appliesTo?.condition) {
        const applies = evaluateCondition(check.appliesTo.condition, facts);
        if (applies.truth === 'unknown') {
          return result('no_data', applies.reason, { facts: timestamps });
        }
        if (!applies.truth) {
          return result('not_applicable', `does not apply: ${applies.reason}`, {
            facts: timestamps,
            factValues: applies.factValues,
          });
        }
      }
      const waiver = waivers?.get(check.id);
      if (waiver && new Date(waiver.expiresAt) > now) {
        return result(
          'exempt',
          `waived by ${waiver.createdBy} until ${waiver.expiresAt}: ${waiver.reason}`,
          { facts: timestamps },
        );
      }
      const outcome = evaluateCondition(check.condition, facts);
      const extra = { facts: timestamps, factValues: outcome.factValues };
      if (outcome.truth === 'unknown') {
        return result('no_data', outcome.reason, extra);
      }
      const said = facts.provenance(sourcesOfCheck(check));
      if (outcome.truth) {
        return result('pass', withAside(outcome.reason, said), extra);
      }
      const reason = withAside(outcome.reason, [
        ...facts.notes(sourcesOfCheck(check)),
        ...said,
      ]);
      if (
        check.enforcedFrom &&
        new Date(`${check.enforcedFrom}T00:00:00Z`) > now
      ) {
        return result(
          'warn',
          `${reason} (not enforced until ${check.enforcedFrom})`,
          extra,
        );
      }
      return result('fail', reason, extra);
    } catch (error) {
      return result('error', `evaluation failed: ${(error as Error).message}`);
    }
  });
}

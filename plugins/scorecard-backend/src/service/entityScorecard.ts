import { NotFoundError } from '@backstage/errors';
import {
  computeScore,
  EntityCheckView,
  EntityScorecardResponse,
  SCORE_FORMULA,
} from '@internal/plugin-scorecard-common';
import { LoadedChecks } from '../checks/CheckLoader';
import { ScorecardStore } from '../database/ScorecardStore';

/**
 * An entity's scorecard as the API answers it: every check of the loaded
 * set with its stored result and active waiver, results whose oldest fact is
 * older than `staleAfterMs` shown as `no_data` (stale, with the last known
 * state), and the score computed again without them when any is stale.
 */
export async function entityScorecard(
  options: {
    store: Pick<
      ScorecardStore,
      'getEntityScore' | 'getCheckResults' | 'getActiveWaivers'
    >;
    checks: { getChecks(): LoadedChecks };
    staleAfterMs: number;
  },
  entityRef: string,
  now: number = Date.now(),
): Promise<EntityScorecardResponse> {
  const summary = await options.store.getEntityScore(entityRef);
  if (!summary) {
    throw new NotFoundError(
      `No scorecard for ${entityRef}: it is not in the catalog or has not been evaluated yet (POST /entities/:kind/:namespace/:name/evaluate)`,
    );
  }
  const set = options.checks.getChecks();
  const stored = new Map(
    (await options.store.getCheckResults(entityRef)).map(r => [r.checkId, r]),
  );
  const waivers =
    (await options.store.getActiveWaivers([entityRef], new Date(now))).get(
      entityRef,
    ) ?? new Map();
  let anyStale = false;
  const views: EntityCheckView[] = set.checks.map(check => {
    const definition = {
      title: check.title,
      description: check.description,
      weight: check.weight,
      remediation: check.remediation,
      enforcedFrom: check.enforcedFrom,
      waiver: waivers.get(check.id),
    };
    const result = stored.get(check.id);
    if (!result) {
      return {
        ...definition,
        checkId: check.id,
        state: 'no_data' as const,
        reason: 'not evaluated yet',
        facts: [],
        evaluatedAt: summary.evaluatedAt,
      };
    }
    const oldest = result.facts.reduce(
      (min, f) => Math.min(min, Date.parse(f.collectedAt)),
      Infinity,
    );
    const stale =
      ['pass', 'fail', 'warn'].includes(result.state) &&
      now - oldest > options.staleAfterMs;
    if (stale) {
      anyStale = true;
      return {
        ...definition,
        ...result,
        state: 'no_data' as const,
        stale: true,
        lastKnownState: result.state,
        reason: `stale: facts collected at ${new Date(
          oldest,
        ).toISOString()}; last known: ${result.state} (${result.reason})`,
      };
    }
    return { ...definition, ...result };
  });
  const score = anyStale
    ? computeScore(
        views.map(v => ({ weight: v.weight, state: v.state })),
        set.levels,
      )
    : summary;
  const response: EntityScorecardResponse = {
    ...summary,
    score: score.score,
    level: score.level,
    criticalFailing: score.criticalFailing,
    passedWeight: score.passedWeight,
    applicableWeight: score.applicableWeight,
    unknownWeight: score.unknownWeight,
    formula: SCORE_FORMULA,
    levels: set.levels,
    checks: views,
  };
  return response;
}

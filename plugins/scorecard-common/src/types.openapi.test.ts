import type { AssignableType, SameType } from '@internal/paved-road-common';
import type * as Spec from './schema/openapi.models.generated';
import type * as Api from './api';
import type * as Types from './types';

/*
 * The wire types of this package are hand-written (with their docs); the
 * scorecard backend's OpenAPI spec is the contract. Each type of the spec that
 * the wire types also have must be the same type: `tsc` fails on a line
 * below when a field, an enum value or an optional mark differs.
 * src/schema/openapi.models.generated.ts is written from the spec by
 * `yarn --cwd plugins/scorecard-backend generate:spec`, and the backend's contract
 * test checks that it is current.
 */

describe('the scorecard wire types', () => {
  it('are the types of the spec', () => {
    const sameAsTheSpec: {
      CheckWeight: SameType<Types.CheckWeight, Spec.CheckWeight>;
      CheckState: SameType<Types.CheckState, Spec.CheckState>;
      // Looser in the spec, which leaves a condition any object (its
      // language is described there, and typed by CheckCondition).
      CheckCondition: AssignableType<Types.CheckCondition, Spec.CheckCondition>;
      // Looser in the spec: holds a CheckCondition.
      CheckAppliesTo: AssignableType<Types.CheckAppliesTo, Spec.CheckAppliesTo>;
      CheckRemediation: SameType<Types.CheckRemediation, Spec.CheckRemediation>;
      // Looser in the spec: holds a CheckCondition.
      CheckDefinition: AssignableType<
        Types.CheckDefinition,
        Spec.CheckDefinition
      >;
      LevelDefinition: SameType<Types.LevelDefinition, Spec.LevelDefinition>;
      DryRunChange: SameType<Api.DryRunChange, Spec.DryRunChange>;
      DryRunResponse: SameType<Api.DryRunResponse, Spec.DryRunResponse>;
      EntityScoreSummary: SameType<
        Api.EntityScoreSummary,
        Spec.EntityScoreSummary
      >;
      EntityScoreListResponse: SameType<
        Api.EntityScoreListResponse,
        Spec.EntityScoreListResponse
      >;
      FactTimestamp: SameType<Types.FactTimestamp, Spec.FactTimestamp>;
      Waiver: SameType<Api.Waiver, Spec.Waiver>;
      EntityCheckView: SameType<Api.EntityCheckView, Spec.EntityCheckView>;
      EntityScorecardResponse: SameType<
        Api.EntityScorecardResponse,
        Spec.EntityScorecardResponse
      >;
      ScoreSnapshot: SameType<Api.ScoreSnapshot, Spec.ScoreSnapshot>;
      CheckStateChange: SameType<Api.CheckStateChange, Spec.CheckStateChange>;
      EntityHistoryResponse: SameType<
        Api.EntityHistoryResponse,
        Spec.EntityHistoryResponse
      >;
      OrganisationTrendDay: SameType<
        Api.OrganisationTrendDay,
        Spec.OrganisationTrendDay
      >;
      OrganisationTrendResponse: SameType<
        Api.OrganisationTrendResponse,
        Spec.OrganisationTrendResponse
      >;
      ScoreTotals: SameType<Api.ScoreTotals, Spec.ScoreTotals>;
      TeamRollup: SameType<Api.TeamRollup, Spec.TeamRollup>;
      TeamRollupResponse: SameType<
        Api.TeamRollupResponse,
        Spec.TeamRollupResponse
      >;
    } = {
      CheckWeight: true,
      CheckState: true,
      CheckCondition: true,
      CheckAppliesTo: true,
      CheckRemediation: true,
      CheckDefinition: true,
      LevelDefinition: true,
      DryRunChange: true,
      DryRunResponse: true,
      EntityScoreSummary: true,
      EntityScoreListResponse: true,
      FactTimestamp: true,
      Waiver: true,
      EntityCheckView: true,
      EntityScorecardResponse: true,
      ScoreSnapshot: true,
      CheckStateChange: true,
      EntityHistoryResponse: true,
      OrganisationTrendDay: true,
      OrganisationTrendResponse: true,
      ScoreTotals: true,
      TeamRollup: true,
      TeamRollupResponse: true,
    };
    expect(Object.values(sameAsTheSpec).every(same => same)).toBe(true);
  });
});

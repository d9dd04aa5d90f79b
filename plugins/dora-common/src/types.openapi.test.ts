import type { SameType } from '@internal/paved-road-common';
import type * as Spec from './schema/openapi.models.generated';
import type * as Types from './types';

/*
 * The wire types of this package are hand-written (with their docs); the
 * DORA backend's OpenAPI spec is the contract. Each type of the spec that
 * the wire types also have must be the same type: `tsc` fails on a line
 * below when a field, an enum value or an optional mark differs.
 * src/schema/openapi.models.generated.ts is written from the spec by
 * `yarn --cwd plugins/dora-backend generate:spec`, and the backend's contract
 * test checks that it is current.
 */

describe('the DORA wire types', () => {
  it('are the types of the spec', () => {
    const sameAsTheSpec: {
      EnvironmentTier: SameType<Types.EnvironmentTier, Spec.EnvironmentTier>;
      DeploymentKind: SameType<Types.DeploymentKind, Spec.DeploymentKind>;
      DeploymentStatus: SameType<Types.DeploymentStatus, Spec.DeploymentStatus>;
      IncidentLinkMethod: SameType<
        Types.IncidentLinkMethod,
        Spec.IncidentLinkMethod
      >;
      DoraScope: SameType<Types.DoraScope, Spec.DoraScope>;
      PerformanceLevel: SameType<Types.PerformanceLevel, Spec.PerformanceLevel>;
      TrendDirection: SameType<Types.TrendDirection, Spec.TrendDirection>;
      DeploymentEvent: SameType<Types.DeploymentEvent, Spec.DeploymentEvent>;
      ChangeEvent: SameType<Types.ChangeEvent, Spec.ChangeEvent>;
      IncidentEvent: SameType<Types.IncidentEvent, Spec.IncidentEvent>;
      DoraEvent: SameType<Types.DoraEvent, Spec.DoraEvent>;
      IngestRequest: SameType<Types.IngestRequest, Spec.IngestRequest>;
      IngestResponse: SameType<Types.IngestResponse, Spec.IngestResponse>;
      DoraTarget: SameType<Types.DoraTarget, Spec.DoraTarget>;
      DeploymentFrequencyFigure: SameType<
        Types.DeploymentFrequencyFigure,
        Spec.DeploymentFrequencyFigure
      >;
      LeadTimeFigure: SameType<Types.LeadTimeFigure, Spec.LeadTimeFigure>;
      ChangeFailureRateFigure: SameType<
        Types.ChangeFailureRateFigure,
        Spec.ChangeFailureRateFigure
      >;
      RecoveryTimeFigure: SameType<
        Types.RecoveryTimeFigure,
        Spec.RecoveryTimeFigure
      >;
      ReworkRateFigure: SameType<Types.ReworkRateFigure, Spec.ReworkRateFigure>;
      DoraFigures: SameType<Types.DoraFigures, Spec.DoraFigures>;
      DoraTrend: SameType<Types.DoraTrend, Spec.DoraTrend>;
      DoraWeek: SameType<Types.DoraWeek, Spec.DoraWeek>;
      DoraMetricsResponse: SameType<
        Types.DoraMetricsResponse,
        Spec.DoraMetricsResponse
      >;
      DoraEnvironment: SameType<Types.DoraEnvironment, Spec.DoraEnvironment>;
      DoraEnvironmentsResponse: SameType<
        Types.DoraEnvironmentsResponse,
        Spec.DoraEnvironmentsResponse
      >;
      DoraDataQualityResponse: SameType<
        Types.DoraDataQualityResponse,
        Spec.DoraDataQualityResponse
      >;
      DoraDeploymentRow: SameType<
        Types.DoraDeploymentRow,
        Spec.DoraDeploymentRow
      >;
      DoraChangeRow: SameType<Types.DoraChangeRow, Spec.DoraChangeRow>;
      DoraIncidentRow: SameType<Types.DoraIncidentRow, Spec.DoraIncidentRow>;
    } = {
      EnvironmentTier: true,
      DeploymentKind: true,
      DeploymentStatus: true,
      IncidentLinkMethod: true,
      DoraScope: true,
      PerformanceLevel: true,
      TrendDirection: true,
      DeploymentEvent: true,
      ChangeEvent: true,
      IncidentEvent: true,
      DoraEvent: true,
      IngestRequest: true,
      IngestResponse: true,
      DoraTarget: true,
      DeploymentFrequencyFigure: true,
      LeadTimeFigure: true,
      ChangeFailureRateFigure: true,
      RecoveryTimeFigure: true,
      ReworkRateFigure: true,
      DoraFigures: true,
      DoraTrend: true,
      DoraWeek: true,
      DoraMetricsResponse: true,
      DoraEnvironment: true,
      DoraEnvironmentsResponse: true,
      DoraDataQualityResponse: true,
      DoraDeploymentRow: true,
      DoraChangeRow: true,
      DoraIncidentRow: true,
    };
    expect(Object.values(sameAsTheSpec).every(same => same)).toBe(true);
  });
});

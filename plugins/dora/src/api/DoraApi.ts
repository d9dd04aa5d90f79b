import { createApiRef } from '@backstage/frontend-plugin-api';
import {
  DoraChangeRow,
  DoraDataQualityResponse,
  DoraDeploymentRow,
  DoraEnvironmentsResponse,
  DoraIncidentRow,
  DoraListResponse,
  DoraMetricsResponse,
  DoraScope,
} from '@internal/plugin-dora-common';

/**
 * What to compute DORA figures over: the organisation, a team (group entity
 * ref, its child groups included by the backend) or a service (component
 * entity ref), in the window `[from, to)`, counting the deployments to every
 * production-tier environment or, with `environment`, to that one.
 *
 * @public
 */
export interface DoraQuery {
  scope: DoraScope;
  /** Entity ref of the group (team scope) or component (service scope). */
  ref?: string;
  from?: Date | string;
  to?: Date | string;
  /** One environment by name instead of all production-tier ones. */
  environment?: string;
}

/**
 * Client of the DORA backend (`/api/dora`).
 *
 * @public
 */
export interface DoraApi {
  /** The four keys and rework rate, previous window, trends and weekly series. */
  getMetrics(query: DoraQuery): Promise<DoraMetricsResponse>;
  /** The environments the scope has deployed to (all time), production first. */
  getEnvironments(
    query: Pick<DoraQuery, 'scope' | 'ref'>,
  ): Promise<DoraEnvironmentsResponse>;
  /** Counts of data that the figures cannot use (unlinked, unknown, undeployed). */
  getDataQuality(query: DoraQuery): Promise<DoraDataQualityResponse>;
  /** Drill-down: production and other deployments finished in the window. */
  listDeployments(
    query: DoraQuery,
    options?: { limit?: number },
  ): Promise<DoraListResponse<DoraDeploymentRow>>;
  /** Drill-down: changes whose first production deployment is in the window. */
  listChanges(
    query: DoraQuery,
    options?: { limit?: number },
  ): Promise<DoraListResponse<DoraChangeRow>>;
  /** Drill-down: incidents opened in the window, with how they were linked. */
  listIncidents(
    query: DoraQuery,
    options?: { limit?: number },
  ): Promise<DoraListResponse<DoraIncidentRow>>;
  /** Absolute URL of the backend, for the "how to send data" instructions. */
  getBaseUrl(): Promise<string>;
}

/** @public */
export const doraApiRef = createApiRef<DoraApi>().with({
  id: 'plugin.dora.service',
  pluginId: 'dora',
});

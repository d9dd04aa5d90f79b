import { DiscoveryApi, FetchApi } from '@backstage/frontend-plugin-api';
import { okJson } from '@internal/paved-road-react';
import {
  DefaultApiClient,
  DoraChangeRow,
  DoraDataQualityResponse,
  DoraDeploymentRow,
  DoraEnvironmentsResponse,
  DoraIncidentRow,
  DoraListResponse,
  DoraMetricsResponse,
} from '@internal/plugin-dora-common';
import { DoraApi, DoraQuery } from './DoraApi';

function toIso(value: Date | string): string {
  return typeof value === 'string' ? value : value.toISOString();
}

/** The query every read route takes, as the spec types it. */
type ReadQuery = NonNullable<
  Parameters<DefaultApiClient['getMetrics']>[0]['query']
>;

/**
 * The query parameters shared by every read endpoint. The org scope takes
 * no ref; a team or service scope without a ref is a caller bug, rejected
 * here rather than silently widened to the organisation by the backend.
 */
export function buildQuery(query: DoraQuery): ReadQuery {
  const params: ReadQuery = { scope: query.scope };
  if (query.scope !== 'org') {
    if (!query.ref) {
      throw new Error(`A ${query.scope} scope needs an entity ref`);
    }
    params.ref = query.ref;
  }
  if (query.from) params.from = toIso(query.from);
  if (query.to) params.to = toIso(query.to);
  if (query.environment) params.environment = query.environment;
  return params;
}

/** A drill-down's query: the read query and the row limit, if given. */
function listQuery(query: DoraQuery, options?: { limit?: number }) {
  const params = buildQuery(query);
  return options?.limit === undefined
    ? params
    : { ...params, limit: options.limit };
}

/**
 * Talks to the dora backend through the app's fetch API (which adds the
 * user's Backstage token), with the client generated from its OpenAPI spec.
 *
 * @public
 */
export class DoraClient implements DoraApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly api: DefaultApiClient;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.api = new DefaultApiClient(options);
  }

  getBaseUrl(): Promise<string> {
    return this.discoveryApi.getBaseUrl('dora');
  }

  getMetrics(query: DoraQuery): Promise<DoraMetricsResponse> {
    return okJson(this.api.getMetrics({ query: buildQuery(query) }));
  }

  getEnvironments(
    query: Pick<DoraQuery, 'scope' | 'ref'>,
  ): Promise<DoraEnvironmentsResponse> {
    // All time: the window and the picked environment do not apply.
    const { scope, ref } = query;
    return okJson(
      this.api.listEnvironments({ query: buildQuery({ scope, ref }) }),
    );
  }

  getDataQuality(query: DoraQuery): Promise<DoraDataQualityResponse> {
    return okJson(this.api.getDataQuality({ query: buildQuery(query) }));
  }

  listDeployments(
    query: DoraQuery,
    options?: { limit?: number },
  ): Promise<DoraListResponse<DoraDeploymentRow>> {
    return okJson(
      this.api.listDeployments({ query: listQuery(query, options) }),
    );
  }

  listChanges(
    query: DoraQuery,
    options?: { limit?: number },
  ): Promise<DoraListResponse<DoraChangeRow>> {
    return okJson(this.api.listChanges({ query: listQuery(query, options) }));
  }

  listIncidents(
    query: DoraQuery,
    options?: { limit?: number },
  ): Promise<DoraListResponse<DoraIncidentRow>> {
    return okJson(this.api.listIncidents({ query: listQuery(query, options) }));
  }
}

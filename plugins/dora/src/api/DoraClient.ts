import { DiscoveryApi, FetchApi } from '@backstage/frontend-plugin-api';
import { createJsonFetcher, JsonFetcher } from '@internal/paved-road-react';
import {
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

/**
 * Builds the query string shared by every read endpoint. The org scope takes
 * no ref; a team or service scope without a ref is a caller bug, rejected
 * here rather than silently widened to the organisation by the backend.
 */
export function buildQuery(
  query: DoraQuery,
  extra: Record<string, string> = {},
): URLSearchParams {
  const params = new URLSearchParams({ scope: query.scope });
  if (query.scope !== 'org') {
    if (!query.ref) {
      throw new Error(`A ${query.scope} scope needs an entity ref`);
    }
    params.set('ref', query.ref);
  }
  if (query.from) params.set('from', toIso(query.from));
  if (query.to) params.set('to', toIso(query.to));
  if (query.environment) params.set('environment', query.environment);
  for (const [key, value] of Object.entries(extra)) params.set(key, value);
  return params;
}

/**
 * Talks to the dora backend through the app's fetch API (which adds the
 * user's Backstage token).
 *
 * @public
 */
export class DoraClient implements DoraApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly request: JsonFetcher;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.request = createJsonFetcher(options, 'dora');
  }

  getBaseUrl(): Promise<string> {
    return this.discoveryApi.getBaseUrl('dora');
  }

  getMetrics(query: DoraQuery): Promise<DoraMetricsResponse> {
    return this.get('metrics', buildQuery(query));
  }

  getEnvironments(
    query: Pick<DoraQuery, 'scope' | 'ref'>,
  ): Promise<DoraEnvironmentsResponse> {
    // All time: the window and the picked environment do not apply.
    return this.get(
      'environments',
      buildQuery({ scope: query.scope, ref: query.ref }),
    );
  }

  getDataQuality(query: DoraQuery): Promise<DoraDataQualityResponse> {
    return this.get('data-quality', buildQuery(query));
  }

  listDeployments(
    query: DoraQuery,
    options?: { limit?: number },
  ): Promise<DoraListResponse<DoraDeploymentRow>> {
    return this.get('deployments', buildQuery(query, limitParam(options)));
  }

  listChanges(
    query: DoraQuery,
    options?: { limit?: number },
  ): Promise<DoraListResponse<DoraChangeRow>> {
    return this.get('changes', buildQuery(query, limitParam(options)));
  }

  listIncidents(
    query: DoraQuery,
    options?: { limit?: number },
  ): Promise<DoraListResponse<DoraIncidentRow>> {
    return this.get('incidents', buildQuery(query, limitParam(options)));
  }

  private get<T>(path: string, params: URLSearchParams): Promise<T> {
    return this.request(`${path}?${params.toString()}`);
  }
}

function limitParam(options?: { limit?: number }): Record<string, string> {
  return options?.limit === undefined ? {} : { limit: String(options.limit) };
}

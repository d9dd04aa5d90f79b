import { parseEntityRef } from '@backstage/catalog-model';
import { DiscoveryApi, FetchApi } from '@backstage/frontend-plugin-api';
import { createJsonFetcher, JsonFetcher } from '@internal/paved-road-react';
import {
  CreateWaiverRequest,
  EntityHistoryResponse,
  EntityScoreListResponse,
  EntityScorecardResponse,
  TeamRollupResponse,
  Waiver,
  OrganisationTrendResponse,
} from '@internal/plugin-scorecard-common';
import {
  ScorecardApi,
  ScorecardChecksResponse,
  ScorecardEntityRef,
  ScorecardListQuery,
} from './ScorecardApi';

/** `kind/namespace/name`, each part URL-encoded, as the entity routes expect. */
export function entityPath(entity: ScorecardEntityRef): string {
  const { kind, namespace, name } =
    typeof entity === 'string' ? parseEntityRef(entity) : entity;
  return [kind, namespace || 'default', name]
    .map(part => encodeURIComponent(part))
    .join('/');
}

/** The query string of `GET /entities`; empty filters are left out. */
export function buildListQuery(query: ScorecardListQuery): URLSearchParams {
  const params = new URLSearchParams();
  const list = (key: string, values?: string[]) => {
    const kept = values?.filter(v => v.trim() !== '');
    if (kept?.length) params.set(key, kept.join(','));
  };
  list('owner', query.owner);
  list('kind', query.kind);
  list('level', query.level);
  if (query.check) params.set('check', query.check);
  if (query.criticalFailing !== undefined) {
    params.set('criticalFailing', String(query.criticalFailing));
  }
  if (query.orderBy) params.set('orderBy', query.orderBy);
  if (query.order) params.set('order', query.order);
  if (query.limit !== undefined) params.set('limit', String(query.limit));
  if (query.cursor) params.set('cursor', query.cursor);
  return params;
}

/**
 * Talks to the scorecard backend through the app's fetch API (which adds the
 * user's Backstage token).
 *
 * @public
 */
export class ScorecardClient implements ScorecardApi {
  private readonly request: JsonFetcher;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.request = createJsonFetcher(options, 'scorecard');
  }

  async getEntityScorecard(
    entity: ScorecardEntityRef,
  ): Promise<EntityScorecardResponse | undefined> {
    return this.request(`entities/${entityPath(entity)}`, {
      notFound: 'undefined',
    });
  }

  async getEntityHistory(
    entity: ScorecardEntityRef,
    options?: { days?: number },
  ): Promise<EntityHistoryResponse | undefined> {
    const params = new URLSearchParams();
    if (options?.days !== undefined) params.set('days', String(options.days));
    const query = params.toString();
    return this.request(
      `entities/${entityPath(entity)}/history${query ? `?${query}` : ''}`,
      { notFound: 'undefined' },
    );
  }

  async getOrganisationTrend(options?: {
    days?: number;
  }): Promise<OrganisationTrendResponse> {
    return this.request(`trend?days=${options?.days ?? 90}`);
  }

  async evaluateEntity(
    entity: ScorecardEntityRef,
  ): Promise<EntityScorecardResponse> {
    return this.request(`entities/${entityPath(entity)}/evaluate`, {
      method: 'POST',
    });
  }

  async listEntities(
    query: ScorecardListQuery = {},
  ): Promise<EntityScoreListResponse> {
    const params = buildListQuery(query).toString();
    return this.request(`entities${params ? `?${params}` : ''}`);
  }

  async getTeams(options?: {
    hierarchy?: boolean;
  }): Promise<TeamRollupResponse> {
    const query =
      options?.hierarchy === undefined
        ? ''
        : `?hierarchy=${String(options.hierarchy)}`;
    return this.request(`teams${query}`);
  }

  async getChecks(): Promise<ScorecardChecksResponse> {
    return this.request('checks');
  }

  async createWaiver(request: CreateWaiverRequest): Promise<Waiver> {
    return this.request('waivers', { method: 'POST', body: request });
  }
}

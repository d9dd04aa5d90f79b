import { parseEntityRef } from '@backstage/catalog-model';
import { DiscoveryApi, FetchApi } from '@backstage/frontend-plugin-api';
import { okJson } from '@internal/paved-road-react';
import {
  CreateWaiverRequest,
  DefaultApiClient,
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

/** The entity's `kind`, `namespace` (`default` if empty) and `name`. */
export function entityParts(entity: ScorecardEntityRef): {
  kind: string;
  namespace: string;
  name: string;
} {
  const { kind, namespace, name } =
    typeof entity === 'string' ? parseEntityRef(entity) : entity;
  return { kind, namespace: namespace || 'default', name };
}

/** The query of `GET /entities`, as the spec types it. */
type ListQuery = NonNullable<
  Parameters<DefaultApiClient['listEntityScores']>[0]['query']
>;

/** The query of `GET /entities`; empty filters are left out. */
export function buildListQuery(query: ScorecardListQuery): ListQuery {
  const params: ListQuery = {};
  const list = (values?: string[]) => {
    const kept = values?.filter(v => v.trim() !== '');
    return kept?.length ? [kept.join(',')] : undefined;
  };
  const owner = list(query.owner);
  const kind = list(query.kind);
  const level = list(query.level);
  if (owner) params.owner = owner;
  if (kind) params.kind = kind;
  if (level) params.level = level;
  if (query.check) params.check = query.check;
  if (query.criticalFailing !== undefined) {
    params.criticalFailing = query.criticalFailing ? 'true' : 'false';
  }
  if (query.orderBy) params.orderBy = query.orderBy;
  if (query.order) params.order = query.order;
  if (query.limit !== undefined) params.limit = query.limit;
  if (query.cursor) params.cursor = query.cursor;
  return params;
}

/**
 * Talks to the scorecard backend through the app's fetch API (which adds the
 * user's Backstage token), with the client generated from its OpenAPI spec.
 *
 * @public
 */
export class ScorecardClient implements ScorecardApi {
  private readonly api: DefaultApiClient;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.api = new DefaultApiClient(options);
  }

  async getEntityScorecard(
    entity: ScorecardEntityRef,
  ): Promise<EntityScorecardResponse | undefined> {
    return okJson(this.api.getEntityScorecard({ path: entityParts(entity) }), {
      notFound: 'undefined',
    });
  }

  async getEntityHistory(
    entity: ScorecardEntityRef,
    options?: { days?: number },
  ): Promise<EntityHistoryResponse | undefined> {
    return okJson(
      this.api.getEntityHistory({
        path: entityParts(entity),
        query: options?.days === undefined ? {} : { days: options.days },
      }),
      { notFound: 'undefined' },
    );
  }

  async getOrganisationTrend(options?: {
    days?: number;
  }): Promise<OrganisationTrendResponse> {
    return okJson(
      this.api.getOrganisationTrend({ query: { days: options?.days ?? 90 } }),
    );
  }

  async evaluateEntity(
    entity: ScorecardEntityRef,
  ): Promise<EntityScorecardResponse> {
    return okJson(this.api.evaluateEntity({ path: entityParts(entity) }));
  }

  async listEntities(
    query: ScorecardListQuery = {},
  ): Promise<EntityScoreListResponse> {
    return okJson(this.api.listEntityScores({ query: buildListQuery(query) }));
  }

  async getTeams(options?: {
    hierarchy?: boolean;
  }): Promise<TeamRollupResponse> {
    const { hierarchy } = options ?? {};
    return okJson(
      this.api.listTeamRollups({
        query: hierarchy === undefined ? {} : { hierarchy: `${hierarchy}` },
      }),
    );
  }

  async getChecks(): Promise<ScorecardChecksResponse> {
    // The spec leaves a check's condition any object; what the backend
    // sends is what its checks loader parsed: the CheckCondition language.
    return (await okJson(this.api.getChecks())) as ScorecardChecksResponse;
  }

  async createWaiver(request: CreateWaiverRequest): Promise<Waiver> {
    return okJson(this.api.createWaiver({ body: request }));
  }
}

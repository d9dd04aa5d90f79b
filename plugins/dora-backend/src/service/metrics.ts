import { AuthService } from '@backstage/backend-plugin-api';
import { InputError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  DORA_LEVEL_THRESHOLDS,
  DoraChangeRow,
  DoraDataQualityResponse,
  DoraDeploymentRow,
  DoraEnvironmentsResponse,
  DoraIncidentRow,
  DoraListResponse,
  DoraMetricsResponse,
  DoraScope,
  DoraTarget,
} from '@internal/plugin-dora-common';
import { DAY_MS, entityRefKey } from '@internal/paved-road-common';
import { GroupHierarchy } from '@internal/paved-road-node';
import { DoraStore, MetricsFilter, ScopeFilter } from '../database/types';
import { normalizeEntityRef } from './entityRefs';
import { TtlMap } from './TtlMap';
import { computeFigures, computeTrend, computeWeekly } from '../lib/figures';

/** Longest window we serve in one request. */
const MAX_WINDOW_MS = 3 * 366 * DAY_MS;

/** The rows of each drill-down list. */
export interface DoraListRows {
  deployments: DoraDeploymentRow;
  changes: DoraChangeRow;
  incidents: DoraIncidentRow;
}

export interface MetricsQuery {
  scope: DoraScope;
  ref?: string;
  from?: string;
  to?: string;
  /** Count deployments to this environment instead of production tiers. */
  environment?: string;
}

function targetOf(filter: MetricsFilter): DoraTarget {
  return filter.environment === undefined
    ? { tiers: ['production'] }
    : { environment: filter.environment };
}

/** Computes the DORA figures of the organisation, a team or a service. */
export class MetricsService {
  /** The catalog's Group tree, for CATALOG_TTL_MS. */
  private readonly groupTree = new TtlMap<GroupHierarchy>();
  /** Components found in the catalog, for CATALOG_TTL_MS. */
  private readonly componentsFound = new TtlMap<true>();

  constructor(
    private readonly options: {
      store: DoraStore;
      catalog: CatalogService;
      auth: AuthService;
    },
  ) {}

  /**
   * The catalog's Group tree, kept for CATALOG_TTL_MS: each team read walks
   * it.
   */
  private async groups(): Promise<GroupHierarchy> {
    const known = this.groupTree.get('groups');
    if (known) return known;
    const hierarchy = await GroupHierarchy.load(
      this.options.catalog,
      await this.options.auth.getOwnServiceCredentials(),
    );
    this.groupTree.set('groups', hierarchy);
    return hierarchy;
  }

  /**
   * The owners a team covers: the group and every group below it
   * (through `spec.parent` / `spec.children`).
   */
  async teamOwners(teamRef: string): Promise<string[]> {
    const root = entityRefKey(teamRef, {
      defaultKind: 'group',
      defaultNamespace: 'default',
    });
    const groups = (await this.groups()).subtree(root);
    if (!groups) {
      throw new NotFoundError(`No catalog Group '${root}'`);
    }
    return groups.map(group => group.ref).sort();
  }

  /** Window, target and rows a query covers. */
  async resolve(
    query: MetricsQuery,
    now = Date.now(),
  ): Promise<{
    filter: MetricsFilter;
    ref?: string;
    owners?: string[];
  }> {
    // Default: the last 30 UTC days, today included (whole days are served
    // from the rollups).
    const to = query.to
      ? Date.parse(query.to)
      : (Math.floor(now / DAY_MS) + 1) * DAY_MS;
    const from = query.from ? Date.parse(query.from) : to - 30 * DAY_MS;
    if (Number.isNaN(to)) {
      throw new InputError('to: must be an ISO 8601 timestamp');
    }
    if (Number.isNaN(from)) {
      throw new InputError('from: must be an ISO 8601 timestamp');
    }
    if (from >= to) throw new InputError('from: must be before to');
    if (to - from > MAX_WINDOW_MS) {
      throw new InputError('from: window longer than 3 years');
    }
    const { scope, ...rest } = await this.resolveScope(query);
    const environment =
      query.environment === undefined ? {} : { environment: query.environment };
    return { filter: { ...scope, ...environment, from, to }, ...rest };
  }

  /** The rows of the organisation, a team or a service. */
  private async resolveScope(query: MetricsQuery): Promise<{
    scope: ScopeFilter;
    ref?: string;
    owners?: string[];
  }> {
    if (query.scope !== 'team' && query.scope !== 'service') {
      return { scope: {} };
    }
    if (!query.ref) {
      throw new InputError(`ref: required for scope ${query.scope}`);
    }
    let ref: string;
    try {
      ref = normalizeEntityRef(
        query.ref,
        query.scope === 'team' ? 'group' : 'component',
      );
    } catch (error) {
      throw new InputError(
        `ref: '${query.ref}' is not an entity ref: ${(error as Error).message}`,
      );
    }
    if (query.scope === 'team') {
      const owners = await this.teamOwners(ref);
      return { scope: { ownerRefs: owners }, ref, owners };
    }
    await this.assertComponent(ref);
    return { scope: { serviceRefs: [ref] }, ref };
  }

  /** The environments the scope has deployed to successfully, all time. */
  async environments(
    query: Pick<MetricsQuery, 'scope' | 'ref'>,
  ): Promise<DoraEnvironmentsResponse> {
    const { scope } = await this.resolveScope(query);
    return { items: await this.options.store.environments(scope) };
  }

  /** A typo in a service ref says so, instead of reading as "no data". */
  private async assertComponent(ref: string): Promise<void> {
    // A Component found is kept for a while; one not found is asked again.
    if (this.componentsFound.get(ref)) return;
    const entity = await this.options.catalog.getEntityByRef(ref, {
      credentials: await this.options.auth.getOwnServiceCredentials(),
    });
    if (entity?.kind.toLocaleLowerCase('en-US') !== 'component') {
      throw new NotFoundError(`No catalog Component '${ref}'`);
    }
    this.componentsFound.set(ref, true);
  }

  async dataQuality(query: MetricsQuery): Promise<DoraDataQualityResponse> {
    const { filter } = await this.resolve(query);
    return {
      window: {
        from: new Date(filter.from).toISOString(),
        to: new Date(filter.to).toISOString(),
      },
      target: targetOf(filter),
      ...(await this.options.store.dataQuality(filter)),
    };
  }

  async list<W extends keyof DoraListRows>(
    what: W,
    query: MetricsQuery,
    limit: number,
  ): Promise<DoraListResponse<DoraListRows[W]>> {
    const { filter } = await this.resolve(query);
    const { store } = this.options;
    const read: {
      [K in keyof DoraListRows]: () => Promise<DoraListRows[K][]>;
    } = {
      deployments: () => store.listDeployments(filter, limit + 1),
      changes: () => store.listChanges(filter, limit + 1),
      incidents: () => store.listIncidents(filter, limit + 1),
    };
    const items = await read[what]();
    return { items: items.slice(0, limit), truncated: items.length > limit };
  }

  async metrics(
    query: MetricsQuery,
    now = Date.now(),
  ): Promise<DoraMetricsResponse> {
    const { filter, ref, owners } = await this.resolve(query, now);
    const { from, to, ...scope } = filter;
    const length = to - from;
    const [cur, prev] = await Promise.all([
      this.options.store.summary({ ...scope, from, to }, { weekly: true }),
      this.options.store.summary(
        { ...scope, from: from - length, to: from },
        { weekly: false, headline: true },
      ),
    ]);
    const current = computeFigures(cur, from, to);
    const previous = computeFigures(prev, from - length, from);
    return {
      scope: query.scope,
      ...(ref ? { ref } : {}),
      ...(owners ? { owners } : {}),
      target: targetOf(filter),
      window: {
        from: new Date(from).toISOString(),
        to: new Date(to).toISOString(),
      },
      previousWindow: {
        from: new Date(from - length).toISOString(),
        to: new Date(from).toISOString(),
      },
      current,
      previous,
      trend: computeTrend(current, previous),
      weekly: computeWeekly(cur, from),
      thresholds: {
        version: DORA_LEVEL_THRESHOLDS.version,
        source: DORA_LEVEL_THRESHOLDS.source,
      },
    };
  }
}

import { parseEntityRef } from '@backstage/catalog-model';
import { DiscoveryApi, FetchApi } from '@backstage/frontend-plugin-api';
import { createJsonFetcher, JsonFetcher } from '@internal/paved-road-react';
import {
  IncidentsAnswer,
  OnCallAnswer,
  OnCallIncident,
  TriggerIncidentRequest,
} from '@internal/plugin-oncall-common';
import { IncidentsQuery, OnCallApi } from './OnCallApi';

/** `/entities/component/default/orders-service` for a full entity ref. */
function entityPath(entityRef: string): string {
  const { kind, namespace, name } = parseEntityRef(entityRef);
  return ['entities', kind.toLocaleLowerCase('en-US'), namespace, name]
    .map(encodeURIComponent)
    .join('/');
}

/**
 * Talks to the on-call backend through the app's fetch API (which adds the
 * user's Backstage token).
 *
 * @public
 */
export class OnCallClient implements OnCallApi {
  private readonly request: JsonFetcher;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.request = createJsonFetcher(options, 'oncall');
  }

  getOnCall(entityRef: string): Promise<OnCallAnswer> {
    return this.request(entityPath(entityRef));
  }

  getIncidents(
    entityRef: string,
    query: IncidentsQuery = {},
  ): Promise<IncidentsAnswer> {
    const params = new URLSearchParams();
    if (query.days !== undefined) params.set('days', String(query.days));
    if (query.statuses?.length) params.set('status', query.statuses.join(','));
    const search = params.toString();
    return this.request(
      `${entityPath(entityRef)}/incidents${search ? `?${search}` : ''}`,
    );
  }

  triggerIncident(
    entityRef: string,
    request: TriggerIncidentRequest,
  ): Promise<OnCallIncident> {
    return this.request(`${entityPath(entityRef)}/incidents`, {
      method: 'POST',
      body: request,
    });
  }
}

import {
  AuthService,
  DiscoveryService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { ResponseError } from '@backstage/errors';
import { fetchFromPlugin } from '@internal/paved-road-node';
import type {
  IncidentEvent,
  IngestResponse,
} from '@internal/plugin-dora-common';
import { PagerDutyClient } from '../client/PagerDutyClient';
import { PagerDutyIncident } from '../client/types';
import { toDoraIncidentEvent } from './doraIncidents';
import { ServiceMap } from './ServiceMap';

/** What one forwarding stored in DORA (DORA's own counts). */
export interface ForwardResult {
  /** Events sent: one per catalog Component of the incident's service. */
  sent: number;
  created: number;
  updated: number;
  duplicates: number;
}

const NOTHING: ForwardResult = {
  sent: 0,
  created: 0,
  updated: 0,
  duplicates: 0,
};

/** DORA's ingestion takes batches of at most this many events by default. */
const BATCH_SIZE = 500;

/**
 * Sends PagerDuty incidents to the DORA plugin as incident events of the
 * catalog Components that name their service, through DORA's ingestion API
 * (`POST /api/dora/events`) as the on-call plugin (`plugin:oncall`, which
 * `dora.ingestion.allowedSubjects` must list). Always sends the incident as
 * PagerDuty has it now, never as a webhook described it: webhooks that
 * arrive late, twice or out of order all send the current state, which DORA
 * stores once (see {@link toDoraIncidentEvent}).
 */
export class IncidentForwarder {
  constructor(
    private readonly options: {
      client: PagerDutyClient;
      services: ServiceMap;
      discovery: DiscoveryService;
      auth: AuthService;
      logger: LoggerService;
    },
  ) {}

  /** Reads the incident from PagerDuty and sends its current state to DORA. */
  async forward(incidentId: string): Promise<ForwardResult> {
    const incident = await this.options.client.getIncident(incidentId);
    return this.send([incident]);
  }

  /**
   * Sends every incident created in the last `lookbackMs` on a service some
   * Component names: what webhooks missed (PagerDuty down for the portal,
   * the portal down for PagerDuty, a subscription added late).
   */
  async reconcile(
    lookbackMs: number,
    now = new Date(),
  ): Promise<ForwardResult> {
    const serviceIds = [...(await this.options.services.all()).keys()];
    if (serviceIds.length === 0) {
      return NOTHING;
    }
    const incidents = await this.options.client.listIncidents({
      serviceIds,
      since: new Date(now.getTime() - lookbackMs),
      until: now,
    });
    return this.send(incidents);
  }

  private async send(incidents: PagerDutyIncident[]): Promise<ForwardResult> {
    const events: IncidentEvent[] = [];
    for (const incident of incidents) {
      const refs = await this.options.services.componentsOf(
        incident.service.id,
      );
      events.push(...refs.map(ref => toDoraIncidentEvent(incident, ref)));
    }
    const total = { ...NOTHING };
    for (let i = 0; i < events.length; i += BATCH_SIZE) {
      const batch = events.slice(i, i + BATCH_SIZE);
      const answer = await this.post(batch);
      total.sent += batch.length;
      total.created += answer.created;
      total.updated += answer.updated;
      total.duplicates += answer.duplicates;
    }
    return total;
  }

  private async post(events: IncidentEvent[]): Promise<IngestResponse> {
    const response = await fetchFromPlugin(this.options, 'dora', 'events', {
      method: 'POST',
      json: { events },
    });
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as IngestResponse;
  }
}

import {
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { isError, NotFoundError, NotImplementedError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  IncidentsAnswer,
  IncidentStatus,
  OnCallAnswer,
  OnCallContact,
  OnCallIncident,
  OnCallRotation,
  OnCallShift,
  TriggerIncidentRequest,
} from '@internal/plugin-oncall-common';
import { OnCallProvider } from '@internal/plugin-oncall-node';

/** What the service remembers of a provider's last good answer. */
interface Remembered<T> {
  value: T;
  fetchedAt: Date;
}

/**
 * Answers who is on call for an entity, its incidents, and pages its
 * on-call, through the first provider that answers for the entity (the
 * annotation last). Remembers each entity's last good answer and serves it,
 * marked stale with its age, while the provider cannot be reached.
 */
export class OnCallService {
  private readonly lastOnCall = new Map<string, Remembered<OnCallRotation[]>>();
  private readonly lastIncidents = new Map<
    string,
    Remembered<{ since: number; incidents: OnCallIncident[] }>
  >();

  constructor(
    private readonly options: {
      providers: OnCallProvider[];
      catalog: CatalogService;
      logger: LoggerService;
      /** The present; tests move it. */
      now?: () => Date;
    },
  ) {}

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }

  /** The entity, read with the caller's credentials (404 if they cannot see it). */
  async entity(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<Entity> {
    const entity = await this.options.catalog.getEntityByRef(entityRef, {
      credentials,
    });
    if (!entity) {
      throw new NotFoundError(`No entity ${entityRef} in the catalog`);
    }
    return entity;
  }

  /** The first provider that answers for the entity, if any. */
  providerFor(entity: Entity): OnCallProvider | undefined {
    return this.options.providers.find(p => p.answers(entity));
  }

  /**
   * Who is on call for the entity now. No provider: an answer with no
   * rotations from provider `none` (the card says how to add one).
   */
  async onCall(
    entity: Entity,
    credentials?: BackstageCredentials,
  ): Promise<OnCallAnswer> {
    const entityRef = stringifyEntityRef(entity);
    const provider = this.providerFor(entity);
    if (!provider) {
      return {
        entityRef,
        providerId: 'none',
        fetchedAt: this.now().toISOString(),
        stale: false,
        rotations: [],
      };
    }
    const { value, ...provenance } = await this.remembered(
      this.lastOnCall,
      entityRef,
      provider,
      () => provider.onCallNow(entity, { now: this.now() }),
    );
    const rotations = credentials
      ? await this.linkToCatalog(value, credentials)
      : value;
    return { entityRef, ...provenance, rotations };
  }

  /**
   * The rotations with each person the source names by email only linked to
   * the catalog User with that email (one catalog request), so the card
   * can link to their profile and teams. Unknown emails stay unlinked.
   */
  private async linkToCatalog(
    rotations: OnCallRotation[],
    credentials: BackstageCredentials,
  ): Promise<OnCallRotation[]> {
    const contacts = rotations.flatMap(r =>
      r.levels.flatMap(l => [...l.now, ...l.next].map(s => s.contact)),
    );
    const emails = [
      ...new Set(
        contacts
          .filter(c => !c.userEntityRef && c.email)
          .map(c => c.email!.toLocaleLowerCase('en-US')),
      ),
    ];
    if (emails.length === 0) {
      return rotations;
    }
    const { items } = await this.options.catalog.getEntities(
      {
        filter: { kind: 'User', 'spec.profile.email': emails },
        fields: ['kind', 'metadata.name', 'metadata.namespace', 'spec.profile'],
      },
      { credentials },
    );
    const byEmail = new Map<string, string>();
    for (const user of items) {
      const email = (user.spec?.profile as { email?: string } | undefined)
        ?.email;
      if (email) {
        byEmail.set(email.toLocaleLowerCase('en-US'), stringifyEntityRef(user));
      }
    }
    const link = (contact: OnCallContact): OnCallContact => {
      const ref =
        !contact.userEntityRef && contact.email
          ? byEmail.get(contact.email.toLocaleLowerCase('en-US'))
          : undefined;
      return ref ? { ...contact, userEntityRef: ref } : contact;
    };
    const linkShift = (shift: OnCallShift): OnCallShift => ({
      ...shift,
      contact: link(shift.contact),
    });
    return rotations.map(rotation => ({
      ...rotation,
      levels: rotation.levels.map(level => ({
        ...level,
        now: level.now.map(linkShift),
        next: level.next.map(linkShift),
      })),
    }));
  }

  /** The entity's incidents created since `since`, newest first. */
  async incidents(
    entity: Entity,
    options: { since: Date; statuses?: IncidentStatus[] },
  ): Promise<IncidentsAnswer> {
    const entityRef = stringifyEntityRef(entity);
    const provider = this.providerFor(entity);
    if (!provider?.incidents) {
      throw new NotImplementedError(
        `The on-call source of ${entityRef} (${
          provider?.id ?? 'none'
        }) knows no incidents`,
      );
    }
    const list = provider.incidents.bind(provider);
    const since = options.since.getTime();
    // One memory per entity and filter, not per `since`: callers move it
    // with the clock (the last N days), so no two questions share one.
    const key = `${entityRef} ${[...(options.statuses ?? [])]
      .sort()
      .join(',')}`;
    const { value, ...provenance } = await this.remembered(
      this.lastIncidents,
      key,
      provider,
      async () => ({
        since,
        incidents: await list(entity, {
          since: options.since,
          until: this.now(),
          statuses: options.statuses,
        }),
      }),
      // It stands in for a question that reaches no further back.
      last => last.since <= since,
    );
    return {
      entityRef,
      ...provenance,
      incidents: value.incidents.filter(
        incident => Date.parse(incident.createdAt) >= since,
      ),
    };
  }

  /** Opens an incident on the entity through its on-call source. */
  async trigger(
    entity: Entity,
    request: TriggerIncidentRequest,
    requestedBy: { userEntityRef: string; email?: string },
  ): Promise<OnCallIncident> {
    const entityRef = stringifyEntityRef(entity);
    const provider = this.providerFor(entity);
    if (!provider?.triggerIncident) {
      throw new NotImplementedError(
        `The on-call source of ${entityRef} (${
          provider?.id ?? 'none'
        }) cannot page anyone: add a pagerduty.com/service-id annotation`,
      );
    }
    const incident = await provider.triggerIncident(entity, {
      ...request,
      requestedBy,
    });
    this.options.logger.info(
      `${requestedBy.userEntityRef} paged the on-call of ${entityRef} through ${provider.id}: incident ${incident.id}`,
    );
    // The next incidents read must show it.
    for (const key of this.lastIncidents.keys()) {
      if (key.startsWith(`${entityRef} `)) this.lastIncidents.delete(key);
    }
    return incident;
  }

  /**
   * Asks the provider; on success remembers the answer. When the source
   * cannot be reached and an earlier answer exists (that `covers` the
   * question), serves that one, stale.
   */
  private async remembered<T>(
    memory: Map<string, Remembered<T>>,
    key: string,
    provider: OnCallProvider,
    ask: () => Promise<T>,
    covers: (last: T) => boolean = () => true,
  ) {
    try {
      const value = await ask();
      const fetchedAt = this.now();
      memory.set(key, { value, fetchedAt });
      return {
        value,
        providerId: provider.id,
        fetchedAt: fetchedAt.toISOString(),
        stale: false,
      };
    } catch (error) {
      const last = memory.get(key);
      // Only an unreachable source: anything else is not what staleness hides.
      if (
        !isError(error) ||
        error.name !== 'ServiceUnavailableError' ||
        !last ||
        !covers(last.value)
      ) {
        throw error;
      }
      this.options.logger.warn(
        `${
          provider.id
        } unreachable for ${key}, serving the answer of ${last.fetchedAt.toISOString()}: ${
          error.message
        }`,
      );
      return {
        value: last.value,
        providerId: provider.id,
        fetchedAt: last.fetchedAt.toISOString(),
        stale: true,
        // The cause, as the source's error says it: `stale` and `fetchedAt`
        // already say that this is the last answer, and from when.
        staleReason: error.message,
      };
    }
  }
}

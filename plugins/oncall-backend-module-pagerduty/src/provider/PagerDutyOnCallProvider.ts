import { LoggerService } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import {
  InputError,
  NotAllowedError,
  NotFoundError,
  isError,
} from '@backstage/errors';
import { DAY_MS } from '@internal/paved-road-common';
import {
  ANNOTATION_PAGERDUTY_SERVICE_ID,
  IncidentStatus,
  OnCallIncident,
  OnCallRotation,
} from '@internal/plugin-oncall-common';
import {
  IncidentsOptions,
  OnCallNowOptions,
  OnCallProvider,
  TriggerIncidentOptions,
} from '@internal/plugin-oncall-node';
import {
  PagerDutyClient,
  PagerDutyInputError,
  REQUESTER_NOT_FOUND_CODE,
} from '../client/PagerDutyClient';
import { PagerDutyEscalationPolicy, PagerDutyUser } from '../client/types';
import { CONFIG_PREFIX, readPagerDutyConfig } from '../config';
import {
  CachedAnswer,
  InMemoryOnCallAnswerCache,
  OnCallAnswerCache,
} from './cache';
import {
  hasPhone,
  incidentOf,
  levelOf,
  levelsOf,
  linkOf,
  nextHandover,
  phoneOf,
} from './rotations';

/** PagerDuty ids are letters and digits, e.g. `PORD7X2`. */
const SERVICE_ID = /^[A-Za-z0-9]+$/;

/** What PagerDuty says when an open incident already has the `incident_key`. */
const DUPLICATE_KEY = /matching dedup key/i;

/**
 * The PagerDuty service ids of an entity: `pagerduty.com/service-id` holds
 * one id, or several separated by commas (`PORD7X2, PORDDB1`) for a
 * component paged through several services. Blanks and repeats are dropped;
 * the order is kept (the first is where incidents are triggered).
 *
 * @public
 */
export function pagerDutyServiceIds(entity: Entity): string[] {
  const value = entity.metadata.annotations?.[ANNOTATION_PAGERDUTY_SERVICE_ID];
  if (!value) {
    return [];
  }
  return [
    ...new Set(
      value
        .split(',')
        .map(id => id.trim())
        .filter(Boolean),
    ),
  ];
}

/** @public */
export interface PagerDutyOnCallProviderOptions {
  client: PagerDutyClient;
  /** The `From` email when the requester is not a PagerDuty user. */
  fromEmail?: string;
  /** Default: in memory. */
  cache?: OnCallAnswerCache;
  /** How long an answer is reused. Default 60 s. */
  cacheTtlMs?: number;
  /** How far ahead to look for who is next. Default 30 days (PagerDuty allows 90). */
  nextShiftHorizonMs?: number;
  logger?: LoggerService;
  /** The clock of incident answers (on-call answers use `now`). */
  clock?: () => Date;
}

/** What an incidents answer remembers of the question it answered. */
interface CachedIncidents {
  since: string;
  until: string;
  /** `null`: every state. */
  statuses: IncidentStatus[] | null;
  incidents: OnCallIncident[];
}

/**
 * Who is on call for an entity at PagerDuty, its incidents, and paging.
 *
 * Answers for entities with `pagerduty.com/service-id` (one id or several,
 * comma-separated). For each service: its escalation policy, and per level
 * (1 = primary) who is on call now (`until` the end of their shift), who
 * takes over next (`from` the start of theirs, looked for up to 30 days
 * ahead), with name, email, phone (from a phone or SMS contact method) and
 * PagerDuty links.
 *
 * Answers are cached per entity (`cacheTtlMs`, and never past the next
 * handover); concurrent questions share one PagerDuty round. When PagerDuty
 * cannot be asked the methods throw the `@backstage/errors` error the
 * `OnCallProvider` contract names (`ServiceUnavailableError` when it is
 * down, timing out or rate limiting; `NotAllowedError` for a refused key).
 * Serving the last answer, marked stale, is the on-call backend's job.
 *
 * @public
 */
export class PagerDutyOnCallProvider implements OnCallProvider {
  readonly id = 'pagerduty';

  private readonly client: PagerDutyClient;
  private readonly fromEmail?: string;
  private readonly cache: OnCallAnswerCache;
  private readonly cacheTtlMs: number;
  private readonly horizonMs: number;
  private readonly logger?: LoggerService;
  private readonly clock: () => Date;
  private readonly inFlight = new Map<string, Promise<CachedAnswer<any>>>();

  static create(
    options: PagerDutyOnCallProviderOptions,
  ): PagerDutyOnCallProvider {
    return new PagerDutyOnCallProvider(options);
  }

  /** From `oncall.pagerduty`; throws, naming the key, without a token. */
  static fromConfig(
    config: Config,
    options: {
      logger?: LoggerService;
      cache?: OnCallAnswerCache;
      client?: PagerDutyClient;
    } = {},
  ): PagerDutyOnCallProvider {
    const settings = readPagerDutyConfig(config);
    return new PagerDutyOnCallProvider({
      client:
        options.client ??
        PagerDutyClient.fromSettings(settings, options.logger),
      fromEmail: settings.fromEmail,
      cacheTtlMs: settings.cacheTtlMs,
      cache: options.cache,
      logger: options.logger,
    });
  }

  private constructor(options: PagerDutyOnCallProviderOptions) {
    this.client = options.client;
    this.fromEmail = options.fromEmail;
    this.cache = options.cache ?? new InMemoryOnCallAnswerCache();
    this.cacheTtlMs = options.cacheTtlMs ?? 60_000;
    this.horizonMs = Math.min(
      options.nextShiftHorizonMs ?? 30 * DAY_MS,
      90 * DAY_MS,
    );
    this.logger = options.logger;
    this.clock = options.clock ?? (() => new Date());
  }

  answers(entity: Entity): boolean {
    return pagerDutyServiceIds(entity).length > 0;
  }

  async onCallNow(
    entity: Entity,
    options: OnCallNowOptions,
  ): Promise<OnCallRotation[]> {
    return this.onCall(entity, options.now);
  }

  async incidents(
    entity: Entity,
    options: IncidentsOptions,
  ): Promise<OnCallIncident[]> {
    return this.listIncidents(entity, options);
  }

  /**
   * Opens an incident on the entity's first service, or on `serviceId`
   * when it is one of the entity's. In the name of the requester when their
   * email is a PagerDuty user's, else of `oncall.pagerduty.fromEmail`. A
   * `dedupKey` becomes PagerDuty's `incident_key`: asked again, it returns
   * the open incident with that key rather than opening another.
   */
  async triggerIncident(
    entity: Entity,
    options: TriggerIncidentOptions & { serviceId?: string },
  ): Promise<OnCallIncident> {
    const ref = stringifyEntityRef(entity);
    const ids = this.serviceIdsOf(entity);
    const serviceId = options.serviceId ?? ids[0];
    if (!ids.includes(serviceId)) {
      throw new InputError(
        `PagerDuty service ${serviceId} is not one of ${ref}'s (${ids.join(
          ', ',
        )})`,
      );
    }
    const title = options.title?.trim();
    if (!title) {
      throw new InputError('An incident needs a title');
    }
    const candidates = [options.requestedBy.email, this.fromEmail]
      .map(email => email?.trim())
      .filter((email): email is string => Boolean(email))
      .filter(
        (email, i, all) =>
          all.findIndex(e => e.toLowerCase() === email.toLowerCase()) === i,
      );
    if (!candidates.length) {
      throw new NotAllowedError(
        `PagerDuty opens incidents in the name of a PagerDuty user, found by email: ${options.requestedBy.userEntityRef} has no email in the catalog and ${CONFIG_PREFIX}.fromEmail is not set`,
      );
    }

    let created;
    for (const from of candidates) {
      try {
        created = await this.client.createIncident({
          from,
          serviceId,
          title,
          details: options.details,
          urgency: options.urgency,
          incidentKey: options.dedupKey,
        });
        break;
      } catch (error) {
        if (
          error instanceof PagerDutyInputError &&
          error.pagerDuty.code === REQUESTER_NOT_FOUND_CODE
        ) {
          continue;
        }
        if (
          error instanceof PagerDutyInputError &&
          options.dedupKey &&
          error.pagerDuty.errors.some(e => DUPLICATE_KEY.test(e))
        ) {
          const [open] = await this.client.listIncidents({
            serviceIds: [serviceId],
            incidentKey: options.dedupKey,
            statuses: ['triggered', 'acknowledged'],
          });
          if (open) {
            created = open;
            break;
          }
        }
        // POST /incidents answers an unknown service with a 400.
        const unknownService =
          (isError(error) && error.name === 'NotFoundError') ||
          (error instanceof PagerDutyInputError &&
            error.pagerDuty.errors.some(e => /service not found/i.test(e)));
        if (unknownService) {
          throw new NotFoundError(
            `${ref} names PagerDuty service ${serviceId} in ${ANNOTATION_PAGERDUTY_SERVICE_ID}, which PagerDuty does not have`,
          );
        }
        throw error;
      }
    }
    if (!created) {
      throw new NotAllowedError(
        `PagerDuty knows no user with the email ${candidates.join(
          ' or ',
        )}, and opens incidents only in the name of one: ${
          this.fromEmail
            ? `set ${CONFIG_PREFIX}.fromEmail to a PagerDuty user's email`
            : `ask for a PagerDuty account, or set ${CONFIG_PREFIX}.fromEmail`
        }`,
      );
    }
    await this.expire(this.incidentsKey(ref, ids));
    return incidentOf(created);
  }

  // ---- on call ---------------------------------------------------------

  private async onCall(entity: Entity, now: Date) {
    const ref = stringifyEntityRef(entity);
    const ids = this.serviceIdsOf(entity);
    const key = `pagerduty:oncall:${ref}:${ids.join(',')}`;
    return this.answer<OnCallRotation[]>({
      key,
      flightKey: key,
      now,
      isFresh: () => true,
      fetch: () => this.fetchRotations(ref, ids, now),
    });
  }

  private async fetchRotations(
    ref: string,
    ids: string[],
    now: Date,
  ): Promise<{ value: OnCallRotation[]; freshUntil: number }> {
    const services = await Promise.all(
      ids.map(id =>
        this.client.getService(id).catch(error => {
          if (isError(error) && error.name === 'NotFoundError') {
            throw new NotFoundError(
              `${ref} names PagerDuty service ${id} in ${ANNOTATION_PAGERDUTY_SERVICE_ID}, which PagerDuty does not have`,
            );
          }
          throw error;
        }),
      ),
    );
    const policyIds = [...new Set(services.map(s => s.escalation_policy.id))];
    const policies = new Map<string, PagerDutyEscalationPolicy>(
      await Promise.all(
        policyIds.map(
          async id => [id, await this.client.getEscalationPolicy(id)] as const,
        ),
      ),
    );
    const onCalls = await this.client.listOnCalls({
      escalationPolicyIds: policyIds,
      since: now,
      until: new Date(now.getTime() + this.horizonMs),
    });

    const raw = services.map(service => {
      const policy = policies.get(service.escalation_policy.id)!;
      return { service, policy, levels: levelsOf(policy, onCalls, now) };
    });
    const allLevels = raw.flatMap(r => r.levels);
    const phones = await this.phonesOf(
      allLevels.flatMap(l => [...l.now, ...l.next]).map(s => s.user),
    );
    const handover = nextHandover(allLevels, now);
    const ttlEnd = now.getTime() + this.cacheTtlMs;
    return {
      value: raw.map(({ service, policy, levels }) => ({
        service: linkOf(service),
        escalationPolicy: linkOf(policy),
        levels: levels.map(level => levelOf(level, phones)),
      })),
      freshUntil: handover === undefined ? ttlEnd : Math.min(ttlEnd, handover),
    };
  }

  /**
   * Phones of the users PagerDuty says have one. A phone is a courtesy:
   * when it cannot be read, the contact goes without it.
   */
  private async phonesOf(users: PagerDutyUser[]): Promise<Map<string, string>> {
    const unique = new Map(users.filter(hasPhone).map(u => [u.id, u]));
    const phones = new Map<string, string>();
    await Promise.all(
      [...unique.keys()].map(async id => {
        try {
          const phone = phoneOf(await this.client.getContactMethods(id));
          if (phone) {
            phones.set(id, phone);
          }
        } catch (error) {
          this.logger?.warn(
            `Could not read the contact methods of PagerDuty user ${id}: ${error}`,
          );
        }
      }),
    );
    return phones;
  }

  // ---- incidents -------------------------------------------------------

  private async listIncidents(entity: Entity, options: IncidentsOptions) {
    const ref = stringifyEntityRef(entity);
    const ids = this.serviceIdsOf(entity);
    const since = options.since.getTime();
    const until = options.until.getTime();
    const statuses: IncidentStatus[] | null = options.statuses?.length
      ? [...new Set(options.statuses)].sort()
      : null;
    const now = this.clock();
    const key = this.incidentsKey(ref, ids);
    const answer = await this.answer<CachedIncidents>({
      key,
      flightKey: `${key}:${since}:${until}:${statuses}`,
      now,
      // A cached answer is reused for a question it covers: from as far
      // back, with every state asked for. Incidents opened since it was
      // fetched are as missing as in any cached answer.
      isFresh: cached =>
        Date.parse(cached.since) <= since &&
        until <= Date.parse(cached.until) + this.cacheTtlMs &&
        (cached.statuses === null ||
          (statuses !== null &&
            statuses.every(s => cached.statuses!.includes(s)))),
      fetch: async () => {
        const incidents = await this.client.listIncidents({
          serviceIds: ids,
          since: options.since,
          until: options.until,
          statuses: statuses ?? undefined,
        });
        return {
          value: {
            since: options.since.toISOString(),
            until: options.until.toISOString(),
            statuses,
            incidents: incidents.map(incidentOf),
          },
          freshUntil: now.getTime() + this.cacheTtlMs,
        };
      },
    });
    return answer.incidents
      .filter(incident => {
        const created = Date.parse(incident.createdAt);
        return (
          created >= since &&
          created < until &&
          (statuses === null || statuses.includes(incident.status))
        );
      })
      .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
  }

  private incidentsKey(ref: string, ids: string[]) {
    return `pagerduty:incidents:${ref}:${ids.join(',')}`;
  }

  // ---- the cache -------------------------------------------------------

  private serviceIdsOf(entity: Entity): string[] {
    const ids = pagerDutyServiceIds(entity);
    const ref = stringifyEntityRef(entity);
    if (!ids.length) {
      throw new NotFoundError(
        `${ref} has no ${ANNOTATION_PAGERDUTY_SERVICE_ID} annotation`,
      );
    }
    const bad = ids.find(id => !SERVICE_ID.test(id));
    if (bad) {
      throw new NotFoundError(
        `${ref} names "${bad}" in ${ANNOTATION_PAGERDUTY_SERVICE_ID}, which is not a PagerDuty service id (letters and digits, e.g. PORD7X2; several separated by commas)`,
      );
    }
    return ids;
  }

  /**
   * The cached answer while it is fresh for `now`, else PagerDuty's (then
   * cached). Concurrent questions share one PagerDuty round. When PagerDuty
   * cannot be asked, its error is thrown as is.
   */
  private async answer<T>(options: {
    key: string;
    flightKey: string;
    now: Date;
    isFresh: (value: T) => boolean;
    fetch: () => Promise<{ value: T; freshUntil: number }>;
  }): Promise<T> {
    const t = options.now.getTime();
    const cached = await this.readCache<T>(options.key);
    if (
      cached &&
      Date.parse(cached.fetchedAt) <= t &&
      t < Date.parse(cached.freshUntil) &&
      options.isFresh(cached.value)
    ) {
      return cached.value;
    }
    return (await this.fetchOnce(options)).value;
  }

  private fetchOnce<T>(options: {
    key: string;
    flightKey: string;
    now: Date;
    fetch: () => Promise<{ value: T; freshUntil: number }>;
  }): Promise<CachedAnswer<T>> {
    const running = this.inFlight.get(options.flightKey);
    if (running) {
      return running;
    }
    const flight = (async () => {
      const { value, freshUntil } = await options.fetch();
      const answer: CachedAnswer<T> = {
        value,
        fetchedAt: options.now.toISOString(),
        freshUntil: new Date(freshUntil).toISOString(),
      };
      try {
        await this.cache.set(options.key, answer);
      } catch (error) {
        this.logger?.warn(`Could not cache ${options.key}: ${error}`);
      }
      return answer;
    })().finally(() => this.inFlight.delete(options.flightKey));
    this.inFlight.set(options.flightKey, flight);
    return flight;
  }

  private async readCache<T>(key: string) {
    try {
      return await this.cache.get<T>(key);
    } catch (error) {
      // A cache that fails must not take the answers down with it.
      this.logger?.warn(`Could not read ${key} from the cache: ${error}`);
      return undefined;
    }
  }

  /** Makes the next question ask PagerDuty, whatever the TTL. */
  private async expire(key: string) {
    const cached = await this.readCache(key);
    if (cached) {
      try {
        await this.cache.set(key, { ...cached, freshUntil: cached.fetchedAt });
      } catch (error) {
        this.logger?.warn(`Could not expire ${key}: ${error}`);
      }
    }
  }
}

import { LoggerService } from '@backstage/backend-plugin-api';
import {
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { jsonOrText } from '@internal/paved-road-common';
import { STATUS_CODES } from 'node:http';
import { PagerDutyConfig, TOKEN_CONFIG_KEY } from '../config';
import {
  PagerDutyContactMethod,
  PagerDutyEscalationPolicy,
  PagerDutyIncident,
  PagerDutyIncidentStatus,
  PagerDutyOnCall,
  PagerDutyService,
} from './types';

/** PagerDuty's largest page. */
const PAGE_SIZE = 100;
/** PagerDuty serves no record past offset + limit = 10,000 (classic pagination). */
const MAX_RECORDS = 10_000;
/** The first wait after a 429 that says nothing about how long to wait. */
const BASE_BACKOFF_MS = 1000;

/** PagerDuty's code for an unknown `From` user on `POST /incidents`. */
export const REQUESTER_NOT_FOUND_CODE = 1008;

/**
 * A 400 from PagerDuty, with its error code and details, so that callers can
 * tell an unknown `From` user or a duplicate `incident_key` apart. Its name
 * stays `InputError` (Backstage maps it to 400).
 */
export class PagerDutyInputError extends InputError {
  constructor(
    message: string,
    readonly pagerDuty: { code?: number; errors: string[] },
  ) {
    super(message);
  }
}

/** @public */
export interface PagerDutyClientOptions {
  /** e.g. `https://api.pagerduty.com`. */
  baseUrl: string;
  /** A REST API key, sent as `Authorization: Token token=<key>`. */
  token: string;
  /** Retries after a 429. Default 3. */
  maxRetries?: number;
  /**
   * The longest wait for one retry. PagerDuty asking for longer fails at
   * once (waiting less would only earn another 429). Default 10 s.
   */
  maxRetryWaitMs?: number;
  /** Per request, body included. Default 10 s. */
  requestTimeoutMs?: number;
  /**
   * Multiplies every wait before it is slept: tests set it small so that
   * `ratelimit-reset: 2` costs 20 ms rather than 2 s. Default 1.
   */
  waitScale?: number;
  logger?: LoggerService;
}

export interface RequestOptions {
  query?: URLSearchParams;
  body?: unknown;
  /** The `From` header: the PagerDuty user a write is made in the name of. */
  from?: string;
  /** What the path names, for a 404: `service PORD7X2`. */
  what?: string;
}

interface PagerDutyErrorBody {
  message?: string;
  code?: number;
  errors?: string[];
}

function errorOf(body: unknown): PagerDutyErrorBody {
  const error = (body as { error?: unknown } | undefined)?.error;
  if (!error || typeof error !== 'object') {
    return {};
  }
  const { message, code, errors } = error as Record<string, unknown>;
  return {
    message: typeof message === 'string' ? message : undefined,
    code: typeof code === 'number' ? code : undefined,
    errors: Array.isArray(errors) ? errors.map(String) : undefined,
  };
}

/** `429 Too Many Requests`. */
function statusText(status: number) {
  const reason = STATUS_CODES[status];
  return reason ? `${status} ${reason}` : String(status);
}

/** PagerDuty's message and details, e.g. `Invalid Input Provided (incident.title is required)`. */
function describe(error: PagerDutyErrorBody): string | undefined {
  if (!error.message) {
    return error.errors?.length ? error.errors.join('; ') : undefined;
  }
  return error.errors?.length
    ? `${error.message} (${error.errors.join('; ')})`
    : error.message;
}

/**
 * How long a 429 asks us to wait, in ms: `ratelimit-reset` (seconds until
 * the limit resets, as PagerDuty documents it), else `Retry-After` (seconds
 * or an HTTP date), else undefined.
 */
export function rateLimitWaitMs(
  headers: Headers,
  now = Date.now(),
): { ms: number; header: string } | undefined {
  const reset = headers.get('ratelimit-reset');
  if (reset !== null && reset.trim() !== '') {
    const seconds = Number(reset);
    if (Number.isFinite(seconds) && seconds >= 0) {
      // Some APIs send an epoch time here; PagerDuty sends seconds, but a
      // proxy in between might not.
      const ms = seconds > 1e9 ? seconds * 1000 - now : seconds * 1000;
      return { ms: Math.max(0, ms), header: 'ratelimit-reset' };
    }
  }
  const retryAfter = headers.get('retry-after');
  if (retryAfter !== null && retryAfter.trim() !== '') {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds) && seconds >= 0) {
      return { ms: seconds * 1000, header: 'Retry-After' };
    }
    const date = Date.parse(retryAfter);
    if (!Number.isNaN(date)) {
      return { ms: Math.max(0, date - now), header: 'Retry-After' };
    }
  }
  return undefined;
}

const sleep = (ms: number) =>
  new Promise<void>(resolve => setTimeout(resolve, ms));

/**
 * The slice of PagerDuty's REST API v2 the on-call source uses, over fetch.
 *
 * Every request sends the token and `Accept:
 * application/vnd.pagerduty+json;version=2`, and has a timeout. A 429 is
 * retried after the wait PagerDuty asks for (`ratelimit-reset`, else
 * `Retry-After`, else exponential back-off), at most `maxRetries` times and
 * never longer than `maxRetryWaitMs` per wait; nothing else is retried.
 * Refusals become the errors of `@backstage/errors`:
 *
 * - 401/403: `NotAllowedError` naming `oncall.pagerduty.token`;
 * - 404: `NotFoundError` naming what was looked up;
 * - 400 (and other 4xx): `InputError` with PagerDuty's message;
 * - 429 after the retries, 5xx, timeouts and connection failures:
 *   `ServiceUnavailableError("PagerDuty unreachable: …")`.
 *
 * The token appears in no message and no log line.
 *
 * @public
 */
export class PagerDutyClient {
  private readonly baseUrl: string;
  private readonly maxRetries: number;
  private readonly maxRetryWaitMs: number;
  private readonly requestTimeoutMs: number;
  private readonly waitScale: number;

  /** The client `oncall.pagerduty` describes (see readPagerDutyConfig). */
  static fromSettings(
    settings: PagerDutyConfig,
    logger?: LoggerService,
  ): PagerDutyClient {
    return new PagerDutyClient({
      baseUrl: settings.apiBaseUrl,
      token: settings.token,
      maxRetries: settings.maxRetries,
      maxRetryWaitMs: settings.maxRetryWaitMs,
      requestTimeoutMs: settings.requestTimeoutMs,
      logger,
    });
  }

  constructor(private readonly options: PagerDutyClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.maxRetries = options.maxRetries ?? 3;
    this.maxRetryWaitMs = options.maxRetryWaitMs ?? 10_000;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
    this.waitScale = options.waitScale ?? 1;
  }

  async getService(id: string): Promise<PagerDutyService> {
    const body = await this.request(
      'GET',
      `/services/${encodeURIComponent(id)}`,
      {
        what: `service ${id}`,
      },
    );
    return body.service;
  }

  async getEscalationPolicy(id: string): Promise<PagerDutyEscalationPolicy> {
    const body = await this.request(
      'GET',
      `/escalation_policies/${encodeURIComponent(id)}`,
      { what: `escalation policy ${id}` },
    );
    return body.escalation_policy;
  }

  async getContactMethods(userId: string): Promise<PagerDutyContactMethod[]> {
    const body = await this.request(
      'GET',
      `/users/${encodeURIComponent(userId)}/contact_methods`,
      { what: `user ${userId}` },
    );
    return body.contact_methods ?? [];
  }

  /**
   * Every on-call of the policies overlapping [since, until], with the
   * users (name, email, contact method references), all pages.
   */
  async listOnCalls(options: {
    escalationPolicyIds: string[];
    since: Date;
    until: Date;
  }): Promise<PagerDutyOnCall[]> {
    const query = new URLSearchParams();
    for (const id of options.escalationPolicyIds) {
      query.append('escalation_policy_ids[]', id);
    }
    query.set('since', options.since.toISOString());
    query.set('until', options.until.toISOString());
    query.append('include[]', 'users');
    return this.paginate<PagerDutyOnCall>('/oncalls', 'oncalls', query);
  }

  /** One incident as it is now, by id or number. */
  async getIncident(id: string): Promise<PagerDutyIncident> {
    const body = await this.request(
      'GET',
      `/incidents/${encodeURIComponent(id)}`,
      { what: `incident ${id}` },
    );
    return body.incident;
  }

  /** The incidents of the services created in [since, until), all pages. */
  async listIncidents(options: {
    serviceIds: string[];
    since?: Date;
    until?: Date;
    statuses?: PagerDutyIncidentStatus[];
    incidentKey?: string;
  }): Promise<PagerDutyIncident[]> {
    const query = new URLSearchParams();
    for (const id of options.serviceIds) {
      query.append('service_ids[]', id);
    }
    for (const status of options.statuses ?? []) {
      query.append('statuses[]', status);
    }
    if (options.since || options.until) {
      if (options.since) {
        query.set('since', options.since.toISOString());
      }
      if (options.until) {
        query.set('until', options.until.toISOString());
      }
    } else {
      query.set('date_range', 'all');
    }
    if (options.incidentKey) {
      query.set('incident_key', options.incidentKey);
    }
    query.set('sort_by', 'created_at:desc');
    return this.paginate<PagerDutyIncident>('/incidents', 'incidents', query);
  }

  /**
   * Opens an incident in the name of the PagerDuty user with the email
   * `from`. A 400 for an unknown user or a duplicate `incidentKey` is a
   * {@link PagerDutyInputError} with PagerDuty's code and details.
   */
  async createIncident(options: {
    from: string;
    serviceId: string;
    title: string;
    details?: string;
    urgency?: 'high' | 'low';
    incidentKey?: string;
  }): Promise<PagerDutyIncident> {
    const body = await this.request('POST', '/incidents', {
      from: options.from,
      what: `service ${options.serviceId}`,
      body: {
        incident: {
          type: 'incident',
          title: options.title,
          service: { id: options.serviceId, type: 'service_reference' },
          ...(options.urgency ? { urgency: options.urgency } : {}),
          ...(options.details
            ? { body: { type: 'incident_body', details: options.details } }
            : {}),
          ...(options.incidentKey ? { incident_key: options.incidentKey } : {}),
        },
      },
    });
    return body.incident;
  }

  /** Classic offset pagination: `limit=100` until `more` is false. */
  private async paginate<T>(
    path: string,
    key: string,
    query: URLSearchParams,
  ): Promise<T[]> {
    const items: T[] = [];
    for (let offset = 0; ; ) {
      const page = new URLSearchParams(query);
      page.set('limit', String(PAGE_SIZE));
      page.set('offset', String(offset));
      const body = await this.request('GET', path, { query: page });
      const found: T[] = Array.isArray(body?.[key]) ? body[key] : [];
      items.push(...found);
      offset += found.length;
      if (!body?.more || found.length === 0) {
        return items;
      }
      if (offset + PAGE_SIZE > MAX_RECORDS) {
        this.options.logger?.warn(
          `PagerDuty serves at most ${MAX_RECORDS} records of GET ${path}; showing the first ${items.length}`,
        );
        return items;
      }
    }
  }

  /** One call with the 429 retries; the parsed body of a 2xx. */
  private async request(
    method: 'GET' | 'POST',
    path: string,
    options: RequestOptions = {},
  ): Promise<any> {
    const query = options.query?.toString();
    const url = `${this.baseUrl}${path}${query ? `?${query}` : ''}`;
    const operation = `${method} ${path}`;
    for (let attempt = 0; ; attempt++) {
      let response: Response;
      let text: string;
      try {
        response = await fetch(url, {
          method,
          headers: {
            Authorization: `Token token=${this.options.token}`,
            Accept: 'application/vnd.pagerduty+json;version=2',
            ...(options.body !== undefined
              ? { 'Content-Type': 'application/json' }
              : {}),
            ...(options.from ? { From: options.from } : {}),
          },
          body:
            options.body !== undefined
              ? JSON.stringify(options.body)
              : undefined,
          signal: AbortSignal.timeout(this.requestTimeoutMs),
        });
        text = await response.text();
      } catch (error) {
        throw this.unreachable(operation, error);
      }
      const body = jsonOrText(text);
      if (response.status >= 200 && response.status < 300) {
        return body;
      }
      if (response.status === 429) {
        const wait = this.waitBeforeRetry(response.headers, attempt, operation);
        this.options.logger?.info(
          `PagerDuty rate-limited ${operation}; retrying in ${(
            wait.ms / 1000
          ).toFixed(1)} s (${wait.header}), retry ${attempt + 1} of ${
            this.maxRetries
          }`,
        );
        await sleep(wait.ms * this.waitScale);
        continue;
      }
      throw this.refusal(response.status, operation, options, errorOf(body));
    }
  }

  /** The wait before retry `attempt + 1`, or the error when there is none left. */
  private waitBeforeRetry(
    headers: Headers,
    attempt: number,
    operation: string,
  ): { ms: number; header: string } {
    if (attempt >= this.maxRetries) {
      return this.giveUp(
        `still rate-limited (429) after ${this.maxRetries} ${
          this.maxRetries === 1 ? 'retry' : 'retries'
        } of ${operation}`,
      );
    }
    const asked = rateLimitWaitMs(headers);
    if (asked) {
      if (asked.ms > this.maxRetryWaitMs) {
        return this.giveUp(
          `rate-limited (429) on ${operation}, and ${
            asked.header
          } asks to wait ${Math.ceil(
            asked.ms / 1000,
          )} s, more than oncall.pagerduty.maxRetryWaitSeconds (${
            this.maxRetryWaitMs / 1000
          } s)`,
        );
      }
      return asked;
    }
    // A bare 429: back off exponentially, with jitter so that replicas
    // rate-limited together do not retry together.
    const exponential = Math.min(
      BASE_BACKOFF_MS * 2 ** attempt,
      this.maxRetryWaitMs,
    );
    return {
      ms: exponential / 2 + Math.random() * (exponential / 2),
      header: 'exponential back-off',
    };
  }

  private giveUp(reason: string): never {
    throw new ServiceUnavailableError(`PagerDuty unreachable: ${reason}`);
  }

  private unreachable(operation: string, error: unknown): Error {
    const err = error as {
      name?: string;
      message?: string;
      cause?: { code?: string; message?: string };
    };
    let detail: string;
    if (err?.name === 'TimeoutError' || err?.name === 'AbortError') {
      detail = `no answer within ${this.requestTimeoutMs / 1000} s`;
    } else {
      detail =
        err?.cause?.code ??
        err?.cause?.message ??
        err?.message ??
        String(error);
    }
    return new ServiceUnavailableError(
      `PagerDuty unreachable: ${detail} on ${operation} (${this.baseUrl}; check oncall.pagerduty.apiBaseUrl)`,
    );
  }

  private refusal(
    status: number,
    operation: string,
    options: RequestOptions,
    error: PagerDutyErrorBody,
  ): Error {
    const said = describe(error);
    const answered = `PagerDuty answered ${statusText(status)} to ${operation}${
      said ? `: ${said}` : ''
    }`;
    if (status === 401) {
      return new NotAllowedError(
        `${answered}. The API key in ${TOKEN_CONFIG_KEY} is missing, invalid or revoked; set a valid PagerDuty REST API key there.`,
      );
    }
    if (status === 403) {
      return new NotAllowedError(
        `${answered}. The API key in ${TOKEN_CONFIG_KEY} may not do this${
          operation.startsWith('POST')
            ? ' (a read-only key cannot open incidents)'
            : ''
        }; give it the access or configure another key.`,
      );
    }
    if (status === 404) {
      return new NotFoundError(
        `PagerDuty has no ${options.what ?? 'such resource'} (${answered})`,
      );
    }
    if (status >= 500) {
      return new ServiceUnavailableError(`PagerDuty unreachable: ${answered}`);
    }
    return new PagerDutyInputError(answered, {
      code: error.code,
      errors: error.errors ?? [],
    });
  }
}

import {
  AuthService,
  DiscoveryService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { entityRefKey } from '@internal/paved-road-common';
import { PluginEndpoint, pluginEndpoint } from '@internal/paved-road-node';
import type { OnCallAnswer } from '@internal/plugin-oncall-common';
import { FactSourceResult } from './types';

const PLUGIN_ID = 'oncall';

/**
 * The answers of the on-call backend that are no live rotation
 * whoever they name: the static annotation, and no provider at all.
 */
const NOT_LIVE_PROVIDERS: ReadonlySet<string> = new Set(['annotation', 'none']);

/**
 * The on-call backend's answer as far as the scorecard reads it: checked
 * rather than trusted, since the scorecard works with whatever version of
 * the on-call plugin (or none) is installed.
 */
function isAnswer(body: unknown): body is OnCallAnswer {
  const answer = body as Partial<OnCallAnswer> | null;
  return (
    typeof answer?.providerId === 'string' &&
    typeof answer.fetchedAt === 'string' &&
    Array.isArray(answer.rotations) &&
    answer.rotations.every(
      r =>
        Array.isArray(r?.levels) && r.levels.every(l => Array.isArray(l?.now)),
    )
  );
}

/** Backstage's error body: `{ error: { name, message }, response: { statusCode } }`. */
function backstageError(
  body: unknown,
): { name: string; message: string } | undefined {
  const error = (body as { error?: { name?: unknown; message?: unknown } })
    ?.error;
  if (typeof error?.name === 'string' && typeof error.message === 'string') {
    return { name: error.name, message: error.message };
  }
  return undefined;
}

/**
 * The facts when no on-call source but the annotations can be asked: the
 * on-call backend is not installed (or not asked). `has-oncall` falls back to
 * the annotations, and every result built on these facts says why.
 */
export function annotationsOnly(
  collectedAt: Date,
  why: string,
): FactSourceResult {
  return {
    source: 'oncall',
    collectedAt,
    values: {
      oncall: {
        providerId: null,
        liveSource: false,
        liveRotation: false,
        stale: false,
        fetchedAt: null,
      },
    },
    provenance: `${why}: the annotations decide`,
  };
}

/**
 * Whether someone is on call for an entity now, from the on-call backend
 * (`GET {discovery oncall}/entities/:kind/:namespace/:name`, with a service
 * token): `oncall.liveRotation` is true when a provider other than the
 * annotation (PagerDuty) has someone on call now at some level;
 * `oncall.liveSource` when such a provider answers for the entity at all.
 *
 * - 200: the answer. A stale one (the provider is down, the on-call backend
 *   serves its last answer) counts, dated: its `fetchedAt` is the facts'
 *   collection time, so the scorecard's own staleness limit applies to it,
 *   and every result built on it says where it is from.
 * - 404 from the on-call backend (a Backstage `NotFoundError`: PagerDuty
 *   does not have the service the entity names): a definite answer, no live
 *   rotation, and why.
 * - 404 without the on-call backend's error body (nothing is mounted at
 *   `/api/oncall`): the on-call backend is not installed; the annotations
 *   decide, as before it existed, and the results say so.
 * - Anything else (503 with nothing remembered, 5xx, 401, network, timeout):
 *   no data, never a pass or fail; the last good answer is reused until it is
 *   stale, as for GitHub.
 */
export class OnCallFactSource {
  private readonly lastGood = new Map<string, FactSourceResult>();

  constructor(
    private readonly options: {
      discovery: DiscoveryService;
      auth: AuthService;
      logger: LoggerService;
      /** Milliseconds before a request to the on-call backend is abandoned. */
      timeoutMs?: number;
    },
  ) {}

  async collect(entity: Entity): Promise<FactSourceResult> {
    const now = new Date();
    const namespace = entity.metadata.namespace ?? 'default';
    const ref = entityRefKey(entity);
    let url: string | undefined;
    try {
      let endpoint: PluginEndpoint;
      try {
        endpoint = await pluginEndpoint(
          this.options,
          PLUGIN_ID,
          `entities/${[entity.kind, namespace, entity.metadata.name]
            .map(encodeURIComponent)
            .join('/')}`,
        );
      } catch (error) {
        if ((error as Error).name === 'NotFoundError') {
          return annotationsOnly(
            now,
            `the on-call backend is not installed (discovery: ${
              (error as Error).message
            })`,
          );
        }
        throw error;
      }
      url = endpoint.url;
      const response = await endpoint.fetch({
        timeoutMs: this.options.timeoutMs ?? 10_000,
      });
      const body: unknown = await response.json().catch(() => undefined);
      if (response.status === 200 && isAnswer(body)) {
        const result = this.fromAnswer(body, ref, now);
        this.lastGood.set(ref, result);
        return result;
      }
      const error = backstageError(body);
      if (response.status === 404 && error?.name === 'NotFoundError') {
        // The on-call backend's answer about the entity: its source does
        // not know what the entity names. No rotation, and why.
        const result: FactSourceResult = {
          source: 'oncall',
          collectedAt: now,
          values: {
            oncall: {
              providerId: null,
              liveSource: true,
              liveRotation: false,
              stale: false,
              fetchedAt: now.toISOString(),
            },
          },
          note: `the on-call backend answered 404: ${error.message}`,
        };
        this.lastGood.set(ref, result);
        return result;
      }
      if (response.status === 404) {
        return annotationsOnly(
          now,
          `the on-call backend is not installed (GET ${url} answered 404)`,
        );
      }
      return this.unavailable(
        ref,
        now,
        response.status === 200
          ? 'the on-call backend answered 200 with an unexpected body'
          : `the on-call backend answered ${response.status}${
              error ? `: ${error.message}` : ` ${response.statusText}`
            }`,
      );
    } catch (error) {
      return this.unavailable(
        ref,
        now,
        `the on-call backend could not be asked${url ? ` (GET ${url})` : ''}: ${
          (error as Error).message
        }`,
      );
    }
  }

  private fromAnswer(
    answer: OnCallAnswer,
    ref: string,
    now: Date,
  ): FactSourceResult {
    const { providerId, stale } = answer;
    const liveSource = !NOT_LIVE_PROVIDERS.has(providerId);
    const onCallNow = answer.rotations.some(r =>
      r.levels.some(l => l.now.length > 0),
    );
    const fetchedAt = new Date(answer.fetchedAt);
    const dated = stale && !isNaN(fetchedAt.getTime());
    return {
      source: 'oncall',
      // A stale answer is as old as the provider's answer: the scorecard's
      // own staleness limit (scorecard.staleAfter) applies to it.
      collectedAt: dated ? fetchedAt : now,
      values: {
        oncall: {
          providerId,
          liveSource,
          liveRotation: liveSource && onCallNow,
          stale,
          fetchedAt: answer.fetchedAt,
        },
      },
      note:
        liveSource && !onCallNow
          ? `${providerId} has nobody on call now for ${ref}`
          : undefined,
      provenance:
        [
          liveSource
            ? undefined
            : `no on-call source but the annotations for ${ref} (the on-call backend answers from '${providerId}'): the annotations decide`,
          stale
            ? `${providerId}'s answer from ${answer.fetchedAt}, served stale${
                answer.staleReason ? ` (${answer.staleReason})` : ''
              }`
            : undefined,
        ]
          .filter(Boolean)
          .join('; ') || undefined,
    };
  }

  /** No data, or the last good answer while it lasts, saying how old it is. */
  private unavailable(
    ref: string,
    now: Date,
    reason: string,
  ): FactSourceResult {
    this.options.logger.debug(`On-call facts for ${ref}: ${reason}`);
    const previous = this.lastGood.get(ref);
    if (previous) {
      // Its original time stays: the evaluator turns it into no data once
      // it is older than the staleness threshold.
      return {
        ...previous,
        provenance: [
          previous.provenance,
          `${reason}; this is its answer from ${previous.collectedAt.toISOString()}`,
        ]
          .filter(Boolean)
          .join('; '),
      };
    }
    return { source: 'oncall', collectedAt: now, unavailable: reason };
  }
}

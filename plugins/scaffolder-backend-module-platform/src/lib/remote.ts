import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { jsonOrText } from '@internal/paved-road-common';
import { STATUS_CODES } from 'node:http';

/** Which external system refused, named the way an operator knows it. */
export interface RemoteTarget {
  system: 'ArgoCD' | 'Vault' | 'Kubernetes';
  /** The configured target name, e.g. "prod". */
  name: string;
}

export interface RemoteFailure extends RemoteTarget {
  /** What we were doing, e.g. `GET /api/v1/applications/orders`. */
  operation: string;
  status: number;
  /** The server's own explanation (ArgoCD message, Vault errors[], Kubernetes Status.message). */
  remoteMessage?: string;
  /** What the user can do about it. */
  hint?: string;
}

function defaultHint(failure: RemoteFailure): string | undefined {
  switch (failure.status) {
    case 401:
      return `The token configured for ${failure.system} "${failure.name}" is missing, invalid or expired.`;
    case 403:
      return `The token configured for ${failure.system} "${failure.name}" is valid but lacks permission for this operation.`;
    case 429:
    case 500:
    case 502:
    case 503:
    case 504:
      return `${failure.system} "${failure.name}" kept failing after retries; re-run the task once it is healthy.`;
    default:
      return undefined;
  }
}

/**
 * Turns a refusal from an external system into the matching Backstage error,
 * naming the system, the target, the HTTP status, the server's message and a
 * hint. A 403 (permission) reads differently from a 404 (missing object) and
 * from a network failure (see {@link unreachableError}).
 */
export function remoteError(failure: RemoteFailure): Error {
  const reason = STATUS_CODES[failure.status];
  const status = `${failure.status}${reason ? ` ${reason}` : ''}`;
  const hint = failure.hint ?? defaultHint(failure);
  const message = [
    `${failure.system} "${failure.name}" answered ${status} to ${failure.operation}`,
    failure.remoteMessage ? `: ${failure.remoteMessage}` : '',
    hint ? `. ${hint}` : '',
  ].join('');
  if (failure.status === 401 || failure.status === 403) {
    return new NotAllowedError(message);
  }
  if (failure.status === 404) {
    return new NotFoundError(message);
  }
  if (failure.status === 409) {
    return new ConflictError(message);
  }
  if (failure.status >= 500 || failure.status === 429) {
    return new ServiceUnavailableError(message);
  }
  return new InputError(message);
}

/**
 * The body of a 2xx answer from `target`; any other status is thrown as the
 * {@link remoteError} it is, with the server's own explanation read from the
 * body by `remoteMessage` and the `hint` for that status.
 */
export function okBody(
  target: RemoteTarget,
  operation: string,
  response: { status: number; body: unknown },
  explain: {
    remoteMessage: (body: unknown) => string | undefined;
    hint?: (status: number) => string | undefined;
  },
): unknown {
  if (response.status >= 200 && response.status < 300) {
    return response.body;
  }
  throw remoteError({
    ...target,
    operation,
    status: response.status,
    remoteMessage: explain.remoteMessage(response.body),
    hint: explain.hint?.(response.status),
  });
}

/** The server could not be reached at all: DNS, refused connection, TLS, timeout. */
export function unreachableError(
  target: RemoteTarget,
  url: string,
  cause: unknown,
): Error {
  const detail =
    (cause as { cause?: { code?: string; message?: string } })?.cause?.code ??
    (cause as Error)?.message ??
    String(cause);
  return new ServiceUnavailableError(
    `Could not reach ${target.system} "${target.name}" at ${url}: ${detail}. Check the address in app-config and that the server is up.`,
  );
}

export interface RetryPolicy {
  /** Attempts after the first one. */
  retries: number;
  /** First back-off; doubles each time (with jitter). */
  baseDelayMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { retries: 3, baseDelayMs: 250 };

export function isRetryableStatus(status: number) {
  return status === 429 || status >= 500;
}

/** Sleeps, but wakes (and throws) as soon as the task is cancelled. */
export async function backoff(
  attempt: number,
  policy: RetryPolicy,
  signal?: AbortSignal,
  retryAfterSeconds?: number,
) {
  const exponential = policy.baseDelayMs * 2 ** attempt;
  const delay =
    retryAfterSeconds !== undefined && Number.isFinite(retryAfterSeconds)
      ? Math.min(retryAfterSeconds * 1000, 30_000)
      : exponential / 2 + Math.random() * (exponential / 2);
  signal?.throwIfAborted();
  await new Promise<void>((resolve, reject) => {
    let timer: ReturnType<typeof setTimeout> | undefined = undefined;
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason ?? new Error('aborted'));
    };
    timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, delay);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export interface JsonRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  headers: Record<string, string>;
  body?: unknown;
  signal?: AbortSignal;
}

export interface JsonResponse {
  status: number;
  headers: Headers;
  body: unknown;
}

/**
 * One JSON request over fetch with retries: 5xx and 429 are retried with
 * exponential back-off (honouring Retry-After); a network failure is retried
 * only for methods that are safe to repeat. Any other status is returned to
 * the caller, which knows what a 404 or 409 means for its object.
 */
export async function requestJson(
  target: RemoteTarget,
  request: JsonRequest,
  policy: RetryPolicy = defaultRetryPolicy,
): Promise<JsonResponse> {
  const idempotent = request.method !== 'POST' && request.method !== 'PATCH';
  for (let attempt = 0; ; attempt++) {
    let response: Response;
    try {
      response = await fetch(request.url, {
        method: request.method,
        headers: {
          Accept: 'application/json',
          ...(request.body !== undefined
            ? { 'Content-Type': 'application/json' }
            : {}),
          ...request.headers,
        },
        body:
          request.body !== undefined ? JSON.stringify(request.body) : undefined,
        signal: request.signal,
      });
    } catch (error) {
      if (request.signal?.aborted) {
        throw error;
      }
      if (idempotent && attempt < policy.retries) {
        await backoff(attempt, policy, request.signal);
        continue;
      }
      throw unreachableError(target, request.url, error);
    }
    if (isRetryableStatus(response.status) && attempt < policy.retries) {
      await response.body?.cancel();
      const retryAfter = response.headers.get('retry-after');
      await backoff(
        attempt,
        policy,
        request.signal,
        retryAfter ? Number(retryAfter) : undefined,
      );
      continue;
    }
    const text = await response.text();
    const body = jsonOrText(text);
    return { status: response.status, headers: response.headers, body };
  }
}

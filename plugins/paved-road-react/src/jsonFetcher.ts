import { ResponseError } from '@backstage/errors';
import type { DiscoveryApi, FetchApi } from '@backstage/frontend-plugin-api';
import {
  sendApiRequest,
  type TypedResponse,
} from '@internal/paved-road-common';

/** How to ask the backend. */
export interface JsonRequestOptions {
  /** `GET` unless given. */
  method?: string;
  /** Sent as the JSON body, with `Content-Type: application/json`. */
  body?: unknown;
  /** `'undefined'`: a 404 resolves with `undefined` instead of throwing. */
  notFound?: 'undefined';
}

/**
 * Asks the plugin's backend for `path` (relative to its base URL, no
 * leading slash, with its query string) and resolves with the JSON answer.
 * Any status but 2xx throws a `ResponseError` (`@backstage/errors`) whose
 * `cause` is the backend's error, so `errorMessage` gives its message.
 */
export interface JsonFetcher {
  <T>(
    path: string,
    options: JsonRequestOptions & { notFound: 'undefined' },
  ): Promise<T | undefined>;
  <T>(path: string, options?: JsonRequestOptions): Promise<T>;
}

/**
 * The JSON request of a frontend plugin to its backend `pluginId`, through
 * the app's fetch API (which adds the user's Backstage token).
 *
 * @example
 * class OnCallClient {
 *   private readonly request: JsonFetcher;
 *   constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
 *     this.request = createJsonFetcher(options, 'oncall');
 *   }
 *   getOnCall(entityRef: string) {
 *     return this.request<OnCallAnswer>(`entities/${entityPath(entityRef)}`);
 *   }
 * }
 */
export function createJsonFetcher(
  apis: { discoveryApi: DiscoveryApi; fetchApi: FetchApi },
  pluginId: string,
): JsonFetcher {
  const request = async <T>(
    path: string,
    options: JsonRequestOptions = {},
  ): Promise<T | undefined> => {
    const answer = sendApiRequest(apis, pluginId, {
      method: options.method ?? 'GET',
      path: `/${path}`,
      body: options.body,
    });
    return okJson<T>(answer, options);
  };
  return request as JsonFetcher;
}

/**
 * The JSON of a 2xx answer, e.g. from a generated `DefaultApiClient`'s
 * method. Any other status throws a `ResponseError` (`@backstage/errors`)
 * whose `cause` is the backend's error, so `errorMessage` gives its message;
 * with `notFound: 'undefined'`, a 404 resolves with `undefined` instead.
 */
export function okJson<T>(
  answer: Promise<TypedResponse<T>>,
  options: { notFound: 'undefined' },
): Promise<T | undefined>;
export function okJson<T>(
  answer: Promise<TypedResponse<T>>,
  options?: { notFound?: 'undefined' },
): Promise<T>;
export async function okJson<T>(
  answer: Promise<TypedResponse<T>>,
  options: { notFound?: 'undefined' } = {},
): Promise<T | undefined> {
  const response = await answer;
  if (response.status === 404 && options.notFound === 'undefined') {
    return undefined;
  }
  if (!response.ok) {
    throw await ResponseError.fromResponse(response as Response);
  }
  return response.json();
}

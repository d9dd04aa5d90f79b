/*
 * What the clients generated from our OpenAPI specs (the -common packages'
 * src/schema/openapi.client.generated.ts) share: how a request is sent.
 */

/** A `Response` whose `json()` is the answer's type. */
export type TypedResponse<T> = Omit<Response, 'json'> & {
  json(): Promise<T>;
};

/** Per request: a token to send instead of the fetch API's. */
export interface RequestOptions {
  token?: string;
}

/** What a generated client is built with: the app's discovery and fetch. */
export interface ApiClientOptions {
  discoveryApi: { getBaseUrl(pluginId: string): Promise<string> };
  fetchApi: { fetch: typeof fetch };
}

/** `?a=1&b=x&b=y` of the values given (a list repeats its name); or ''. */
export function queryString(query: object | undefined): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {})) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item !== undefined) params.append(name, String(item));
    }
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

/**
 * Sends `method path` to the plugin's backend (its base URL from discovery)
 * through the fetch API, with the query and a JSON body if given, and
 * resolves with the response whatever its status.
 */
export async function sendApiRequest(
  apis: ApiClientOptions,
  pluginId: string,
  request: { method: string; path: string; query?: object; body?: unknown },
  options?: RequestOptions,
): Promise<Response> {
  const baseUrl = await apis.discoveryApi.getBaseUrl(pluginId);
  const headers: Record<string, string> = {};
  if (request.body !== undefined) headers['Content-Type'] = 'application/json';
  if (options?.token) headers.Authorization = `Bearer ${options.token}`;
  return apis.fetchApi.fetch(
    `${baseUrl}${request.path}${queryString(request.query)}`,
    {
      method: request.method,
      headers,
      body:
        request.body === undefined ? undefined : JSON.stringify(request.body),
    },
  );
}

import { AuthService, DiscoveryService } from '@backstage/backend-plugin-api';

/** What a request to another plugin needs of the calling plugin. */
export interface PluginRequestServices {
  discovery: DiscoveryService;
  auth: AuthService;
}

/** How to send a request to another plugin. */
export interface PluginRequestInit {
  /** `GET` unless given. */
  method?: string;
  /** Sent as the JSON body, with `Content-Type: application/json`. */
  json?: unknown;
  /** Abandons the request after this many milliseconds. */
  timeoutMs?: number;
  /** Abandons the request when aborted (as well as on `timeoutMs`). */
  signal?: AbortSignal;
}

/** A path of another plugin's backend, and a token to call it with. */
export interface PluginEndpoint {
  /** The full URL, e.g. for error messages. */
  readonly url: string;
  /**
   * Sends the request, with the token. Resolves with the response whatever
   * its status: what a status means is the caller's.
   */
  fetch(init?: PluginRequestInit): Promise<Response>;
}

/**
 * The endpoint at `path` (relative to the plugin's base URL, no leading
 * slash) of the plugin `pluginId`, found through discovery, with a token
 * for that plugin on behalf of the calling plugin's own service
 * credentials. Throws what discovery or auth throw, e.g. a `NotFoundError`
 * for a plugin discovery does not know.
 */
export async function pluginEndpoint(
  services: PluginRequestServices,
  pluginId: string,
  path: string,
): Promise<PluginEndpoint> {
  const { discovery, auth } = services;
  const url = `${await discovery.getBaseUrl(pluginId)}/${path}`;
  const { token } = await auth.getPluginRequestToken({
    onBehalfOf: await auth.getOwnServiceCredentials(),
    targetPluginId: pluginId,
  });
  return {
    url,
    async fetch(init: PluginRequestInit = {}) {
      const headers: Record<string, string> = {
        Authorization: `Bearer ${token}`,
      };
      if (init.json !== undefined) {
        headers['Content-Type'] = 'application/json';
      }
      const signals = [
        init.signal,
        init.timeoutMs === undefined
          ? undefined
          : AbortSignal.timeout(init.timeoutMs),
      ].filter((s): s is AbortSignal => s !== undefined);
      return fetch(url, {
        method: init.method ?? 'GET',
        headers,
        body: init.json === undefined ? undefined : JSON.stringify(init.json),
        signal: signals.length > 1 ? AbortSignal.any(signals) : signals[0],
      });
    },
  };
}

/**
 * A request to another plugin's backend as the calling plugin: discovery,
 * a plugin request token, then `fetch`. Resolves with the response whatever
 * its status.
 *
 * @example
 * const response = await fetchFromPlugin({ discovery, auth }, 'dora', 'events', {
 *   method: 'POST',
 *   json: { events },
 * });
 */
export async function fetchFromPlugin(
  services: PluginRequestServices,
  pluginId: string,
  path: string,
  init?: PluginRequestInit,
): Promise<Response> {
  return (await pluginEndpoint(services, pluginId, path)).fetch(init);
}

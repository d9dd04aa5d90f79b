import { ExitCode, ExitCodeValue } from '../exitCodes';

/** A failure the CLI reports in one line and ends with `exitCode`. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCodeValue = ExitCode.Failed,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export interface PortalOptions {
  /** The portal's backend, e.g. http://localhost:7007. */
  url: string;
  /** A Backstage token; without one, guest sign-in is tried. */
  token?: string;
}

/**
 * The portal's HTTP APIs as the CLI uses them: one token for every call
 * (given, or a guest's on the embedded default), JSON in and out, and
 * failures that say what to do.
 */
export class PortalClient {
  private token?: Promise<string>;
  readonly baseUrl: string;

  constructor(private readonly options: PortalOptions) {
    this.baseUrl = options.url.replace(/\/+$/, '');
  }

  /** The token: the one given, else a guest's (embedded default only). */
  getToken(): Promise<string> {
    this.token ??= this.options.token
      ? Promise.resolve(this.options.token)
      : this.guestToken();
    return this.token;
  }

  private async guestToken(): Promise<string> {
    const response = await this.send(`${this.baseUrl}/api/auth/guest/refresh`, {
      headers: { 'x-requested-with': 'XMLHttpRequest' },
    });
    if (!response.ok) {
      throw new CliError(
        `No token, and ${this.baseUrl} offers no guest sign-in (${response.status}): pass --token or set PLATFORM_TOKEN`,
        ExitCode.Unreachable,
      );
    }
    const body = await response.json();
    return body.backstageIdentity.token;
  }

  private async send(url: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(url, init);
    } catch (error) {
      throw new CliError(
        `Cannot reach the portal at ${this.baseUrl}: ${
          (error as Error).cause ?? (error as Error).message
        }. Is it running? (--url)`,
        ExitCode.Unreachable,
      );
    }
  }

  /** A raw authenticated request (streams, status codes the caller reads). */
  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set('Authorization', `Bearer ${await this.getToken()}`);
    if (init.body !== undefined && !headers.has('Content-Type')) {
      headers.set('Content-Type', 'application/json');
    }
    const response = await this.send(`${this.baseUrl}${path}`, {
      ...init,
      headers,
    });
    if (response.status === 401) {
      throw new CliError(
        `${this.baseUrl} refused the token (401): pass a valid --token or PLATFORM_TOKEN`,
        ExitCode.Unreachable,
      );
    }
    return response;
  }

  /**
   * A JSON request; a non-2xx answer becomes a CliError carrying the
   * portal's own message (a 4xx is bad input, anything else a failure).
   */
  async json<T>(path: string, init: RequestInit = {}): Promise<T> {
    const response = await this.request(path, init);
    return this.read<T>(response, `${init.method ?? 'GET'} ${path}`);
  }

  /** As json(), but undefined where the portal answers 404 (a lookup of what may not exist). */
  async find<T>(path: string, init: RequestInit = {}): Promise<T | undefined> {
    const response = await this.request(path, init);
    if (response.status === 404) {
      return undefined;
    }
    return this.read<T>(response, `${init.method ?? 'GET'} ${path}`);
  }

  private async read<T>(response: Response, request: string): Promise<T> {
    const body = await readBody(response);
    if (!response.ok) {
      throw new CliError(
        `${request} answered ${response.status}: ${
          portalMessage(body) ?? response.statusText
        }`,
        failureExitCode(response.status),
      );
    }
    return body.json as T;
  }
}

/** A response's text, and its JSON (undefined when the text is not JSON). */
export async function readBody(
  response: Response,
): Promise<{ text: string; json: any }> {
  const text = await response.text();
  try {
    return { text, json: text ? JSON.parse(text) : undefined };
  } catch {
    return { text, json: undefined };
  }
}

/** What the portal says went wrong: its error's message, else its text; undefined when it says nothing. */
export function portalMessage(body: {
  text: string;
  json: any;
}): string | undefined {
  return body.json?.error?.message ?? (body.text.slice(0, 500) || undefined);
}

/** How a refusal of the portal ends the CLI: a 4xx is bad input, anything else a failure. */
export function failureExitCode(status: number): ExitCodeValue {
  return status >= 400 && status < 500 ? ExitCode.BadInput : ExitCode.Failed;
}

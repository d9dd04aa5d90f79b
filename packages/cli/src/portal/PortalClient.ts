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
    const text = await response.text();
    let body: any;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    if (!response.ok) {
      const message =
        body?.error?.message ?? (text.slice(0, 500) || response.statusText);
      throw new CliError(
        `${init.method ?? 'GET'} ${path} answered ${
          response.status
        }: ${message}`,
        response.status >= 400 && response.status < 500
          ? ExitCode.BadInput
          : ExitCode.Failed,
      );
    }
    return body as T;
  }
}

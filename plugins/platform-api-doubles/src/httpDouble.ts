import { jsonOrText } from '@internal/paved-road-common';
import http from 'node:http';
import { AddressInfo } from 'node:net';

/** One request as a double saw it, for asserting which calls were made. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
  /** The body exactly as received, e.g. to check a signature over it. */
  rawBody: string;
  /** Header names lower-cased, as Node gives them. */
  headers: http.IncomingHttpHeaders;
  /** When the request arrived (epoch ms), e.g. to tell scheduled runs apart. */
  at: number;
}

export interface DoubleResponse {
  status: number;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as is instead of `body` (a YAML file, plain text). */
  text?: string;
  headers?: Record<string, string>;
}

export type DoubleHandler = (
  request: RecordedRequest,
) => DoubleResponse | Promise<DoubleResponse>;

/**
 * How a double can be unreachable: `refused` stops listening (connections
 * are refused, as when the server is down), `hang` accepts requests and never
 * answers (as a stuck server or a black-holing proxy), `reset` closes the
 * connection without an answer (as a crashing server).
 */
export type DoubleOutage = 'refused' | 'hang' | 'reset';

/** What the next matching request gets instead of reaching the API. */
type Override = {
  match?: (request: RecordedRequest) => boolean;
} & ({ response: DoubleResponse } | { outage: 'hang' | 'reset' });

/**
 * A loopback HTTP server for API doubles: records every request, parses JSON
 * bodies, and can be told to answer the next N requests otherwise (a status,
 * headers: to test retries), to leave them hanging or reset them, or to go
 * down altogether (to test unreachable servers).
 */
export class HttpDouble {
  readonly requests: RecordedRequest[] = [];
  private overrides: Override[] = [];
  private outage?: DoubleOutage;
  private server?: http.Server;
  private port = 0;
  url = '';

  constructor(private readonly handler: DoubleHandler) {}

  async start(port = 0): Promise<this> {
    await this.listen(port);
    this.url = `http://127.0.0.1:${this.port}`;
    return this;
  }

  async close(): Promise<void> {
    this.outage = undefined;
    await this.stopListening();
  }

  /**
   * Takes the server down until {@link HttpDouble.up}: see
   * {@link DoubleOutage}. `refused` closes every open connection too, so a
   * client's keep-alive pool cannot reach the server through them.
   */
  async down(outage: DoubleOutage = 'refused'): Promise<void> {
    if (this.outage === 'refused') {
      await this.up();
    }
    this.outage = outage;
    if (outage === 'refused') {
      await this.stopListening();
    }
  }

  /**
   * Brings the server back at the same URL (the port it was given at
   * start). Requests left hanging stay so until they time out or `close`.
   */
  async up(): Promise<void> {
    if (this.outage === 'refused') {
      await this.listen(this.port);
    }
    this.outage = undefined;
  }

  /**
   * The next `count` requests (those `match` accepts, when given) answer
   * `response` instead of reaching the API, e.g. a 429 with `Retry-After`.
   */
  respondNext(
    count: number,
    response: DoubleResponse,
    match?: (request: RecordedRequest) => boolean,
  ) {
    for (let i = 0; i < count; i++) {
      this.overrides.push({ response, match });
    }
  }

  /**
   * The next `count` requests (those `match` accepts, when given) answer
   * `status` with `body` instead of reaching the API.
   */
  failNext(
    count: number,
    status: number,
    body?: unknown,
    match?: (request: RecordedRequest) => boolean,
  ) {
    this.respondNext(count, { status, body }, match);
  }

  /**
   * The next `count` requests (those `match` accepts, when given) are
   * recorded and then never answered (`hang`) or have their connection
   * closed without an answer (`reset`).
   */
  breakNext(
    count: number,
    outage: 'hang' | 'reset',
    match?: (request: RecordedRequest) => boolean,
  ) {
    for (let i = 0; i < count; i++) {
      this.overrides.push({ outage, match });
    }
  }

  /** Requests that changed (or would have changed) something. */
  writes(): RecordedRequest[] {
    return this.requests.filter(r => r.method !== 'GET');
  }

  private async listen(port: number) {
    const server = http.createServer((req, res) => this.serve(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', resolve);
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
  }

  private async stopListening() {
    const server = this.server;
    if (!server) {
      return;
    }
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>(resolve => server.close(() => resolve()));
  }

  private serve(req: http.IncomingMessage, res: http.ServerResponse) {
    const chunks: Buffer[] = [];
    req.on('data', chunk => chunks.push(chunk));
    req.on('end', async () => {
      const url = new URL(req.url ?? '/', 'http://double');
      const text = Buffer.concat(chunks).toString('utf8');
      const body = jsonOrText(text);
      const recorded: RecordedRequest = {
        at: Date.now(),
        method: req.method ?? 'GET',
        path: decodeURIComponent(url.pathname),
        query: url.searchParams,
        body,
        rawBody: text,
        headers: req.headers,
      };
      this.requests.push(recorded);
      const index = this.overrides.findIndex(
        o => !o.match || o.match(recorded),
      );
      const override =
        index >= 0 ? this.overrides.splice(index, 1)[0] : undefined;
      const outage =
        override && 'outage' in override ? override.outage : this.outage;
      if (outage === 'hang') {
        return;
      }
      if (outage === 'reset') {
        req.socket.destroy();
        return;
      }
      let response: DoubleResponse;
      if (override && 'response' in override) {
        response = override.response;
      } else {
        try {
          response = await this.handler(recorded);
        } catch (error) {
          response = { status: 500, body: { message: String(error) } };
        }
      }
      res.writeHead(response.status, {
        'Content-Type':
          response.text === undefined ? 'application/json' : 'text/plain',
        ...response.headers,
      });
      if (response.text !== undefined) {
        res.end(response.text);
      } else {
        res.end(
          response.body === undefined ? '' : JSON.stringify(response.body),
        );
      }
    });
  }
}

/** A loopback URL nothing listens on, for "server unreachable" tests. */
export async function closedPortUrl(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>(resolve => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

import http from 'node:http';
import { AddressInfo } from 'node:net';

/** One request as a double saw it, for asserting which calls were made. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
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
  request: RecordedRequest & { headers: http.IncomingHttpHeaders },
) => DoubleResponse | Promise<DoubleResponse>;

/**
 * A loopback HTTP server for API doubles: records every request, parses JSON
 * bodies, and can be told to fail the next N requests with a status (to test
 * retries) or to drop connections (to test unreachable servers).
 */
export class HttpDouble {
  readonly requests: RecordedRequest[] = [];
  private failures: Array<
    DoubleResponse & { match?: (request: RecordedRequest) => boolean }
  > = [];
  private server?: http.Server;
  url = '';

  constructor(private readonly handler: DoubleHandler) {}

  async start(port = 0): Promise<this> {
    this.server = http.createServer((req, res) => this.serve(req, res));
    await new Promise<void>(resolve =>
      this.server!.listen(port, '127.0.0.1', resolve),
    );
    const { port: actual } = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${actual}`;
    return this;
  }

  async close(): Promise<void> {
    if (!this.server) {
      return;
    }
    this.server.closeAllConnections();
    await new Promise<void>(resolve => this.server!.close(() => resolve()));
    this.server = undefined;
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
    for (let i = 0; i < count; i++) {
      this.failures.push({ status, body, match });
    }
  }

  /** Requests that changed (or would have changed) something. */
  writes(): RecordedRequest[] {
    return this.requests.filter(r => r.method !== 'GET');
  }

  private serve(req: http.IncomingMessage, res: http.ServerResponse) {
    const chunks: Buffer[] = [];
    req.on('data', chunk => chunks.push(chunk));
    req.on('end', async () => {
      const url = new URL(req.url ?? '/', 'http://double');
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = undefined;
      if (text) {
        try {
          body = JSON.parse(text);
        } catch {
          body = text;
        }
      }
      const recorded = {
        at: Date.now(),
        method: req.method ?? 'GET',
        path: decodeURIComponent(url.pathname),
        query: url.searchParams,
        body,
      };
      this.requests.push(recorded);
      let response: DoubleResponse;
      const index = this.failures.findIndex(f => !f.match || f.match(recorded));
      if (index >= 0) {
        response = this.failures.splice(index, 1)[0];
      } else {
        try {
          response = await this.handler({ ...recorded, headers: req.headers });
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

/*
 * A loopback double (port 0) of what `platform templates` calls: guest
 * sign-in, the scaffolder's action list and dry run, and the catalog's
 * by-query, with the real paths and body shapes. The dry run answers what
 * the test says (rendered files, a refusal, a failed step's log).
 */
import fs from 'node:fs';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import path from 'node:path';

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  authorization?: string;
  body?: any;
}

export interface DryRunAnswer {
  status: number;
  body: unknown;
}

/** What the real dry run answers when it succeeds: the rendered files. */
export function rendered(files: Record<string, string>): DryRunAnswer {
  return {
    status: 200,
    body: {
      log: [{ body: { message: 'Starting up task with 1 steps' } }],
      output: {},
      steps: [],
      directoryContents: Object.entries(files).map(([file, text]) => ({
        path: file,
        base64Content: Buffer.from(text).toString('base64'),
        executable: false,
      })),
    },
  };
}

/** The error body the backend's error handler sends. */
export function refused(status: number, message: string): DryRunAnswer {
  return {
    status,
    body: {
      error: { name: status === 400 ? 'InputError' : 'Error', message },
      request: { method: 'POST', url: '/api/scaffolder/v2/dry-run' },
      response: { statusCode: status },
    },
  };
}

export const actionsFixture = JSON.parse(
  fs.readFileSync(path.join(__dirname, '../__fixtures__/actions.json'), 'utf8'),
);

export interface ScaffolderDouble {
  url: string;
  requests: RecordedRequest[];
  calls(method: string, pathPrefix: string): RecordedRequest[];
  /** The action list GET /api/scaffolder/v2/actions returns. */
  actions: unknown[];
  /** How the dry run answers a request (default: renders nothing). */
  dryRun: (body: any) => DryRunAnswer;
  /** The catalog's templates, served two per page to exercise the cursor. */
  templates: Array<Record<string, any>>;
  close(): Promise<void>;
}

export async function startScaffolderDouble(): Promise<ScaffolderDouble> {
  const requests: RecordedRequest[] = [];
  // What the tests change between requests.
  const state: Pick<ScaffolderDouble, 'actions' | 'dryRun' | 'templates'> = {
    actions: actionsFixture,
    dryRun: () => rendered({}),
    templates: [],
  };
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    let text = '';
    for await (const chunk of req) {
      text += chunk;
    }
    requests.push({
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      authorization: req.headers.authorization,
      body: text ? JSON.parse(text) : undefined,
    });
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === '/api/auth/guest/refresh') {
      send(200, { backstageIdentity: { token: 'guest-token' } });
    } else if (req.headers.authorization === undefined) {
      send(401, {
        error: { name: 'AuthenticationError', message: 'no token' },
      });
    } else if (url.pathname === '/api/scaffolder/v2/actions') {
      send(200, state.actions);
    } else if (
      url.pathname === '/api/scaffolder/v2/dry-run' &&
      req.method === 'POST'
    ) {
      const answer = state.dryRun(JSON.parse(text));
      send(answer.status, answer.body);
    } else if (url.pathname === '/api/catalog/entities/by-query') {
      const offset = Number(url.searchParams.get('cursor') ?? 0);
      const filter = url.searchParams.get('filter');
      if (!url.searchParams.has('cursor') && filter !== 'kind=template') {
        send(400, {
          error: { name: 'InputError', message: 'unexpected filter' },
        });
        return;
      }
      const items = state.templates.slice(offset, offset + 2);
      send(200, {
        items,
        totalItems: state.templates.length,
        pageInfo:
          offset + 2 < state.templates.length
            ? { nextCursor: String(offset + 2) }
            : {},
      });
    } else {
      send(404, { error: { name: 'NotFoundError', message: url.pathname } });
    }
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    requests,
    calls: (method: string, prefix: string) =>
      requests.filter(r => r.method === method && r.path.startsWith(prefix)),
    close: () =>
      new Promise<void>((resolve, reject) =>
        server.close(error => (error ? reject(error) : resolve())),
      ),
  });
}

/** A URL where nothing listens (a port 0 server, closed). */
export async function closedPortUrl(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise(resolve => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

import http from 'node:http';
import type { Logger } from 'pino';
import client from 'prom-client';

/** Routes we count by name; anything else is "unmatched" so metric labels stay bounded. */
const ROUTES = new Set(['/healthz', '/readyz', '/metrics', '/api/hello']);

export interface ServiceOptions {
  logger: Logger;
  /** A registry per server keeps tests independent; production uses one. */
  registry?: client.Registry;
}

export interface Service {
  server: http.Server;
  registry: client.Registry;
  /** Readiness: false while starting dependencies or draining on shutdown. */
  setReady(ready: boolean): void;
}

function sendJson(
  res: http.ServerResponse,
  status: number,
  body: unknown,
): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(payload),
  });
  res.end(payload);
}

export function createService(options: ServiceOptions): Service {
  const { logger } = options;
  const registry = options.registry ?? new client.Registry();
  client.collectDefaultMetrics({ register: registry });

  const requests = new client.Counter({
    name: 'http_requests_total',
    help: 'HTTP requests handled, by method, route and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    registers: [registry],
  });
  const duration = new client.Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration in seconds, by method, route and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });

  let ready = false;

  async function handle(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    path: string,
    url: URL,
  ): Promise<void> {
    if (!ROUTES.has(path)) {
      sendJson(res, 404, { error: `No route for ${path}` });
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      sendJson(res, 405, { error: `${req.method} is not allowed on ${path}` });
      return;
    }
    switch (path) {
      case '/healthz':
        // Liveness: the process serves requests. Never check dependencies
        // here, or an outage elsewhere restarts every pod.
        sendJson(res, 200, { status: 'ok' });
        return;
      case '/readyz':
        sendJson(res, ready ? 200 : 503, {
          status: ready ? 'ready' : 'not ready',
        });
        return;
      case '/metrics': {
        const body = await registry.metrics();
        res.writeHead(200, { 'content-type': registry.contentType });
        res.end(body);
        return;
      }
      case '/api/hello': {
        const name = url.searchParams.get('name') ?? 'world';
        if (name.length > 100) {
          sendJson(res, 400, { error: 'name must be at most 100 characters' });
          return;
        }
        sendJson(res, 200, { message: `Hello, ${name}!` });
        return;
      }
      default:
        sendJson(res, 404, { error: `No route for ${path}` });
    }
  }

  const server = http.createServer((req, res) => {
    const start = process.hrtime.bigint();
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    const route = ROUTES.has(path) ? path : 'unmatched';

    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      const labels = {
        method: req.method ?? 'UNKNOWN',
        route,
        status_code: String(res.statusCode),
      };
      requests.inc(labels);
      duration.observe(labels, seconds);
      // Probes and scrapes would drown the log at info level.
      const quiet =
        route === '/healthz' || route === '/readyz' || route === '/metrics';
      logger[quiet ? 'debug' : 'info'](
        { ...labels, path, duration_ms: Math.round(seconds * 1000) },
        'request handled',
      );
    });

    handle(req, res, path, url).catch(error => {
      logger.error({ err: error, path }, 'request failed');
      if (!res.headersSent) {
        sendJson(res, 500, { error: 'Internal server error' });
      } else {
        res.destroy(error as Error);
      }
    });
  });

  return {
    server,
    registry,
    setReady(value: boolean) {
      ready = value;
    },
  };
}

import pino from 'pino';
import { createService } from './server';

// One JSON object per line on stdout; the cluster's log collector ships it
// as is. Synchronous writes keep the order and lose nothing on exit.
const logger = pino(
  {
    level: process.env.LOG_LEVEL ?? 'info',
    base: { service: '${{ values.name }}' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: label => ({ level: label }) },
  },
  pino.destination({ dest: 1, sync: true }),
);

const port = Number(process.env.PORT ?? 8080);
/** Kubernetes waits terminationGracePeriodSeconds (30 s) before SIGKILL. */
const SHUTDOWN_TIMEOUT_MS = 20_000;

const { server, setReady } = createService({ logger });

server.listen(port, () => {
  setReady(true);
  logger.info({ port }, 'listening');
});

let shuttingDown = false;
function shutdown(signal: NodeJS.Signals): void {
  if (shuttingDown) return;
  shuttingDown = true;
  logger.info({ signal }, 'shutting down');
  // Fail readiness first so the endpoints controller stops routing to us,
  // then finish in-flight requests.
  setReady(false);
  const timer = setTimeout(() => {
    logger.error('graceful shutdown timed out; exiting');
    process.exit(1);
  }, SHUTDOWN_TIMEOUT_MS);
  timer.unref();
  server.close(error => {
    if (error) {
      logger.error({ err: error }, 'error while closing the server');
      process.exit(1);
    }
    logger.info('stopped');
    process.exit(0);
  });
  server.closeIdleConnections();
}

process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);

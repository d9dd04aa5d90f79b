import {
  AuthService,
  HttpAuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  AuthenticationError,
  InputError,
  NotAllowedError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  DoraScope,
  doraEventsCreatePermission,
} from '@internal/plugin-dora-common';
import express from 'express';
import Router from 'express-promise-router';
import { DoraConfig } from './config';
import {
  githubToEvents,
  outsideAllowedOrganizations,
  verifyGithubSignature,
} from './github';
import { IngestionService } from './ingestion';
import { MetricsQuery, MetricsService } from './metrics';

export interface RouterOptions {
  logger: LoggerService;
  httpAuth: HttpAuthService;
  auth: AuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  config: DoraConfig;
  ingestion: IngestionService;
  metrics: MetricsService;
}

const SCOPES: DoraScope[] = ['org', 'team', 'service'];
/** As long as an environment name ingestion accepts. */
const MAX_ENVIRONMENT_LENGTH = 255;

export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { logger, httpAuth, auth, permissions, catalog, config } = options;
  const router = Router();

  // Only the ingestion API parses JSON; the webhook needs the raw bytes.
  router.post('/events', express.json({ limit: '5mb' }), async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['service', 'user'],
    });
    if (auth.isPrincipal(credentials, 'service')) {
      if (!config.allowedSubjects.includes(credentials.principal.subject)) {
        throw new NotAllowedError(
          `Service '${credentials.principal.subject}' may not send DORA events; add it to dora.ingestion.allowedSubjects`,
        );
      }
    } else {
      const [decision] = await permissions.authorize(
        [{ permission: doraEventsCreatePermission }],
        { credentials },
      );
      if (decision.result !== AuthorizeResult.ALLOW) {
        throw new NotAllowedError('Not allowed to send DORA events');
      }
    }
    const events = options.ingestion.parse(req.body);
    const result = await options.ingestion.ingest(events);
    if (result.replay) throw new Error('unexpected replay');
    const { replay: _, ...body } = result;
    res.status(body.created > 0 || body.updated > 0 ? 201 : 200).json(body);
  });

  const readQuery = (req: express.Request): MetricsQuery => {
    const scope = (req.query.scope ?? 'org') as DoraScope;
    if (!SCOPES.includes(scope)) {
      throw new InputError(`scope: must be one of ${SCOPES.join(', ')}`);
    }
    const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
    // An unknown name is no error: an environment without deployments
    // simply has zero figures (GET /environments lists those that exist).
    const { environment } = req.query;
    if (
      environment !== undefined &&
      (typeof environment !== 'string' ||
        environment.length === 0 ||
        environment.length > MAX_ENVIRONMENT_LENGTH)
    ) {
      throw new InputError(
        `environment: must be one environment name of 1 to ${MAX_ENVIRONMENT_LENGTH} characters`,
      );
    }
    return {
      scope,
      ref: str(req.query.ref),
      from: str(req.query.from),
      to: str(req.query.to),
      ...(environment === undefined ? {} : { environment }),
    };
  };

  router.get('/metrics', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    res.json(await options.metrics.metrics(readQuery(req)));
  });

  router.get('/environments', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    res.json(await options.metrics.environments(readQuery(req)));
  });

  router.get('/data-quality', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    res.json(await options.metrics.dataQuality(readQuery(req)));
  });

  // Drill-down: the rows behind the figures, newest first.
  for (const what of ['deployments', 'changes', 'incidents'] as const) {
    router.get(`/${what}`, async (req, res) => {
      await httpAuth.credentials(req, { allow: ['user', 'service'] });
      const limit =
        req.query.limit === undefined ? 100 : Number(req.query.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
        throw new InputError('limit: must be an integer from 1 to 1000');
      }
      res.json(await options.metrics.list(what, readQuery(req), limit));
    });
  }

  router.post(
    '/webhooks/github',
    // Any content type: the signature covers the raw bytes whatever they are.
    express.raw({ type: () => true, limit: '5mb' }),
    async (req, res) => {
      const secret = config.githubWebhookSecret;
      if (!secret) {
        throw new ServiceUnavailableError(
          'GitHub webhooks are not configured (dora.github.webhookSecret)',
        );
      }
      const raw: Buffer = Buffer.isBuffer(req.body)
        ? req.body
        : Buffer.alloc(0);
      const signature = req.get('x-hub-signature-256');
      if (!signature) {
        throw new AuthenticationError(
          'Missing X-Hub-Signature-256: give the webhook the secret of dora.github.webhookSecret',
        );
      }
      if (!verifyGithubSignature(secret, raw, signature)) {
        throw new AuthenticationError(
          'Invalid X-Hub-Signature-256: the body is not signed with dora.github.webhookSecret',
        );
      }
      if (!req.is('application/json')) {
        throw new InputError(
          `Content-Type must be application/json, got '${
            req.get('content-type') ?? 'none'
          }': set the webhook's content type to application/json in GitHub`,
        );
      }
      const deliveryId = req.get('x-github-delivery');
      const event = req.get('x-github-event');
      if (!deliveryId || !event) {
        throw new InputError(
          'X-GitHub-Delivery and X-GitHub-Event headers are required',
        );
      }
      let payload: any;
      try {
        payload = JSON.parse(raw.toString('utf8'));
      } catch {
        throw new InputError('Body is not valid JSON');
      }
      if (typeof payload !== 'object' || payload === null) {
        throw new InputError('Body must be a JSON object');
      }
      // Before anything else, pings included: a webhook added to a repository
      // outside the allowed organisations shows as failing at once.
      const repo = payload.repository?.full_name;
      const outside =
        typeof repo === 'string' &&
        outsideAllowedOrganizations(repo, config.github.allowedOrganizations);
      if (outside) {
        throw new NotAllowedError(
          `${outside}: its deliveries are not recorded; remove the webhook from that repository, or add its organisation to the list`,
        );
      }
      if (event === 'ping') {
        res.status(200).json({ status: 'pong' });
        return;
      }
      if (!['deployment_status', 'pull_request', 'push'].includes(event)) {
        res.status(202).json({ status: 'ignored', reason: `event ${event}` });
        return;
      }
      if (typeof repo !== 'string') {
        throw new InputError('repository.full_name is required');
      }
      const { items } = await catalog.getEntities(
        {
          filter: {
            kind: 'Component',
            'metadata.annotations.github.com/project-slug': repo,
          },
          fields: ['kind', 'metadata.name', 'metadata.namespace'],
        },
        { credentials: await auth.getOwnServiceCredentials() },
      );
      const services = items.map(
        e =>
          `component:${e.metadata.namespace ?? 'default'}/${e.metadata.name}`,
      );
      const events = githubToEvents(event, payload, services, new Date());
      if (events.length === 0) {
        res.status(202).json({
          status: 'ignored',
          reason: services.length
            ? 'nothing to record in this delivery'
            : `no catalog Component annotated github.com/project-slug: ${repo}`,
        });
        return;
      }
      const valid = options.ingestion.parse({ events });
      const result = await options.ingestion.ingest(valid, {
        delivery: { id: deliveryId, event },
      });
      if (result.replay) {
        logger.info(`Dropped replayed GitHub delivery ${deliveryId}`);
        res.status(200).json({ status: 'duplicate' });
        return;
      }
      res.status(202).json({
        status: 'stored',
        created: result.created,
        updated: result.updated,
        duplicates: result.duplicates,
      });
    },
  );

  return router;
}

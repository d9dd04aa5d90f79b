import {
  AuthService,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  DoraScope,
  doraEventsCreatePermission,
} from '@internal/plugin-dora-common';
import express from 'express';
import Router from 'express-promise-router';
import { DoraConfig } from './config';
import { GitHubWebhookService } from './GitHubWebhookService';
import { IngestionService } from './ingestion';
import { MetricsQuery, MetricsService } from './metrics';

export interface RouterOptions {
  httpAuth: HttpAuthService;
  auth: AuthService;
  permissions: PermissionsService;
  config: DoraConfig;
  ingestion: IngestionService;
  metrics: MetricsService;
  githubWebhooks: GitHubWebhookService;
}

const SCOPES: DoraScope[] = ['org', 'team', 'service'];
/** As long as an environment name ingestion accepts. */
const MAX_ENVIRONMENT_LENGTH = 255;

export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, auth, permissions, config } = options;
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
      const answer = await options.githubWebhooks.receive({
        rawBody: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
        signature: req.get('x-hub-signature-256'),
        contentType: req.get('content-type'),
        isJson: Boolean(req.is('application/json')),
        deliveryId: req.get('x-github-delivery'),
        event: req.get('x-github-event'),
      });
      res.status(answer.status).json(answer.body);
    },
  );

  return router;
}

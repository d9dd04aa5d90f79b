import {
  AuthService,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { openApiRouterOptions } from '@internal/paved-road-node';
import {
  DoraScope,
  doraEventsCreatePermission,
} from '@internal/plugin-dora-common';
import express from 'express';
import Router from 'express-promise-router';
import { createOpenApiRouter, spec } from '../schema/openapi.generated';
import { DoraConfig } from './config';
import { GitHubWebhookService } from './GitHubWebhookService';
import { IngestionService } from './ingestion';
import { DoraListRows, MetricsQuery, MetricsService } from './metrics';

export interface RouterOptions {
  httpAuth: HttpAuthService;
  auth: AuthService;
  permissions: PermissionsService;
  config: DoraConfig;
  ingestion: IngestionService;
  metrics: MetricsService;
  githubWebhooks: GitHubWebhookService;
}

/**
 * The ingestion API's body is checked by IngestionService.parse, not by the
 * OpenAPI validator: its 400 names the event and field, and the batch size
 * is configured. The validator sees the path relative to the router, or
 * `<mount path>//events` once mounted under /api/dora.
 */
const INGESTION_PATH = /\/events\/?$/i;

export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, auth, permissions, config } = options;
  const router = Router();

  // Bodies are parsed before the OpenAPI router, only for the two routes
  // that take one: JSON up to 5 MB for the ingestion API, the raw bytes
  // for the webhook. Inside it, a parser's error (a body over the limit, or
  // malformed JSON) would reach its validator's error handler, which makes
  // every error a 400 InputError; here it reaches the backend's as before.
  router.post('/events', express.json({ limit: '5mb' }));
  router.post(
    '/webhooks/github',
    // Any content type: the signature covers the raw bytes whatever they are.
    express.raw({ type: () => true, limit: '5mb' }),
  );

  // Routes, parameters and answers are those of src/schema/openapi.yaml;
  // its request validator runs as openApiRouterOptions says, and leaves the
  // ingestion body to its handler.
  const api = await createOpenApiRouter(
    openApiRouterOptions(spec, {
      ignorePaths: path => INGESTION_PATH.test(path),
    }),
  );
  router.use(api);

  api.post('/events', async (req, res) => {
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

  // scope, environment and limit are as the spec allows (the validator
  // refuses anything else with the spec's message); ref, from and to are
  // checked by the metrics service.
  const readQuery = (query: Record<string, unknown>): MetricsQuery => {
    const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
    // An unknown environment is no error: an environment without deployments
    // simply has zero figures (GET /environments lists those that exist).
    const environment = str(query.environment);
    return {
      scope: (query.scope ?? 'org') as DoraScope,
      ref: str(query.ref),
      from: str(query.from),
      to: str(query.to),
      ...(environment === undefined ? {} : { environment }),
    };
  };

  api.get('/metrics', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    res.json(await options.metrics.metrics(readQuery(req.query)));
  });

  api.get('/environments', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    res.json(await options.metrics.environments(readQuery(req.query)));
  });

  api.get('/data-quality', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    res.json(await options.metrics.dataQuality(readQuery(req.query)));
  });

  /** Drill-down: the rows behind the figures, newest first. */
  const rowsBehind = <W extends keyof DoraListRows>(
    what: W,
    query: Record<string, unknown>,
  ) => {
    const limit = Number(query.limit ?? 100);
    return options.metrics.list(what, readQuery(query), limit);
  };
  api.get('/deployments', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    res.json(await rowsBehind('deployments', req.query));
  });
  api.get('/changes', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    res.json(await rowsBehind('changes', req.query));
  });
  api.get('/incidents', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    res.json(await rowsBehind('incidents', req.query));
  });

  api.post('/webhooks/github', async (req, res) => {
    const answer = await options.githubWebhooks.receive({
      rawBody: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
      signature: req.get('x-hub-signature-256'),
      contentType: req.get('content-type'),
      isJson: Boolean(req.is('application/json')),
      deliveryId: req.get('x-github-delivery'),
      event: req.get('x-github-event'),
    });
    res.status(answer.status).json(answer.body);
  });

  return router;
}

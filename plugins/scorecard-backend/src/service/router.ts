import {
  AuditorService,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  CompoundEntityRef,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import { DAY_MS, entityRefKey } from '@internal/paved-road-common';
import {
  invalidEntityRefPart,
  openApiRouterOptions,
  parseInput,
} from '@internal/paved-road-node';
import {
  AuthorizeResult,
  CHECK_STATES,
  latestWaiverExpiry,
  MAX_WAIVER_DAYS,
  SCORE_FORMULA,
  scorecardCheckDryRunPermission,
  scorecardReadPermission,
  scorecardWaiverCreatePermission,
} from '@internal/plugin-scorecard-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { LoadedChecks } from '../checks/CheckLoader';
import { ChecksFileError, parseChecksFile } from '../checks/parseChecksFile';
import { ScorecardStore } from '../database/ScorecardStore';
import { Evaluator } from '../evaluation/Evaluator';
import { createOpenApiRouter, spec } from '../schema/openapi.generated';
import { renderBadge } from './badge';
import { entityScorecard } from './entityScorecard';
import { rollUpTeams } from './teams';

export interface RouterOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  auditor?: AuditorService;
  store: ScorecardStore;
  evaluator: Pick<
    Evaluator,
    'evaluateOne' | 'dryRun' | 'entityExists' | 'loadGroups'
  >;
  checks: {
    getChecks(): LoadedChecks;
    getLastError(): { message: string; at: Date } | undefined;
  };
  /** Stored facts older than this are served as no_data (stale). */
  staleAfterMs: number;
}

/**
 * The values of a list parameter (`owner`, `kind`, `level`), repeated
 * and/or comma-separated, lower-cased; empty ones dropped.
 */
function listValues(values: string[] | undefined): string[] | undefined {
  return values
    ?.flatMap(s => s.split(','))
    .map(s => s.trim().toLocaleLowerCase('en-US'))
    .filter(Boolean);
}

/** A `true`/`false` parameter, as the spec allows it. */
const flag = (value: 'true' | 'false' | undefined) =>
  value === undefined ? undefined : value === 'true';

const waiverBody = z
  .object({
    entityRef: z.string().min(1, 'is required'),
    checkId: z.string().min(1, 'is required'),
    reason: z.string().trim().min(3, 'must say why (at least 3 characters)'),
    expiresAt: z.iso.datetime({
      offset: true,
      message: 'must be an ISO 8601 timestamp, e.g. 2027-01-31T00:00:00Z',
    }),
  })
  .strict();

function encodeCursor(offset: number) {
  return Buffer.from(JSON.stringify({ o: offset })).toString('base64url');
}

function decodeCursor(cursor: string): number {
  try {
    const { o } = JSON.parse(Buffer.from(cursor, 'base64url').toString());
    if (Number.isInteger(o) && o >= 0) {
      return o;
    }
  } catch {
    // fall through
  }
  throw new InputError(
    'cursor is not valid; pass nextCursor from a previous page',
  );
}

/**
 * The lower-case ref of an entity. Parts no entity can have (quotes, spaces,
 * slashes, non-ASCII) are refused with the rule they break, rather than
 * looked up.
 */
function checkedRef(ref: CompoundEntityRef, what = 'entity'): string {
  const problem = invalidEntityRefPart(ref);
  if (problem) {
    const shown = stringifyEntityRef(ref);
    throw new InputError(
      `${what} '${shown}' is not an entity ref: its ${problem} must be letters, digits, "-", "_" and ".", at most 63 characters`,
    );
  }
  return entityRefKey(ref);
}

/** A request whatever its typed parameters, as httpAuth reads one. */
type AnyRequest = Parameters<HttpAuthService['credentials']>[0];

/** The entity of `/entities/:kind/:namespace/:name`. */
function refFromParams(req: {
  params: { kind: string; namespace: string; name: string };
}): string {
  const { kind, namespace, name } = req.params;
  return checkedRef({ kind, namespace, name });
}

function normalizeRef(ref: string): string {
  let parsed: CompoundEntityRef;
  try {
    parsed = parseEntityRef(ref);
  } catch (error) {
    throw new InputError(
      `entityRef '${ref}' is not an entity ref like component:default/my-service (${
        (error as Error).message
      })`,
    );
  }
  return checkedRef(parsed, 'entityRef');
}

/** Creates the scorecard API router (mounted at /api/scorecard). */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, permissions, auditor, store, evaluator, checks } = options;
  const router = Router();
  // Bodies are parsed before the OpenAPI router, as before: JSON up to 1 MB,
  // and YAML or other text for the dry run. Inside it, a parser's error (a
  // body over the limit, or malformed JSON) would reach its validator's
  // error handler, which makes every error a 400 InputError; here it
  // reaches the backend's as before.
  router.use(express.json({ limit: '1mb' }));
  router.use(
    '/checks/dry-run',
    express.text({
      type: ['text/*', 'application/yaml', 'application/x-yaml'],
      limit: '1mb',
    }),
  );

  // Routes, parameters and answers are those of src/schema/openapi.yaml;
  // its request validator runs as openApiRouterOptions says: the query
  // parameters are as the spec allows when a handler runs (a refused one is
  // a 400 `Invalid query: ...`). The waiver and dry-run bodies are declared
  // loosely (see the spec) and checked below.
  const api = await createOpenApiRouter(
    openApiRouterOptions(spec, { refusalPrefix: 'Invalid query' }),
  );
  router.use(api);

  /** The caller's credentials, if the policy allows them `permission`. */
  async function authorize(
    req: AnyRequest,
    permission: typeof scorecardReadPermission,
    refusal: string,
  ) {
    const credentials = await httpAuth.credentials(req);
    const [decision] = await permissions.authorize([{ permission }], {
      credentials,
    });
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(refusal);
    }
    return credentials;
  }

  const authorizeRead = (req: AnyRequest) =>
    authorize(
      req,
      scorecardReadPermission,
      'not allowed to read the scorecard',
    );

  const entityView = (entityRef: string) =>
    entityScorecard(
      { store, checks, staleAfterMs: options.staleAfterMs },
      entityRef,
    );

  api.get('/checks', async (req, res) => {
    await authorizeRead(req);
    const set = checks.getChecks();
    const error = checks.getLastError();
    res.json({
      source: set.source,
      loadedAt: set.loadedAt.toISOString(),
      checks: set.checks,
      levels: set.levels,
      states: [...CHECK_STATES],
      formula: SCORE_FORMULA,
      reloadError: error
        ? { message: error.message, at: error.at.toISOString() }
        : undefined,
    });
  });

  api.post('/checks/dry-run', async (req, res) => {
    // Reads the whole catalog and calls GitHub/TechDocs for every entity:
    // for check authors (the platform team in production), not every reader.
    await authorize(
      req,
      scorecardCheckDryRunPermission,
      `Not allowed to dry-run checks across the catalog (permission ${scorecardCheckDryRunPermission.name})`,
    );
    // Whatever was sent (the spec declares it loosely): checked here.
    const body = req.body as { yaml?: unknown } | string | undefined;
    let text: string;
    if (typeof body === 'string') {
      text = body;
    } else if (body && typeof body.yaml === 'string') {
      text = body.yaml;
    } else {
      throw new InputError(
        'Send the checks as YAML (Content-Type: application/yaml) or as JSON { "yaml": "..." }',
      );
    }
    let candidate;
    try {
      candidate = parseChecksFile(text, '<request body>');
    } catch (error) {
      if (error instanceof ChecksFileError) {
        throw new InputError(error.message);
      }
      throw error;
    }
    if (candidate.checks.length === 0) {
      throw new InputError('The request body has no checks to dry-run');
    }
    res.json(await evaluator.dryRun(candidate));
  });

  api.get('/entities', async (req, res) => {
    await authorizeRead(req);
    const q = req.query;
    const offset = q.cursor ? decodeCursor(q.cursor) : 0;
    const owner = listValues(q.owner)?.map(o => {
      try {
        return entityRefKey(o, {
          defaultKind: 'group',
          defaultNamespace: 'default',
        });
      } catch {
        throw new InputError(
          `owner '${o}' is not an entity ref like group:default/my-team`,
        );
      }
    });
    const { items, totalItems } = await store.listEntityScores({
      owner,
      kind: listValues(q.kind),
      level: listValues(q.level),
      check: q.check,
      criticalFailing: flag(q.criticalFailing) ?? flag(q.failingCritical),
      orderBy: q.orderBy ?? 'score',
      order: q.order ?? 'asc',
      limit: q.limit ?? 50,
      offset,
    });
    const next = offset + items.length;
    res.json({
      items,
      totalItems,
      nextCursor: next < totalItems ? encodeCursor(next) : undefined,
      formula: SCORE_FORMULA,
    });
  });

  api.get('/entities/:kind/:namespace/:name', async (req, res) => {
    await authorizeRead(req);
    res.json(await entityView(refFromParams(req)));
  });

  /** `?days=` (1-730, default 90) of history, as the day to start from. */
  const sinceFromQuery = (query: { days?: number }): Date =>
    new Date(Date.now() - (query.days ?? 90) * DAY_MS);

  api.get('/entities/:kind/:namespace/:name/history', async (req, res) => {
    await authorizeRead(req);
    const since = sinceFromQuery(req.query);
    const entityRef = refFromParams(req);
    if (!(await store.getEntityScore(entityRef))) {
      throw new NotFoundError(`No scorecard for ${entityRef}`);
    }
    res.json({ entityRef, ...(await store.getHistory(entityRef, { since })) });
  });

  api.get('/trend', async (req, res) => {
    await authorizeRead(req);
    const since = sinceFromQuery(req.query);
    res.json({ days: await store.getOrganisationTrend({ since }) });
  });

  api.get('/entities/:kind/:namespace/:name/badge.svg', async (req, res) => {
    await authorizeRead(req);
    const summary = await store.getEntityScore(refFromParams(req));
    res
      .type('image/svg+xml')
      .set('Cache-Control', 'max-age=300')
      .send(renderBadge(summary));
  });

  api.post('/entities/:kind/:namespace/:name/evaluate', async (req, res) => {
    await authorizeRead(req);
    const entityRef = refFromParams(req);
    const evaluation = await evaluator.evaluateOne(entityRef);
    if (!evaluation) {
      throw new NotFoundError(`Entity ${entityRef} is not in the catalog`);
    }
    res.json(await entityView(entityRef));
  });

  api.get('/teams', async (req, res) => {
    await authorizeRead(req);
    const hierarchy = flag(req.query.hierarchy) ?? true;
    const direct = await store.listOwnerTotals();
    const groups = hierarchy ? await evaluator.loadGroups() : [];
    res.json({ items: rollUpTeams(direct, groups), formula: SCORE_FORMULA });
  });

  api.post('/waivers', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const body = parseInput(waiverBody, req.body ?? {}, 'Invalid waiver');
    const entityRef = normalizeRef(body.entityRef);
    const check = checks.getChecks().checks.find(c => c.id === body.checkId);
    if (!check) {
      throw new InputError(
        `checkId '${body.checkId}' is not a known check; known: ${checks
          .getChecks()
          .checks.map(c => c.id)
          .join(', ')}`,
      );
    }
    const expiresAt = new Date(body.expiresAt);
    const now = new Date();
    if (expiresAt <= now) {
      throw new InputError('expiresAt must be in the future');
    }
    const latest = latestWaiverExpiry(now);
    if (expiresAt > latest) {
      throw new InputError(
        `expiresAt must be at most ${MAX_WAIVER_DAYS} days ahead (${latest.toISOString()} or earlier)`,
      );
    }
    const [decision] = await permissions.authorize(
      [{ permission: scorecardWaiverCreatePermission, resourceRef: entityRef }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `Not allowed to grant waivers for ${entityRef}`,
      );
    }
    if (!(await evaluator.entityExists(entityRef))) {
      throw new InputError(`Entity ${entityRef} is not in the catalog`);
    }
    const event = await auditor?.createEvent({
      eventId: 'waiver-create',
      severityLevel: 'medium',
      request: req,
      meta: {
        entityRef,
        checkId: check.id,
        reason: body.reason,
        expiresAt: expiresAt.toISOString(),
      },
    });
    try {
      const waiver = await store.createWaiver({
        entityRef,
        checkId: check.id,
        reason: body.reason,
        createdBy: credentials.principal.userEntityRef,
        expiresAt: expiresAt.toISOString(),
      });
      await event?.success({ meta: { waiverId: waiver.id } });
      // Re-evaluate so the exemption shows at once.
      await evaluator.evaluateOne(entityRef);
      res.status(201).json(waiver);
    } catch (error) {
      await event?.fail({ error: error as Error });
      throw error;
    }
  });

  return router;
}

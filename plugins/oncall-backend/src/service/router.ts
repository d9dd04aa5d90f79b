import {
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { NotAllowedError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { DAY_MS } from '@internal/paved-road-common';
import { parseInput } from '@internal/paved-road-node';
import {
  INCIDENT_STATUSES,
  onCallIncidentTriggerPermission,
} from '@internal/plugin-oncall-common';
import express, { Request } from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { OnCallService } from './OnCallService';

/** Incidents of the last week unless the caller asks for more. */
const DEFAULT_INCIDENT_DAYS = 7;
/** PagerDuty lists at most six months of incidents per request. */
const MAX_INCIDENT_DAYS = 180;

const incidentsQuery = z.object({
  days: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_INCIDENT_DAYS)
    .default(DEFAULT_INCIDENT_DAYS),
  status: z
    .union([z.string(), z.array(z.string())])
    .transform(v => (Array.isArray(v) ? v : v.split(',')))
    .pipe(z.array(z.enum(INCIDENT_STATUSES as [string, ...string[]])))
    .optional(),
});

const triggerBody = z
  .object({
    title: z.string().trim().min(1).max(255),
    details: z.string().max(10_000).optional(),
    urgency: z.enum(['high', 'low']).optional(),
  })
  .strict();

/**
 * The on-call API: the routes translate HTTP to OnCallService calls.
 *
 * - `GET /entities/:kind/:namespace/:name`: who is on call (OnCallAnswer).
 * - `GET /entities/:kind/:namespace/:name/incidents?days=7&status=triggered,acknowledged`
 * - `POST /entities/:kind/:namespace/:name/incidents` `{ title, details?, urgency? }`:
 *   pages the on-call; `oncall.incident.trigger` on the entity.
 */
export async function createRouter(options: {
  service: OnCallService;
  httpAuth: HttpAuthService;
  userInfo: UserInfoService;
  permissions: PermissionsService;
  catalog: CatalogService;
}): Promise<express.Router> {
  const { service, httpAuth, userInfo, permissions, catalog } = options;
  const router = Router();
  router.use(express.json({ limit: '64kb' }));

  /** The entity of the path, as the caller may see it. */
  const entityOf = async (req: Request, credentials?: BackstageCredentials) => {
    const { kind, namespace, name } = req.params;
    return service.entity(
      stringifyEntityRef({ kind, namespace, name }),
      credentials ?? (await httpAuth.credentials(req)),
    );
  };

  router.get('/entities/:kind/:namespace/:name', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    res.json(
      await service.onCall(await entityOf(req, credentials), credentials),
    );
  });

  router.get('/entities/:kind/:namespace/:name/incidents', async (req, res) => {
    const query = parseInput(incidentsQuery, req.query);
    res.json(
      await service.incidents(await entityOf(req), {
        since: new Date(Date.now() - query.days * DAY_MS),
        statuses: query.status as never,
      }),
    );
  });

  router.post(
    '/entities/:kind/:namespace/:name/incidents',
    async (req, res) => {
      const body = parseInput(triggerBody, req.body);
      const credentials = await httpAuth.credentials(req, { allow: ['user'] });
      const entity = await entityOf(req, credentials);
      const entityRef = stringifyEntityRef(entity);
      const [decision] = await permissions.authorize(
        [
          {
            permission: onCallIncidentTriggerPermission,
            resourceRef: entityRef,
          },
        ],
        { credentials },
      );
      const { userEntityRef } = await userInfo.getUserInfo(credentials);
      if (decision.result !== AuthorizeResult.ALLOW) {
        throw new NotAllowedError(
          `${userEntityRef} may not page the on-call of ${entityRef}: only its owners and the platform team can. Ask ${
            entity.spec?.owner ?? 'its owner'
          } or the platform team to page, or call the on-call shown on the card`,
        );
      }
      const user = await catalog.getEntityByRef(userEntityRef, {
        credentials,
      });
      const email = (user?.spec?.profile as { email?: string } | undefined)
        ?.email;
      res
        .status(201)
        .json(await service.trigger(entity, body, { userEntityRef, email }));
    },
  );

  return router;
}

import {
  AuthService,
  BackstageCredentials,
  BackstageUserInfo,
  HttpAuthService,
} from '@backstage/backend-plugin-api';
import {
  ANNOTATION_ORIGIN_LOCATION,
  Entity,
  parseEntityRef,
  stringifyEntityRef,
  stringifyLocationRef,
} from '@backstage/catalog-model';
import { InputError, NotAllowedError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import express from 'express';
import Router from 'express-promise-router';

export interface LocationOwnershipOptions {
  httpAuth: HttpAuthService;
  auth: AuthService;
  catalog: CatalogService;
  platformTeam: string;
  getUserInfo(credentials: BackstageCredentials): Promise<BackstageUserInfo>;
}

const lower = (ref: string) => ref.toLocaleLowerCase('en-US');

/**
 * Entities of `entities` the claims do not own, as `entity ref (owner)`.
 * Locations only point at other files, so they need no owner; an entity
 * without `spec.owner` (a Group, a User) is the platform team's to register.
 */
export function entitiesNotOwnedBy(
  entities: Entity[],
  claims: string[],
): string[] {
  return entities
    .filter(entity => entity.kind.toLocaleLowerCase('en-US') !== 'location')
    .flatMap(entity => {
      const ref = stringifyEntityRef(entity);
      const owner = entity.spec?.owner;
      if (typeof owner !== 'string' || !owner) {
        return [`${ref} (no owner)`];
      }
      const ownerRef = lower(
        stringifyEntityRef(
          parseEntityRef(owner, {
            defaultKind: 'group',
            defaultNamespace: entity.metadata.namespace ?? 'default',
          }),
        ),
      );
      return claims.includes(ownerRef) ? [] : [`${ref} (owner ${ownerRef})`];
    });
}

/** Refuses the request when any of the location's entities is not owned. */
function assertOwned(
  action: 'register' | 'unregister',
  entities: Entity[],
  claims: string[],
) {
  const notOwned = entitiesNotOwnedBy(entities, claims);
  if (notOwned.length > 0) {
    throw new NotAllowedError(
      `You may ${action} only entities your team owns (or ask the platform team); not yours: ${notOwned.join(
        ', ',
      )}`,
    );
  }
}

/**
 * Guards the catalog's `POST /locations` and `DELETE /locations/:id` for
 * users outside the platform team: every entity the location describes must
 * be owned by one of the user's groups (or the user). The permission
 * framework cannot decide this, as `catalog.location.create` and
 * `catalog.location.delete` carry no entity. Mounted by a catalog module, so
 * it runs before the catalog's own routes; services pass untouched.
 */
export function createLocationOwnershipRouter(
  options: LocationOwnershipOptions,
): express.Router {
  const { httpAuth, auth, catalog } = options;
  const router = Router();

  /** The user's lower-cased claims, or undefined when no check applies. */
  async function claimsToCheck(req: express.Request) {
    const credentials = await httpAuth.credentials(req);
    if (!auth.isPrincipal(credentials, 'user')) {
      return undefined;
    }
    const { ownershipEntityRefs } = await options.getUserInfo(credentials);
    const claims = ownershipEntityRefs.map(lower);
    return claims.includes(lower(options.platformTeam)) ? undefined : claims;
  }

  router.post('/locations', express.json(), async (req, _res, next) => {
    if (req.query.dryRun === 'true') {
      next();
      return;
    }
    const claims = await claimsToCheck(req);
    if (!claims) {
      next();
      return;
    }
    const { type, target } = req.body ?? {};
    if (typeof type !== 'string' || typeof target !== 'string') {
      throw new InputError('A location needs a type and a target');
    }
    // The portal's own credentials: the user may not see every entity.
    const { entities } = await catalog.addLocation(
      { type, target, dryRun: true },
      { credentials: await auth.getOwnServiceCredentials() },
    );
    assertOwned('register', entities, claims);
    next();
  });

  router.delete('/locations/:id', async (req, _res, next) => {
    const claims = await claimsToCheck(req);
    if (!claims) {
      next();
      return;
    }
    const credentials = await auth.getOwnServiceCredentials();
    const location = await catalog.getLocationById(req.params.id, {
      credentials,
    });
    if (location) {
      const { items } = await catalog.getEntities(
        {
          filter: {
            [`metadata.annotations.${ANNOTATION_ORIGIN_LOCATION}`]:
              stringifyLocationRef(location),
          },
        },
        { credentials },
      );
      assertOwned('unregister', items, claims);
    }
    next();
  });

  return router;
}

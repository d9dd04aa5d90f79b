import {
  AuthService,
  BackstageCredentials,
  BackstageUserInfo,
  HttpAuthService,
  UrlReaderService,
} from '@backstage/backend-plugin-api';
import {
  ANNOTATION_ORIGIN_LOCATION,
  Entity,
  entityEnvelopeSchemaValidator,
  stringifyEntityRef,
  stringifyLocationRef,
} from '@backstage/catalog-model';
import { InputError, NotAllowedError, ResponseError } from '@backstage/errors';
import {
  CatalogService,
  parseEntityYaml,
} from '@backstage/plugin-catalog-node';
import { entityRefKey } from '@internal/paved-road-common';
import express from 'express';
import Router from 'express-promise-router';
import { RuntimeLocationRules } from './runtimeLocations';

export interface LocationOwnershipOptions {
  httpAuth: HttpAuthService;
  auth: AuthService;
  catalog: CatalogService;
  /** Reads the location's files, as the catalog does, before it registers them. */
  reader: UrlReaderService;
  rules: RuntimeLocationRules;
  platformTeam: string;
  getUserInfo(credentials: BackstageCredentials): Promise<BackstageUserInfo>;
}

/**
 * A claim or the configured platform team as given, in lower case: not
 * {@link entityRefKey}, which would complete a short ref or throw on what is
 * not a ref, and so change what matches.
 */
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
      const ownerRef = entityRefKey(owner, {
        defaultKind: 'group',
        defaultNamespace: entity.metadata.namespace ?? 'default',
      });
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

const validateEnvelope = entityEnvelopeSchemaValidator();
const validEnvelope = (entity: Entity) => {
  try {
    validateEnvelope(entity);
    return true;
  } catch {
    return false;
  }
};

/**
 * Why the catalog may not register `location` for a team, from its target
 * and the entities in its files ({@link RuntimeLocationRules}). The target is
 * checked before anything is read; the files are read as the catalog reads
 * them (a target may be a glob).
 */
async function runtimeLocationRefusals(
  location: { type: string; target: string },
  { reader, rules }: LocationOwnershipOptions,
): Promise<string[]> {
  const refusal = rules.targetRefusal(location);
  if (refusal) {
    return [refusal];
  }
  const { files } = await reader.search(location.target);
  const refusals: string[] = [];
  for (const file of files) {
    for (const result of parseEntityYaml(await file.content(), {
      type: 'url',
      target: file.url,
    })) {
      // Parse errors and malformed entities are the dry run's to report.
      if (result.type === 'entity' && validEnvelope(result.entity)) {
        refusals.push(...rules.entityRefusals(result.entity, result.location));
      }
    }
  }
  return refusals;
}

/**
 * A dry run the catalog refused (a file deeper down that breaks the rules, a
 * parse error), with the catalog's reason instead of the client's "Request
 * failed with 400".
 */
function dryRunRefusal(error: unknown, location: string): unknown {
  if (error instanceof ResponseError && error.statusCode < 500) {
    return new InputError(
      `The catalog refused ${location}: ${error.cause.message}`,
    );
  }
  return error;
}

/**
 * Guards the catalog's `POST /locations` and `DELETE /locations/:id` for
 * users outside the platform team. A location to register must point by URL
 * at a host the portal reads and hold no Template, Group or User and no
 * location pointing elsewhere ({@link RuntimeLocationRules}: the module's
 * processor refuses the same on processing, this tells the user at once);
 * and every entity it describes must be owned by one of the user's groups
 * (or the user). The permission framework cannot decide this, as
 * `catalog.location.create` and `catalog.location.delete` carry no entity.
 * Mounted by a catalog module, so it runs before the catalog's own routes;
 * services pass untouched.
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
    const refusals = await runtimeLocationRefusals({ type, target }, options);
    if (refusals.length > 0) {
      throw new NotAllowedError(
        `You may not register ${type}:${target}: ${refusals.join('; ')}`,
      );
    }
    // The portal's own credentials: the user may not see every entity.
    const { entities } = await catalog
      .addLocation(
        { type, target, dryRun: true },
        { credentials: await auth.getOwnServiceCredentials() },
      )
      .catch(error => {
        throw dryRunRefusal(error, `${type}:${target}`);
      });
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

import {
  BackstageCredentials,
  BackstageUserInfo,
} from '@backstage/backend-plugin-api';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import {
  catalogEntityDeletePermission,
  catalogEntityReadPermission,
  catalogEntityRefreshPermission,
} from '@backstage/plugin-catalog-common/alpha';
import {
  AuthorizeResult,
  isPermission,
  isResourcePermission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { doraEventsCreatePermission } from '@internal/plugin-dora-common';
import { scorecardWaiverCreatePermission } from '@internal/plugin-scorecard-common';

export interface PavedRoadPolicyOptions {
  /** The platform team's group, e.g. `group:default/platform-team`. */
  platformTeam: string;
  /** Templates carrying this tag are visible to the platform team only. */
  platformTemplateTag: string;
  /** Who the user is and which groups they belong to (the sign-in's ownership refs). */
  getUserInfo(credentials: BackstageCredentials): Promise<BackstageUserInfo>;
}

/** Permissions that change an existing entity: its owners or the platform team. */
const ownerOnlyPermissions = [
  catalogEntityDeletePermission,
  catalogEntityRefreshPermission,
  scorecardWaiverCreatePermission,
];

/**
 * Permissions with no resource that only the platform team holds: a proxy
 * to the clusters with the portal's service account, and catalog ingestion
 * management.
 */
const PLATFORM_ONLY = new Set(['kubernetes.proxy', 'catalog.ingestion.manage']);

const ALLOW: PolicyDecision = { result: AuthorizeResult.ALLOW };
const DENY: PolicyDecision = { result: AuthorizeResult.DENY };

/**
 * Paved Road's production policy. Service principals never reach it (the
 * permission client allows service-to-service calls), so `user` is a signed-in
 * user or nobody.
 *
 * - Anyone signed in reads: catalog, TechDocs, scorecards, DORA figures;
 *   templates tagged with the platform tag only for the platform team.
 * - Deleting or refreshing an entity and waiving its scorecard checks: the
 *   entity's owners (any group the user belongs to, or the user) and the
 *   platform team. These are conditional decisions, evaluated by the catalog
 *   against the entity's `spec.owner`.
 * - DORA ingestion is for the service tokens in `dora.ingestion.allowedSubjects`;
 *   users never send events.
 * - Registering and unregistering locations is allowed here and checked
 *   against the entities' owners by this package's catalog module, because a
 *   location permission carries no entity the policy could inspect.
 */
export class PavedRoadPermissionPolicy implements PermissionPolicy {
  constructor(private readonly options: PavedRoadPolicyOptions) {}

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    if (!user) {
      return DENY;
    }
    const { ownershipEntityRefs } = await this.options.getUserInfo(
      user.credentials,
    );
    const claims = ownershipEntityRefs.map(ref =>
      ref.toLocaleLowerCase('en-US'),
    );
    const isPlatform = claims.includes(
      this.options.platformTeam.toLocaleLowerCase('en-US'),
    );
    const { permission } = request;

    if (isPermission(permission, doraEventsCreatePermission)) {
      return DENY;
    }
    if (isPlatform) {
      return ALLOW;
    }
    if (PLATFORM_ONLY.has(permission.name)) {
      return DENY;
    }
    if (
      isResourcePermission(permission, 'catalog-entity') &&
      ownerOnlyPermissions.some(p => isPermission(permission, p))
    ) {
      return createCatalogConditionalDecision(
        permission,
        catalogConditions.isEntityOwner({ claims }),
      );
    }
    if (isPermission(permission, catalogEntityReadPermission)) {
      return createCatalogConditionalDecision(permission, {
        not: {
          allOf: [
            catalogConditions.isEntityKind({ kinds: ['Template'] }),
            catalogConditions.hasMetadata({
              key: 'tags',
              value: this.options.platformTemplateTag,
            }),
          ],
        },
      });
    }
    return ALLOW;
  }
}

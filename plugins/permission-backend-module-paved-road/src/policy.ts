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
import {
  createScaffolderTaskConditionalDecision,
  scaffolderTaskConditions,
} from '@backstage/plugin-scaffolder-backend/alpha';
import {
  taskCancelPermission,
  taskReadPermission,
} from '@backstage/plugin-scaffolder-common/alpha';
import { doraEventsCreatePermission } from '@internal/plugin-dora-common';
import {
  createGoldenPathConditionalDecision,
  goldenPathConditions,
  goldenPathWritePermission,
} from '@internal/plugin-scaffolder-backend-module-platform';
import { onCallIncidentTriggerPermission } from '@internal/plugin-oncall-common';
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
  // Paging whoever is on call for it.
  onCallIncidentTriggerPermission,
];

/**
 * What any signed-in user may do outright. Everything else is decided below
 * or denied: a permission a new plugin brings is refused until it is named
 * here, so installing a plugin never widens what users may do.
 */
const SIGNED_IN = new Set([
  // Browsing: the catalog itself is read through the conditional below.
  'catalog.entity.validate',
  'catalog.location.read',
  'catalog.location.analyze',
  'catalog.entity.create',
  // Registering and unregistering locations: this package's catalog module
  // checks the owners of the entities (a location carries no entity the
  // policy could inspect).
  'catalog.location.create',
  'catalog.location.delete',
  'kubernetes.clusters.read',
  'kubernetes.resources.read',
  'scorecard.read',
  // Starting a template the user can see; each Paved Road action then asks
  // paved-road.golden-path.write for the owner team.
  'scaffolder.task.create',
  'scaffolder.action.execute',
  'scaffolder.template.parameter.read',
  'scaffolder.template.step.read',
]);

const ALLOW: PolicyDecision = { result: AuthorizeResult.ALLOW };
const DENY: PolicyDecision = { result: AuthorizeResult.DENY };

/**
 * Paved Road's production policy: deny by default. Service principals never
 * reach it (the permission client allows service-to-service calls), so
 * `user` is a signed-in user or nobody.
 *
 * - The platform team may do everything but send DORA events.
 * - Anyone signed in reads: catalog, TechDocs, scorecards, DORA figures;
 *   templates tagged with the platform tag only for the platform team.
 * - Deleting or refreshing an entity, waiving its scorecard checks and
 *   paging its on-call: the entity's owners (any group the user belongs
 *   to, or the user). Golden-path writes (ArgoCD, Vault, namespaces):
 *   members of the owner team or of a group below it. Reading and
 *   cancelling a scaffolder task: who started it. These are conditional
 *   decisions, evaluated by the plugin that holds the resource.
 * - Platform team only: dry runs of template bodies (they run the actions'
 *   reads with the portal's tokens), template management, adopting a
 *   namespace, the Kubernetes proxy, catalog ingestion, and any permission
 *   not named here.
 * - DORA ingestion is for the service tokens in `dora.ingestion.allowedSubjects`;
 *   users never send events.
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
    const { userEntityRef, ownershipEntityRefs } =
      await this.options.getUserInfo(user.credentials);
    // As given, in lower case: entityRefKey would complete a short claim or
    // platform team, or throw on one that is not a ref.
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
    if (SIGNED_IN.has(permission.name)) {
      return ALLOW;
    }
    if (isPermission(permission, goldenPathWritePermission)) {
      return createGoldenPathConditionalDecision(
        permission,
        goldenPathConditions.isOwnerTeamMember({ claims }),
      );
    }
    if (
      isPermission(permission, taskReadPermission) ||
      isPermission(permission, taskCancelPermission)
    ) {
      return createScaffolderTaskConditionalDecision(
        permission,
        scaffolderTaskConditions.isTaskOwner({ createdBy: [userEntityRef] }),
      );
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
    return DENY;
  }
}

import { createPermission } from '@backstage/plugin-permission-common';
import {
  createConditionExports,
  createPermissionResourceRef,
  createPermissionRule,
} from '@backstage/plugin-permission-node';
import { z } from 'zod';

/**
 * The team a golden-path write acts for, as the permission framework sees
 * it: the team's ref and the refs of every group below it (a member of
 * `payments-backend` under `payments-team` acts for payments-team too).
 */
export interface OwnerTeam {
  ref: string;
  groups: string[];
}

export const OWNER_TEAM_RESOURCE_TYPE = 'paved-road-owner-team';

/** As a query: owner teams whose groups include any of these refs. */
export interface OwnerTeamQuery {
  groupsAnyOf: string[];
}

export const ownerTeamResourceRef = createPermissionResourceRef<
  OwnerTeam,
  OwnerTeamQuery
>().with({ pluginId: 'scaffolder', resourceType: OWNER_TEAM_RESOURCE_TYPE });

/**
 * Writing to ArgoCD, Vault or a cluster in a team's name. The resource is
 * the owner team; the Paved Road policy allows the platform team and, on
 * condition, members of the team.
 */
export const goldenPathWritePermission = createPermission({
  name: 'paved-road.golden-path.write',
  attributes: { action: 'create' },
  resourceType: OWNER_TEAM_RESOURCE_TYPE,
});

/**
 * Taking over what someone else made: adopting a namespace Paved Road did
 * not create, or forcing fields another field manager owns.
 */
export const namespaceAdoptPermission = createPermission({
  name: 'paved-road.namespace.adopt',
  attributes: { action: 'update' },
});

export const goldenPathPermissions = [
  goldenPathWritePermission,
  namespaceAdoptPermission,
];

const isOwnerTeamMember = createPermissionRule({
  name: 'IS_OWNER_TEAM_MEMBER',
  description:
    'Allow when one of the claims (the user and their groups) is the owner team or a group below it',
  resourceRef: ownerTeamResourceRef,
  paramsSchema: z.object({
    claims: z
      .array(z.string())
      .describe('The user ref and the refs of the groups the user is in'),
  }),
  apply: (team, { claims }) => {
    // The claims as given, in lower case: entityRefKey would complete a short
    // claim or throw on one that is not a ref.
    const lowered = new Set(claims.map(ref => ref.toLocaleLowerCase('en-US')));
    return team.groups.some(ref => lowered.has(ref));
  },
  toQuery: ({ claims }) => ({ groupsAnyOf: claims }),
});

export const ownerTeamRules = { isOwnerTeamMember };

/** For the permission policy: `goldenPathConditions.isOwnerTeamMember({ claims })`. */
export const {
  conditions: goldenPathConditions,
  createConditionalDecision: createGoldenPathConditionalDecision,
} = createConditionExports({
  resourceRef: ownerTeamResourceRef,
  rules: ownerTeamRules,
});

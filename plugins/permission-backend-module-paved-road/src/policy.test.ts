import { mockCredentials } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { permissionRules } from '@backstage/plugin-catalog-backend/alpha';
import {
  catalogEntityDeletePermission,
  catalogEntityReadPermission,
  catalogEntityRefreshPermission,
  catalogLocationCreatePermission,
} from '@backstage/plugin-catalog-common/alpha';
import {
  AuthorizeResult,
  createPermission,
  Permission,
  PermissionCriteria,
  PermissionCondition,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  taskCancelPermission,
  taskCreatePermission,
  taskReadPermission,
  templateDryRunPermission,
  templateManagementPermission,
} from '@backstage/plugin-scaffolder-common/alpha';
import {
  goldenPathWritePermission,
  namespaceAdoptPermission,
  ownerTeamRules,
} from '@internal/plugin-scaffolder-backend-module-platform';
import { doraEventsCreatePermission } from '@internal/plugin-dora-common';
import { onCallIncidentTriggerPermission } from '@internal/plugin-oncall-common';
import {
  scorecardReadPermission,
  scorecardWaiverCreatePermission,
} from '@internal/plugin-scorecard-common';
import { PavedRoadPermissionPolicy } from './policy';

const groups: Record<string, string[]> = {
  'user:default/lena-vogel': ['group:default/fulfilment-team'],
  'user:default/chen-wei': ['group:default/payments-team'],
  'user:default/priya-shah': ['group:default/platform-team'],
};

const policy = new PavedRoadPermissionPolicy({
  platformTeam: 'group:default/platform-team',
  platformTemplateTag: 'platform-team',
  getUserInfo: async credentials => {
    const userEntityRef = (credentials.principal as { userEntityRef: string })
      .userEntityRef;
    return {
      userEntityRef,
      ownershipEntityRefs: [userEntityRef, ...(groups[userEntityRef] ?? [])],
    };
  },
});

function decide(permission: Permission, user?: string) {
  return policy.handle(
    { permission },
    user
      ? {
          credentials: mockCredentials.user(user),
          info: { userEntityRef: user, ownershipEntityRefs: [] },
        }
      : undefined,
  );
}

const rulesByName = new Map<string, any>(
  Object.values(permissionRules).map(rule => [rule.name, rule]),
);

/** Applies a decision to an entity with the catalog's own rule implementations. */
function allows(decision: PolicyDecision, entity: Entity): boolean {
  if (decision.result !== AuthorizeResult.CONDITIONAL) {
    return decision.result === AuthorizeResult.ALLOW;
  }
  expect(decision.pluginId).toBe('catalog');
  const apply = (
    criteria: PermissionCriteria<PermissionCondition<string>>,
  ): boolean => {
    if ('allOf' in criteria) return criteria.allOf.every(apply);
    if ('anyOf' in criteria) return criteria.anyOf.some(apply);
    if ('not' in criteria) return !apply(criteria.not);
    return rulesByName.get(criteria.rule).apply(entity, criteria.params);
  };
  return apply(decision.conditions);
}

function catalogEntity(
  kind: string,
  name: string,
  owner: string,
  tags: string[] = [],
) {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind,
    metadata: { name, namespace: 'default', tags },
    spec: { owner },
    relations: [
      { type: 'ownedBy', targetRef: `group:default/${owner.split('/').pop()}` },
    ],
  } as Entity;
}

const ordersService = catalogEntity(
  'Component',
  'orders-service',
  'group:default/fulfilment-team',
);
const teamNamespace = catalogEntity(
  'Template',
  'team-namespace',
  'group:default/platform-team',
  ['kubernetes', 'platform-team'],
);
const nodejsService = catalogEntity(
  'Template',
  'nodejs-service',
  'group:default/platform-team',
  ['nodejs'],
);

describe('PavedRoadPermissionPolicy', () => {
  it('refuses everything to a caller who is not signed in', async () => {
    expect(await decide(catalogEntityReadPermission)).toEqual({
      result: AuthorizeResult.DENY,
    });
    expect((await decide(scorecardReadPermission)).result).toBe(
      AuthorizeResult.DENY,
    );
  });

  it('lets any signed-in user read entities, but platform templates only to the platform team', async () => {
    const payments = await decide(
      catalogEntityReadPermission,
      'user:default/chen-wei',
    );
    expect(allows(payments, ordersService)).toBe(true);
    expect(allows(payments, nodejsService)).toBe(true);
    expect(allows(payments, teamNamespace)).toBe(false);

    const platform = await decide(
      catalogEntityReadPermission,
      'user:default/priya-shah',
    );
    expect(allows(platform, teamNamespace)).toBe(true);
  });

  it('lets any signed-in user read scorecards and start templates they can see', async () => {
    for (const permission of [scorecardReadPermission, taskCreatePermission]) {
      expect((await decide(permission, 'user:default/chen-wei')).result).toBe(
        AuthorizeResult.ALLOW,
      );
    }
  });

  it.each([
    ['unregister (delete)', catalogEntityDeletePermission],
    ['refresh', catalogEntityRefreshPermission],
    ['waive a scorecard check on', scorecardWaiverCreatePermission],
    ['page the on-call of', onCallIncidentTriggerPermission],
  ])(
    'lets only owners and the platform team %s an entity',
    async (_, permission) => {
      const owner = await decide(permission, 'user:default/lena-vogel');
      const otherTeam = await decide(permission, 'user:default/chen-wei');
      const platform = await decide(permission, 'user:default/priya-shah');
      expect(allows(owner, ordersService)).toBe(true);
      expect(allows(otherTeam, ordersService)).toBe(false);
      expect(allows(platform, ordersService)).toBe(true);
    },
  );

  it('never lets a user send DORA events, not even the platform team', async () => {
    for (const user of ['user:default/lena-vogel', 'user:default/priya-shah']) {
      expect((await decide(doraEventsCreatePermission, user)).result).toBe(
        AuthorizeResult.DENY,
      );
    }
  });

  it('keeps the Kubernetes proxy for the platform team', async () => {
    const proxy = createPermission({
      name: 'kubernetes.proxy',
      attributes: {},
    });
    expect((await decide(proxy, 'user:default/chen-wei')).result).toBe(
      AuthorizeResult.DENY,
    );
    expect((await decide(proxy, 'user:default/priya-shah')).result).toBe(
      AuthorizeResult.ALLOW,
    );
  });

  it('leaves location registration to the catalog module (it checks the owners)', async () => {
    expect(
      (await decide(catalogLocationCreatePermission, 'user:default/chen-wei'))
        .result,
    ).toBe(AuthorizeResult.ALLOW);
  });

  it('lets members of the owner team, or of a team under it, and the platform team write in its name', async () => {
    const fulfilment = {
      ref: 'group:default/fulfilment-team',
      groups: ['group:default/fulfilment-team', 'group:default/fulfilment-ops'],
    };
    const appliesTo = (decision: PolicyDecision) => {
      if (decision.result !== AuthorizeResult.CONDITIONAL) {
        return decision.result === AuthorizeResult.ALLOW;
      }
      expect(decision).toMatchObject({
        pluginId: 'scaffolder',
        resourceType: 'paved-road-owner-team',
      });
      const condition = decision.conditions as PermissionCondition<string>;
      return ownerTeamRules.isOwnerTeamMember.apply(
        fulfilment,
        condition.params as { claims: string[] },
      );
    };
    const decideFor = (user: string) =>
      decide(goldenPathWritePermission, user).then(appliesTo);
    expect(await decideFor('user:default/lena-vogel')).toBe(true);
    expect(await decideFor('user:default/chen-wei')).toBe(false);
    expect(await decideFor('user:default/priya-shah')).toBe(true);
  });

  it('lets only the task creator and the platform team read or cancel a task', async () => {
    for (const permission of [taskReadPermission, taskCancelPermission]) {
      expect(await decide(permission, 'user:default/chen-wei')).toEqual({
        result: AuthorizeResult.CONDITIONAL,
        pluginId: 'scaffolder',
        resourceType: 'scaffolder-task',
        conditions: {
          rule: 'IS_TASK_OWNER',
          resourceType: 'scaffolder-task',
          params: { createdBy: ['user:default/chen-wei'] },
        },
      });
      expect((await decide(permission, 'user:default/priya-shah')).result).toBe(
        AuthorizeResult.ALLOW,
      );
    }
  });

  it.each([
    ['dry-run a template body', templateDryRunPermission],
    ['manage templates', templateManagementPermission],
    ['adopt a namespace', namespaceAdoptPermission],
    [
      'use a permission no rule names',
      createPermission({ name: 'newplugin.thing.delete', attributes: {} }),
    ],
  ])('keeps for the platform team: %s', async (_, permission) => {
    expect((await decide(permission, 'user:default/chen-wei')).result).toBe(
      AuthorizeResult.DENY,
    );
    expect((await decide(permission, 'user:default/priya-shah')).result).toBe(
      AuthorizeResult.ALLOW,
    );
  });
});

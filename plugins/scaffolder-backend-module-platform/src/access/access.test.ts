import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { GoldenPathAccess } from './GoldenPathAccess';
import { createOwnerTeamLoader } from './ownerTeams';
import {
  goldenPathConditions,
  goldenPathWritePermission,
  namespaceAdoptPermission,
  ownerTeamRules,
} from './permissions';

const group = (
  name: string,
  spec: { parent?: string; children?: string[] } = {},
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name, namespace: 'default' },
  spec: { type: 'team', children: [], ...spec },
});

const initiator = (userRef = 'user:default/chen-wei') => ({
  user: { ref: userRef },
  getInitiatorCredentials: async () => mockCredentials.user(userRef),
});

describe('GoldenPathAccess', () => {
  function accessAnswering(
    result: AuthorizeResult.ALLOW | AuthorizeResult.DENY,
  ) {
    const permissions = mockServices.permissions.mock({
      authorize: jest.fn(async requests => requests.map(() => ({ result }))),
    });
    return {
      permissions,
      access: GoldenPathAccess.fromConfig(new ConfigReader({}), permissions),
    };
  }

  it('asks about the owner team, with the credentials of who started the task', async () => {
    const { access, permissions } = accessAnswering(AuthorizeResult.ALLOW);
    await access.assertMayActFor(initiator(), 'fulfilment-team', 'provision');
    expect(permissions.authorize).toHaveBeenCalledWith(
      [
        {
          permission: goldenPathWritePermission,
          resourceRef: 'group:default/fulfilment-team',
        },
      ],
      { credentials: mockCredentials.user('user:default/chen-wei') },
    );
  });

  it('asks about the platform team when the input names no owner', async () => {
    const { access, permissions } = accessAnswering(AuthorizeResult.ALLOW);
    await access.assertMayActFor(initiator(), undefined, 'write');
    expect(permissions.authorize.mock.calls[0][0][0].resourceRef).toBe(
      'group:default/platform-team',
    );
  });

  it('refuses with who asked, for which team, and who may run it instead', async () => {
    const { access } = accessAnswering(AuthorizeResult.DENY);
    await expect(
      access.assertMayActFor(
        initiator(),
        'group:default/fulfilment-team',
        'provision namespace "orders-service"',
      ),
    ).rejects.toMatchObject({
      name: 'NotAllowedError',
      message:
        'User "chen-wei" may not provision namespace "orders-service" for team "fulfilment-team": only members of fulfilment-team (or of a team under it) and of platform-team may. Ask a member of fulfilment-team or the platform-team to run it.',
    });
  });

  it('refuses adopting a namespace unless the policy allows it', async () => {
    const denied = accessAnswering(AuthorizeResult.DENY);
    await expect(
      denied.access.assertMayAdopt(initiator(), 'payments-api'),
    ).rejects.toThrow(
      'User "chen-wei" may not set overwrite: true on namespace "payments-api"',
    );
    expect(denied.permissions.authorize.mock.calls[0][0]).toEqual([
      { permission: namespaceAdoptPermission },
    ]);
    const allowed = accessAnswering(AuthorizeResult.ALLOW);
    await expect(
      allowed.access.assertMayAdopt(initiator(), 'payments-api'),
    ).resolves.toBeUndefined();
  });
});

describe('owner teams as the permission framework loads them', () => {
  const load = createOwnerTeamLoader({
    catalog: catalogServiceMock({
      entities: [
        group('payments-team', { children: ['payments-backend'] }),
        group('payments-backend'),
        group('payments-ledger', { parent: 'payments-backend' }),
        group('fulfilment-team'),
      ],
    }),
    auth: mockServices.auth(),
  });

  it('holds each team with every group below it, from spec.children and spec.parent', async () => {
    const [payments, fulfilment] = await load([
      'group:default/payments-team',
      'group:default/fulfilment-team',
    ]);
    expect(payments?.groups.sort()).toEqual([
      'group:default/payments-backend',
      'group:default/payments-ledger',
      'group:default/payments-team',
    ]);
    expect(fulfilment?.groups).toEqual(['group:default/fulfilment-team']);
  });

  it('loads a team the catalog does not hold as undefined, which the framework denies', async () => {
    expect(await load(['group:default/kube-system'])).toEqual([undefined]);
  });
});

describe('IS_OWNER_TEAM_MEMBER', () => {
  const rule = ownerTeamRules.isOwnerTeamMember;
  const payments = {
    ref: 'group:default/payments-team',
    groups: ['group:default/payments-team', 'group:default/payments-backend'],
  };

  it.each([
    [['user:default/chen-wei', 'group:default/payments-team'], true],
    [['user:default/ana', 'group:default/Payments-Backend'], true],
    [['user:default/lena-vogel', 'group:default/fulfilment-team'], false],
    [[], false],
  ])('claims %j → %s', (claims, allowed) => {
    expect(rule.apply(payments, { claims })).toBe(allowed);
  });

  it('builds the condition the policy returns', () => {
    expect(
      goldenPathConditions.isOwnerTeamMember({
        claims: ['group:default/payments-team'],
      }),
    ).toEqual({
      rule: 'IS_OWNER_TEAM_MEMBER',
      resourceType: 'paved-road-owner-team',
      params: { claims: ['group:default/payments-team'] },
    });
  });
});

import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { scaffolderModuleLocalRepositories } from './actionsModule';

/** The ids of the actions the module registers with this config. */
async function registeredActions(config: object): Promise<string[]> {
  const addActions = jest.fn();
  const backend = await startTestBackend({
    extensionPoints: [[scaffolderActionsExtensionPoint, { addActions }]],
    features: [
      scaffolderModuleLocalRepositories,
      mockServices.rootConfig.factory({ data: config }),
      catalogServiceMock.factory(),
    ],
  });
  await backend.stop();
  return addActions.mock.calls.flat().map(action => action.id);
}

const embeddedDefault = {
  pavedRoad: {
    repositories: { type: 'local', directory: '/tmp/paved-road-repositories' },
    standIns: { token: 'paved-road-dev-token' },
  },
};

describe('scaffolderModuleLocalRepositories', () => {
  const nodeEnv = process.env.NODE_ENV;
  afterEach(() => {
    process.env.NODE_ENV = nodeEnv;
  });

  it('registers git:repository:publish and catalog:location:register with the stand-ins on', async () => {
    expect(await registeredActions(embeddedDefault)).toEqual([
      'git:repository:publish',
      'catalog:location:register',
    ]);
  });

  it.each([
    ['without stand-ins', {}],
    [
      'with the stand-ins turned off (production)',
      {
        pavedRoad: {
          repositories: { type: 'github' },
          standIns: { enabled: false },
        },
      },
    ],
  ])('registers nothing %s', async (_, config) => {
    expect(await registeredActions(config)).toEqual([]);
  });

  it('refuses to start with the stand-ins configured and NODE_ENV=production', async () => {
    process.env.NODE_ENV = 'production';
    await expect(registeredActions(embeddedDefault)).rejects.toThrow(
      'pavedRoad.standIns is configured but NODE_ENV is "production"',
    );
  });
});

import { createBackendPlugin } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { onCallModuleExamplePagerDuty } from './onCallModule';

jest.setTimeout(30_000);

/** Only what the module needs of the on-call backend: its plugin id. */
const onCallPlugin = createBackendPlugin({
  pluginId: 'oncall',
  register(env) {
    env.registerInit({ deps: {}, async init() {} });
  },
});

const entities: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name: 'marco-rossi', namespace: 'default' },
    spec: { profile: { email: 'marco-rossi@acme-freight.example' } },
    relations: [{ type: 'memberOf', targetRef: 'group:default/fulfilment' }],
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'orders-service',
      namespace: 'default',
      annotations: { 'pagerduty.com/service-id': 'PORDERS' },
    },
    spec: { type: 'service', owner: 'fulfilment', lifecycle: 'production' },
  },
];

async function eventually(check: () => void) {
  for (const deadline = Date.now() + 10_000; ; ) {
    try {
      check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise(r => setTimeout(r, 100));
    }
  }
}

/** A backend with the module, the catalog above and `config`. */
async function start(config: object) {
  const logger = mockServices.logger.mock();
  const backend = await startTestBackend({
    features: [
      onCallPlugin,
      onCallModuleExamplePagerDuty,
      logger.factory,
      mockServices.rootConfig.factory({ data: config }),
      catalogServiceMock.factory({ entities }),
    ],
  });
  return { backend, logger };
}

describe('onCallModuleExamplePagerDuty', () => {
  it('gives the components that name a PagerDuty service their rotation there, and stops cleanly', async () => {
    const { backend, logger } = await start({
      pavedRoad: { standIns: { pagerDuty: { port: 0 } } },
      oncall: { pagerduty: { token: 'stand-in-token' } },
    });

    await eventually(() =>
      expect(logger.info).toHaveBeenCalledWith(
        'PagerDuty stand-in: rotations for PORDERS',
      ),
    );
    const url = (logger.warn.mock.calls[0][0] as string).replace(/^.*: /, '');
    const res = await fetch(`${url}/services/PORDERS`, {
      headers: { Authorization: 'Token token=stand-in-token' },
    });
    expect(res.status).toBe(200);

    await backend.stop();
    expect(logger.error).not.toHaveBeenCalled();
  });

  it('does nothing without the stand-ins configured', async () => {
    const { backend, logger } = await start({});
    await backend.stop();
    expect(logger.warn).not.toHaveBeenCalled();
  });
});

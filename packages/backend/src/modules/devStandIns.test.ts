import {
  createBackendModule,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import {
  createDevStandInsLoader,
  DEV_STAND_INS_PACKAGE,
  importDevStandIns,
  standInsSettings,
} from './devStandIns';

/** The scaffolder plugin the stand-ins' module attaches to. */
const scaffolder = createBackendPlugin({
  pluginId: 'scaffolder',
  register(reg) {
    reg.registerInit({ deps: {}, init: async () => {} });
  },
});

// Stands in for the stand-ins package: records that it was imported and
// that its feature started, without starting any double.
const imported = jest.fn();
const started = jest.fn();
const standInsModule = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'dev-stand-ins',
  register(reg) {
    reg.registerInit({ deps: {}, init: async () => started() });
  },
});
const loader = createDevStandInsLoader(async () => {
  imported();
  return { default: standInsModule };
});

async function start(config: object) {
  const backend = await startTestBackend({
    features: [
      loader,
      scaffolder,
      mockServices.rootConfig.factory({ data: config }),
    ],
  });
  await backend.stop();
}

const embeddedDefault = { pavedRoad: { standIns: { token: 'dev-token' } } };

describe('devStandInsLoader', () => {
  const nodeEnv = process.env.NODE_ENV;
  afterEach(() => {
    process.env.NODE_ENV = nodeEnv;
    imported.mockClear();
    started.mockClear();
  });

  it('imports and starts the stand-ins on the embedded default', async () => {
    await start(embeddedDefault);
    expect(imported).toHaveBeenCalledTimes(1);
    expect(started).toHaveBeenCalledTimes(1);
  });

  it.each([
    ['without pavedRoad.standIns', {}],
    [
      'with pavedRoad.standIns.enabled: false (production)',
      { pavedRoad: { standIns: { enabled: false } } },
    ],
  ])('imports nothing %s', async (_, config) => {
    await start(config);
    expect(imported).not.toHaveBeenCalled();
    expect(started).not.toHaveBeenCalled();
  });

  it('refuses to start the embedded default under NODE_ENV=production, before importing anything', async () => {
    process.env.NODE_ENV = 'production';
    await expect(start(embeddedDefault)).rejects.toThrow(
      'pavedRoad.standIns is configured but NODE_ENV is "production"',
    );
    expect(imported).not.toHaveBeenCalled();
  });
});

describe('importDevStandIns', () => {
  const notFound = (code: string, message: string) =>
    Promise.reject(Object.assign(new Error(message), { code }));

  it.each([
    [
      'ERR_MODULE_NOT_FOUND',
      `Cannot find package '${DEV_STAND_INS_PACKAGE}' imported from /app/packages/backend/dist/index.cjs.js`,
    ],
    ['MODULE_NOT_FOUND', `Cannot find module '${DEV_STAND_INS_PACKAGE}'`],
  ])(
    'says what to do where the package is not installed (%s)',
    async (code, message) => {
      await expect(
        importDevStandIns(() => notFound(code, message), {}),
      ).rejects.toThrow(
        `pavedRoad.standIns is configured but ${DEV_STAND_INS_PACKAGE} is not installed: it is a dev-only package`,
      );
    },
  );

  it('passes on any other failure as it is', async () => {
    await expect(
      importDevStandIns(
        () => notFound('MODULE_NOT_FOUND', "Cannot find module 'yaml'"),
        {},
      ),
    ).rejects.toThrow("Cannot find module 'yaml'");
  });
});

describe('standInsSettings', () => {
  it.each([
    [{}, false],
    [{ pavedRoad: {} }, false],
    [{ pavedRoad: { standIns: { enabled: false } } }, false],
    [{ pavedRoad: { standIns: { enabled: true } } }, true],
    [{ pavedRoad: { standIns: { token: 't' } } }, true],
  ])('decides %j as the stand-ins package does', (data, on) => {
    const config = new ConfigReader(data);
    const standIns = jest.requireActual(DEV_STAND_INS_PACKAGE);
    expect(standInsSettings(config) !== undefined).toBe(on);
    expect(standIns.standInsSettings(config) !== undefined).toBe(on);
  });

  it('is the real package, a backend feature, in the checkout', () => {
    expect(jest.requireActual(DEV_STAND_INS_PACKAGE).default).toMatchObject({
      $$type: '@backstage/BackendFeature',
    });
  });
});

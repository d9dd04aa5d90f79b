import {
  BackendFeature,
  coreServices,
  createBackendFeatureLoader,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';

/**
 * The embedded default's dev-only package: stand-ins for ArgoCD, Vault,
 * Kubernetes, GitHub and git (the API doubles of the tests), the
 * `git:repository:publish` and `catalog:location:register` actions of local
 * repositories, `file` locations in the catalog, example DORA and scorecard
 * history. A devDependency of this backend: installed in a checkout (where
 * `.ci/start` and `yarn start` run it), absent from the production bundle
 * and image.
 */
export const DEV_STAND_INS_PACKAGE =
  '@internal/plugin-scaffolder-backend-module-dev-stand-ins';

/**
 * The `pavedRoad.standIns` settings when they are configured and not
 * `enabled: false` (which app-config.production.yaml sets), whatever
 * NODE_ENV says: what makes this the embedded default. The stand-ins package
 * decides the same way (its `standInsSettings`); this copy lets the backend
 * decide without importing a dev-only package.
 */
export function standInsSettings(config: Config): Config | undefined {
  const settings = config.getOptionalConfig('pavedRoad.standIns');
  return settings?.getOptionalBoolean('enabled') === false
    ? undefined
    : settings;
}

type DevStandIns = { default: BackendFeature };

/** How the package is imported; tests pass their own. */
export type ImportDevStandIns = () => Promise<DevStandIns>;

const importPackage: ImportDevStandIns = () =>
  // A devDependency on purpose: imported only on the embedded default, so
  // the production bundle neither contains nor installs it.
  // eslint-disable-next-line @backstage/no-undeclared-imports
  import('@internal/plugin-scaffolder-backend-module-dev-stand-ins');

const isModuleNotFound = (error: unknown) =>
  ['MODULE_NOT_FOUND', 'ERR_MODULE_NOT_FOUND'].includes(
    (error as { code?: string })?.code ?? '',
  ) && String((error as Error)?.message).includes(DEV_STAND_INS_PACKAGE);

/**
 * Imports the dev-only package, or says why it cannot: under NODE_ENV
 * production it is never loaded, and where it is not installed (the
 * production image) the error says what to do instead.
 */
export async function importDevStandIns(
  load: ImportDevStandIns = importPackage,
  env: NodeJS.ProcessEnv = process.env,
): Promise<DevStandIns> {
  if (env.NODE_ENV === 'production') {
    throw new Error(
      'pavedRoad.standIns is configured but NODE_ENV is "production": the stand-ins simulate ArgoCD, Vault, Kubernetes, git and DORA history and must never run in production. Layer app-config.production.yaml (it sets pavedRoad.standIns.enabled: false), or run the embedded default with NODE_ENV=development.',
    );
  }
  try {
    return await load();
  } catch (error) {
    if (isModuleNotFound(error)) {
      throw new Error(
        `pavedRoad.standIns is configured but ${DEV_STAND_INS_PACKAGE} is not installed: it is a dev-only package (a devDependency of the backend), left out of the production bundle and image. Run the embedded default from a checkout (.ci/start or yarn start), or layer app-config.production.yaml, which sets pavedRoad.standIns.enabled: false.`,
        { cause: error },
      );
    }
    throw error;
  }
}

/**
 * Embedded default only: loads the dev-only stand-ins package when
 * `pavedRoad.standIns` is configured and not `enabled: false`; otherwise
 * (production) it imports nothing, so the package need not be installed.
 */
export function createDevStandInsLoader(
  load: ImportDevStandIns = importPackage,
): BackendFeature {
  return createBackendFeatureLoader({
    deps: { config: coreServices.rootConfig },
    async *loader({ config }) {
      if (!standInsSettings(config)) {
        return;
      }
      // The module as imported: the backend unwraps its default export
      // (twice nested when a CommonJS build is imported natively).
      yield await importDevStandIns(load);
    },
  });
}

export const devStandInsLoader = createDevStandInsLoader();

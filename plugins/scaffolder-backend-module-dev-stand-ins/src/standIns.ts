import { Config } from '@backstage/config';

/**
 * The `pavedRoad.standIns` settings when they are configured and not
 * `enabled: false` (which app-config.production.yaml sets), whatever
 * NODE_ENV says; what decides whether the embedded default's dev-only
 * helpers apply.
 */
export function standInsSettings(config: Config): Config | undefined {
  const settings = config.getOptionalConfig('pavedRoad.standIns');
  return settings?.getOptionalBoolean('enabled') === false
    ? undefined
    : settings;
}

/**
 * The `pavedRoad.standIns` settings when the stand-ins should run (see
 * {@link standInsSettings}). Throws under NODE_ENV=production: a production
 * portal that simulated ArgoCD, Vault, its clusters or its delivery history
 * would report work as done that changed nothing real, so refusing to boot
 * beats quietly running.
 */
export function readStandInsConfig(config: Config): Config | undefined {
  const settings = standInsSettings(config);
  if (!settings) {
    return undefined;
  }
  if (process.env.NODE_ENV === 'production') {
    throw new Error(
      'pavedRoad.standIns is configured but NODE_ENV is "production": the stand-ins simulate ArgoCD, Vault, Kubernetes, git and DORA history and must never run in production. Layer app-config.production.yaml (it sets pavedRoad.standIns.enabled: false), or run the embedded default with NODE_ENV=development.',
    );
  }
  return settings;
}

import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  ArgoCdDouble,
  GitHubDouble,
  KubernetesDouble,
  VaultDouble,
  seedWorkload,
} from '@internal/platform-api-doubles';
import { syncApplications } from './argoCdSync';
import { startGitServer } from './gitServer';
import { readStandInsConfig } from './standIns';

/**
 * Starts the embedded default's stand-ins for ArgoCD, Vault and Kubernetes
 * (the API doubles the tests use) and an HTTP git server, when
 * `pavedRoad.standIns` is configured and not `enabled: false` (which
 * app-config.production.yaml sets). With NODE_ENV=production it refuses to
 * start at all: a production portal that simulated ArgoCD, Vault and its
 * clusters would report golden paths as done that changed nothing real.
 */
export const scaffolderModuleDevStandIns = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'dev-stand-ins',
  register({ registerInit }) {
    registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        lifecycle: coreServices.lifecycle,
      },
      async init({ config, logger, lifecycle }) {
        const settings = readStandInsConfig(config);
        if (!settings) return;
        const token = settings.getString('token');
        const argocd = await new ArgoCdDouble(token).start(
          settings.getNumber('argocdPort'),
        );
        const vault = await new VaultDouble(token).start(
          settings.getNumber('vaultPort'),
        );
        const kubernetes = await new KubernetesDouble(token).start(
          settings.getNumber('kubernetesPort'),
        );
        for (const workload of settings.getOptionalConfigArray('workloads') ??
          []) {
          seedWorkload(kubernetes, {
            name: workload.getString('name'),
            namespace: workload.getString('namespace'),
            replicas: workload.getOptionalNumber('replicas'),
          });
        }
        // GitHub as the scorecard reads it: every repository's CI passes
        // except those listed as failing.
        const github = new GitHubDouble(token);
        const githubSettings = settings.getOptionalConfig('github');
        const failing = new Set(
          githubSettings?.getOptionalStringArray('failingRepositories') ?? [],
        );
        for (const slug of githubSettings?.getOptionalStringArray(
          'repositories',
        ) ?? []) {
          github.repositories.set(slug, {
            defaultBranch: 'main',
            latestConclusion: failing.has(slug) ? 'failure' : 'success',
          });
        }
        if (githubSettings) {
          await github.start(githubSettings.getNumber('port'));
        }
        const directory = config.getOptionalString(
          'pavedRoad.repositories.directory',
        );
        const git = directory
          ? await startGitServer(directory, settings.getNumber('gitPort'))
          : undefined;

        // ArgoCD syncs continuously; so does its stand-in.
        const sync = setInterval(
          () => syncApplications(argocd, kubernetes),
          2_000,
        );
        lifecycle.addShutdownHook(async () => {
          clearInterval(sync);
          git?.close();
          await Promise.all([
            argocd.close(),
            vault.close(),
            kubernetes.close(),
          ]);
        });
        logger.warn(
          `Development stand-ins running (not real systems): ArgoCD ${
            argocd.url
          }, Vault ${vault.url}, Kubernetes ${kubernetes.url}${
            githubSettings ? `, GitHub ${github.url}` : ''
          }${
            git
              ? `, git http://127.0.0.1:${settings.getNumber('gitPort')}/git`
              : ''
          }`,
        );
      },
    });
  },
});

import { Config } from '@backstage/config';
import { LoggerService } from '@backstage/backend-plugin-api';
import { RetryPolicy } from '../../lib/remote';
import { readKubernetesClusters } from '../../lib/targets';
import { KubernetesClusterClient } from './client';
import { ANNOTATIONS, FIELD_MANAGER, LABELS, MANAGED_BY } from './manifests';

export interface SweepResult {
  /** `<cluster>/<namespace>` of each namespace deleted. */
  deleted: string[];
  /** Clusters that could not be swept this time (the next run retries). */
  failedClusters: string[];
}

/**
 * Deletes the ephemeral namespaces this module provisioned whose TTL has
 * passed, on every configured cluster. "Ours" takes three marks: our
 * managed-by and ephemeral labels, and our field manager in managedFields, so
 * a label copied onto someone else's namespace is not enough. Runs on the
 * Backstage scheduler (one replica at a time); one failing cluster does not
 * stop the others.
 */
export async function sweepExpiredNamespaces(options: {
  config: Config;
  logger: LoggerService;
  signal?: AbortSignal;
  now?: Date;
  retryPolicy?: RetryPolicy;
}): Promise<SweepResult> {
  const { logger, signal } = options;
  const now = (options.now ?? new Date()).getTime();
  const result: SweepResult = { deleted: [], failedClusters: [] };

  for (const cluster of readKubernetesClusters(options.config)) {
    signal?.throwIfAborted();
    const client = new KubernetesClusterClient(cluster, {
      signal,
      retryPolicy: options.retryPolicy,
    });
    try {
      const candidates = await client.listNamespaces(
        `${LABELS.managedBy}=${MANAGED_BY},${LABELS.ephemeral}=true`,
      );
      for (const namespace of candidates) {
        const { name, uid, annotations, managedFields } =
          namespace.metadata ?? {};
        const expiresAt = Date.parse(
          annotations?.[ANNOTATIONS.expiresAt] ?? '',
        );
        const ours = (managedFields ?? []).some(
          field => field.manager === FIELD_MANAGER,
        );
        if (!name || !uid || !ours || !(expiresAt <= now)) {
          continue;
        }
        await client.deleteNamespace(name, uid);
        result.deleted.push(`${cluster.name}/${name}`);
        logger.info(
          `Deleted expired namespace "${name}" on Kubernetes cluster "${
            cluster.name
          }" (expired ${new Date(expiresAt).toISOString()})`,
        );
      }
    } catch (error) {
      if (signal?.aborted) {
        throw error;
      }
      result.failedClusters.push(cluster.name);
      logger.warn(
        `Namespace TTL sweep skipped Kubernetes cluster "${cluster.name}": ${
          (error as Error).message
        }`,
      );
    }
  }
  return result;
}

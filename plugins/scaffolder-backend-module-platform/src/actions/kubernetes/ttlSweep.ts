import { Config } from '@backstage/config';
import { LoggerService } from '@backstage/backend-plugin-api';
import { KubernetesObject, V1Namespace } from '@kubernetes/client-node';
import { RetryPolicy } from '../../lib/remote';
import { readKubernetesClusters } from '../../lib/targets';
import { KubernetesClusterClient } from './client';
import { ANNOTATIONS, FIELD_MANAGER, LABELS, MANAGED_BY } from './manifests';
import { managersOf } from './ownership';

export interface SweepResult {
  /** `<cluster>/<namespace>` of each namespace deleted. */
  deleted: string[];
  /** `<cluster>/<namespace>` of each delete the cluster refused (the next run retries). */
  failed: string[];
  /** Clusters that could not be listed this time (the next run retries). */
  failedClusters: string[];
}

/**
 * Which of our marks someone else set, if any. Anyone with patch rights on
 * namespaces can write labels and annotations, so the TTL only counts when
 * our field manager alone set both the ephemeral label and the expiry.
 */
function foreignMark(namespace: V1Namespace): string | undefined {
  const marks = [
    { map: 'labels', key: LABELS.ephemeral },
    { map: 'annotations', key: ANNOTATIONS.expiresAt },
  ] as const;
  for (const { map, key } of marks) {
    const managers = managersOf(namespace.metadata, map, key);
    if (managers.length !== 1 || managers[0] !== FIELD_MANAGER) {
      return `${map.slice(0, -1)} ${key} was set by ${
        managers.map(m => `"${m}"`).join(', ') || 'no field manager'
      }, not by "${FIELD_MANAGER}" alone`;
    }
  }
  return undefined;
}

/**
 * Deletes the ephemeral namespaces this module provisioned whose TTL has
 * passed, on every configured cluster. Runs on the Backstage scheduler (one
 * replica at a time); a failing cluster or namespace does not stop the
 * others.
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
  const result: SweepResult = { deleted: [], failed: [], failedClusters: [] };

  for (const cluster of readKubernetesClusters(options.config)) {
    signal?.throwIfAborted();
    const client = new KubernetesClusterClient(cluster, {
      signal,
      retryPolicy: options.retryPolicy,
    });
    let candidates: KubernetesObject[];
    try {
      candidates = await client.listNamespaces(
        `${LABELS.managedBy}=${MANAGED_BY},${LABELS.ephemeral}=true`,
      );
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
      continue;
    }

    for (const namespace of candidates as V1Namespace[]) {
      const { name, uid, annotations } = namespace.metadata ?? {};
      const expiresAt = Date.parse(annotations?.[ANNOTATIONS.expiresAt] ?? '');
      // Not yet due is the common case; an unreadable expiry is logged below.
      if (!name || !uid || expiresAt > now) {
        continue;
      }
      const where = `${cluster.name}/${name}`;
      const { deletionTimestamp } = namespace.metadata!;
      if (deletionTimestamp || namespace.status?.phase === 'Terminating') {
        logger.info(
          `Namespace TTL sweep leaves "${where}" alone: already terminating${
            deletionTimestamp
              ? ` since ${new Date(deletionTimestamp).toISOString()}`
              : ''
          }`,
        );
        continue;
      }
      const foreign = foreignMark(namespace);
      if (foreign || Number.isNaN(expiresAt)) {
        logger.warn(
          `Namespace TTL sweep keeps "${where}": ${
            foreign ?? 'its expiry annotation is not a date'
          }`,
        );
        continue;
      }
      try {
        await client.deleteNamespace(name, uid);
        result.deleted.push(where);
        logger.info(
          `Deleted expired namespace "${name}" on Kubernetes cluster "${
            cluster.name
          }" (expired ${new Date(expiresAt).toISOString()})`,
        );
      } catch (error) {
        if (signal?.aborted) {
          throw error;
        }
        const status = (error as { kubernetesStatus?: number })
          .kubernetesStatus;
        // Gone between the list and the delete: nothing left to do.
        if (status !== 404) {
          result.failed.push(where);
          logger.warn(
            `Namespace TTL sweep could not delete "${where}": ${
              (error as Error).message
            }`,
          );
        }
      }
    }
  }
  return result;
}

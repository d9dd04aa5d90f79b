import { Config } from '@backstage/config';
import { ConflictError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { GoldenPathAccess } from '../../access/GoldenPathAccess';
import { differences } from '../../lib/compare';
import { ObjectState, stateFor, WriteLog } from '../../lib/outcome';
import { RetryPolicy } from '../../lib/remote';
import { ReservedNames, assertNoReservedLabels } from '../../lib/reserved';
import { pickTarget, readKubernetesClusters } from '../../lib/targets';
import {
  Zod,
  assertValidLabels,
  dns1123Label,
  matching,
  parseInput,
  targetName,
} from '../../lib/validation';
import { KubernetesClusterClient } from './client';
import {
  ANNOTATIONS,
  FIELD_MANAGER,
  LABELS,
  ManifestObject,
  NAMESPACE_SIZES,
  NamespaceSize,
  namespaceManifests,
} from './manifests';
import { examples } from './namespace.examples';
import { managersOf } from './ownership';

const ACTION_ID = 'kubernetes:namespace:provision';

/** Group names as authenticators emit them (OIDC groups, "org:team"), no spaces or quotes. */
const RBAC_GROUP = /^[A-Za-z0-9][A-Za-z0-9:._@/-]{0,252}$/;

/** "72h" or "7d": at least one hour, at most 90 days. */
const TTL = /^[1-9][0-9]{0,3}[hd]$/;
const MAX_TTL_HOURS = 90 * 24;

function ttlHours(ttl: string): number {
  const amount = Number(ttl.slice(0, -1));
  return ttl.endsWith('d') ? amount * 24 : amount;
}

export const inputFields = {
  cluster: (z: Zod) =>
    targetName(z, 'cluster', 'pavedRoad.kubernetes.clusters'),
  namespace: (z: Zod) =>
    dns1123Label(z, 'namespace').describe(
      'Namespace to provision (RFC 1123 label, at most 63 chars), e.g. "orders-service" or "orders-pr-42".',
    ),
  owner: (z: Zod) =>
    dns1123Label(z, 'owner').describe(
      'Owning team (catalog group name), set as the paved-road.io/owner label, e.g. "fulfilment-team".',
    ),
  ownerGroup: (z: Zod) =>
    matching(
      z,
      RBAC_GROUP,
      'ownerGroup must be a group name as the cluster authenticates it (letters, digits, ":", ".", "_", "@", "/", "-"), e.g. "acme:fulfilment-team"',
    )
      .optional()
      .describe(
        'RBAC group of the owning team that gets the "edit" role (default: owner).',
      ),
  size: (z: Zod) =>
    z
      .enum(NAMESPACE_SIZES as [NamespaceSize, ...NamespaceSize[]])
      .optional()
      .describe(
        'Quota and container defaults: small, medium or large (default small).',
      ),
  ttl: (z: Zod) =>
    matching(
      z,
      TTL,
      'ttl must be a number of hours or days such as "72h" or "7d" (at most 90 days)',
    )
      .refine(value => !TTL.test(value) || ttlHours(value) <= MAX_TTL_HOURS, {
        message: 'ttl must be at most 90 days',
      })
      .optional()
      .describe(
        'Time to live of an ephemeral namespace ("72h", "7d"); the scheduled sweep deletes it afterwards. Omit for a permanent namespace.',
      ),
  labels: (z: Zod) =>
    z
      .record(z.string(), z.string())
      .optional()
      .describe('Extra labels on the namespace (a map of Kubernetes labels).'),
  overwrite: (z: Zod) =>
    z
      .boolean()
      .optional()
      .describe(
        'Take over fields another field manager set, and adopt a namespace not created by Paved Road (default false: stop and report).',
      ),
};

/** The fields we set, compared with what the cluster holds. */
function managedFields(object: ManifestObject) {
  const { apiVersion: _a, kind: _k, ...rest } = object;
  return {
    ...rest,
    metadata: {
      labels: object.metadata.labels,
      annotations: object.metadata.annotations,
    },
  };
}

export function createNamespaceProvisionAction(options: {
  config: Config;
  /** Who may write in a team's name (the permission framework). */
  access: GoldenPathAccess;
  /** Tests shorten the back-off; production keeps the default. */
  retryPolicy?: RetryPolicy;
  /** Tests pin the clock for TTLs. */
  now?: () => Date;
}) {
  const clusters = readKubernetesClusters(options.config);
  const reserved = ReservedNames.fromConfig(options.config);
  const now = options.now ?? (() => new Date());

  return createTemplateAction({
    id: ACTION_ID,
    description:
      'Provisions a namespace for a team with server-side apply: owner labels, ResourceQuota and LimitRange by size, default-deny NetworkPolicies (plus same-namespace and DNS), an "edit" RoleBinding for the team, and an optional TTL. Idempotent: a re-run reports "unchanged".',
    examples,
    supportsDryRun: true,
    schema: {
      input: inputFields,
      output: {
        cluster: z => z.string().describe('Cluster the namespace lives on'),
        namespace: z => z.string().describe('Provisioned namespace'),
        state: z =>
          z
            .enum(['created', 'updated', 'unchanged'])
            .describe('What happened to the namespace itself'),
        objects: z =>
          z
            .array(
              z.object({
                kind: z.string(),
                name: z.string(),
                state: z.enum(['created', 'updated', 'unchanged']),
              }),
            )
            .describe('Every object applied, with what happened to it'),
        expiresAt: z =>
          z
            .string()
            .optional()
            .describe('When the TTL sweep deletes the namespace (ISO 8601)'),
      },
    },
    async handler(ctx) {
      const {
        cluster: clusterName,
        namespace,
        owner,
        ownerGroup = owner,
        size = 'small',
        ttl,
        labels = {},
        overwrite = false,
      } = parseInput(ACTION_ID, inputFields, ctx.input);

      reserved.assertAllowed(namespace, 'namespace');
      assertValidLabels(labels);
      assertNoReservedLabels(labels);
      await options.access.assertMayActFor(
        ctx,
        owner,
        `provision namespace "${namespace}"`,
      );
      if (overwrite) {
        await options.access.assertMayAdopt(ctx, namespace);
      }
      const cluster = pickTarget(clusters, clusterName, 'Kubernetes cluster');
      const client = new KubernetesClusterClient(cluster, {
        signal: ctx.signal,
        retryPolicy: options.retryPolicy,
      });
      const where = `Kubernetes cluster "${cluster.name}"`;

      // The expiry is fixed once per task, so a retried task converges.
      let expiresAt: string | undefined;
      if (ttl) {
        const compute = async () =>
          new Date(now().getTime() + ttlHours(ttl) * 3_600_000).toISOString();
        expiresAt = ctx.isDryRun
          ? await compute()
          : await ctx.checkpoint({
              key: `kubernetes.namespace.expiry.v1:${cluster.name}/${namespace}`,
              fn: compute,
            });
      }
      const manifests = namespaceManifests({
        namespace,
        owner,
        ownerGroup,
        size,
        labels,
        expiresAt,
      });

      // Read and compare everything before writing anything.
      const liveNamespace = await client.get(manifests[0]);
      const { deletionTimestamp } = liveNamespace?.metadata ?? {};
      if (deletionTimestamp) {
        throw new ConflictError(
          `Namespace "${namespace}" on ${where} is being deleted (since ${deletionTimestamp}). Wait until it is gone, or pick another name.`,
        );
      }
      if (liveNamespace && !overwrite) {
        const liveLabels = liveNamespace.metadata.labels ?? {};
        // Labels can be copied by anyone; ours are the ones our field
        // manager set (server-side apply records who set each field).
        const createdByUs = [LABELS.managedBy, LABELS.owner].every(key =>
          managersOf(liveNamespace.metadata, 'labels', key).includes(
            FIELD_MANAGER,
          ),
        );
        if (!createdByUs) {
          throw new ConflictError(
            `Namespace "${namespace}" already exists on ${where} and was not created by Paved Road. Pick another name, or set overwrite: true to adopt it.`,
          );
        }
        if (liveLabels[LABELS.owner] !== owner) {
          throw new ConflictError(
            `Namespace "${namespace}" on ${where} belongs to team "${
              liveLabels[LABELS.owner]
            }", not "${owner}". Pick another name, or set overwrite: true to hand it over.`,
          );
        }
      }
      const plan: Array<{
        object: ManifestObject;
        state: ObjectState;
        diff: string[];
      }> = [];
      for (const object of manifests) {
        const live =
          object === manifests[0]
            ? liveNamespace
            : liveNamespace && (await client.get(object));
        const diff = live ? differences(managedFields(object), live) : [];
        // A permanent namespace that was a preview: applying without the TTL
        // drops the ephemeral label and expiry our manager set, so the sweep
        // no longer deletes it. Field presence alone would call it unchanged.
        if (object === manifests[0] && live && !expiresAt) {
          const stillEphemeral =
            managersOf(live.metadata, 'labels', LABELS.ephemeral).includes(
              FIELD_MANAGER,
            ) ||
            managersOf(
              live.metadata,
              'annotations',
              ANNOTATIONS.expiresAt,
            ).includes(FIELD_MANAGER);
          if (stillEphemeral) {
            diff.push('ttl (no longer ephemeral)');
          }
        }
        plan.push({ object, state: stateFor(live, diff.length === 0), diff });
      }
      for (const { object, state, diff } of plan) {
        ctx.logger.info(
          `${ctx.isDryRun ? 'Dry run: would leave' : 'Plan:'} ${object.kind} ${
            object.metadata.name
          } ${state}${diff.length ? ` (${diff.join(', ')})` : ''} on ${where}`,
        );
      }

      const changed = plan.filter(p => p.state !== 'unchanged');
      if (ctx.isDryRun) {
        // Let the API server validate what would be written; nothing is
        // stored. Objects inside a namespace that does not exist yet cannot
        // be dry-run applied (the server answers 404 for the namespace).
        for (const { object } of changed) {
          if (object === manifests[0] || liveNamespace) {
            await client.apply(object, { dryRun: true, force: overwrite });
          }
        }
      } else {
        const writes = new WriteLog();
        for (const { object, state } of changed) {
          const { kind, metadata } = object;
          await writes.run(`${kind} "${metadata.name}" (${state})`, () =>
            ctx.checkpoint({
              key: `kubernetes.${kind.toLowerCase()}.v1:${cluster.name}/${
                metadata.namespace ?? namespace
              }/${metadata.name}`,
              fn: async () => {
                await client.apply(object, { force: overwrite });
              },
            }),
          );
        }
        ctx.logger.info(
          `Namespace "${namespace}" on ${where}: ${changed.length} of ${plan.length} objects applied`,
        );
      }

      ctx.output('cluster', cluster.name);
      ctx.output('namespace', namespace);
      ctx.output('state', plan[0].state);
      ctx.output(
        'objects',
        plan.map(({ object, state }) => ({
          kind: object.kind,
          name: object.metadata.name,
          state,
        })),
      );
      if (expiresAt) {
        ctx.output('expiresAt', expiresAt);
      }
    },
  });
}

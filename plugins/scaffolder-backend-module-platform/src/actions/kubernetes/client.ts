import {
  ApiException,
  FetchError,
  KubeConfig,
  KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
  ServerConfiguration,
  createConfiguration,
  dumpYaml,
  loadYaml,
} from '@kubernetes/client-node';
import yaml from 'yaml';
import { KubernetesCluster } from '../../lib/targets';
import {
  RemoteTarget,
  RetryPolicy,
  backoff,
  defaultRetryPolicy,
  isRetryableStatus,
  remoteError,
  unreachableError,
} from '../../lib/remote';
import { FIELD_MANAGER, ManifestObject } from './manifests';

/** What the API server says in a `Status` body. */
interface KubernetesStatus {
  message?: string;
  reason?: string;
  details?: { causes?: Array<{ field?: string; message?: string }> };
}

function statusOf(error: ApiException<unknown>): KubernetesStatus {
  const body = error.body;
  if (typeof body === 'string') {
    try {
      return JSON.parse(body);
    } catch {
      return { message: body };
    }
  }
  return (body ?? {}) as KubernetesStatus;
}

/** Status.message, plus any cause the message does not already state. */
function statusMessage(status: KubernetesStatus): string | undefined {
  const causes = (status.details?.causes ?? []).filter(
    cause => cause.message && !status.message?.includes(cause.message),
  );
  const described = causes.map(c =>
    c.field ? `${c.field}: ${c.message}` : c.message!,
  );
  if (!status.message) {
    return described.length ? described.join('; ') : undefined;
  }
  return described.length
    ? `${status.message} (${described.join('; ')})`
    : status.message;
}

/*
 * The client's typed models rename some fields (LimitRangeItem.default is
 * `_default`) and serialise only the fields they know. Our manifests and
 * comparisons use the API's own JSON, so convert at the boundary with the
 * client's public YAML helpers.
 */
function toModel<T>(object: ManifestObject): T {
  return loadYaml<T>(JSON.stringify(object));
}

/** The API's JSON form of an object the client deserialised. */
function toWire(object: KubernetesObject): ManifestObject {
  return yaml.parse(dumpYaml(object));
}

function hintFor(
  status: number,
  reason: string | undefined,
  operation: string,
): string | undefined {
  if (
    status === 409 &&
    reason === 'Conflict' &&
    operation.startsWith('apply')
  ) {
    return 'Another field manager (kubectl, a controller) owns these fields with other values; fix them there, or re-run with overwrite: true to take them over.';
  }
  if (status === 422) {
    return 'The manifest was rejected by the API server; check the template input.';
  }
  if (status === 403) {
    return 'The service account configured for this cluster lacks RBAC rights for this operation.';
  }
  return undefined;
}

export interface ApplyOptions {
  /** Server-side dry run (dryRun=All): validated by the API server, nothing stored. */
  dryRun?: boolean;
  /** Take over fields another field manager owns. */
  force?: boolean;
}

/**
 * One configured cluster, through @kubernetes/client-node: reads return
 * `undefined` for a missing object, writes are server-side apply with our
 * fixed field manager. 5xx, 429 and network failures are retried with
 * back-off (every call here is idempotent); other refusals become errors
 * naming the cluster, the status, the API server's message and a hint.
 */
export class KubernetesClusterClient {
  private readonly api: KubernetesObjectApi;
  private readonly target: RemoteTarget;

  constructor(
    private readonly cluster: KubernetesCluster,
    private readonly options: {
      signal?: AbortSignal;
      retryPolicy?: RetryPolicy;
    } = {},
  ) {
    this.target = { system: 'Kubernetes', name: cluster.name };
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromOptions({
      clusters: [
        {
          name: cluster.name,
          server: cluster.url,
          caData: cluster.caData,
          // Per cluster, from app-config; never a process-wide TLS override.
          skipTLSVerify: cluster.skipTLSVerify,
        },
      ],
      users: [{ name: 'paved-road', token: cluster.serviceAccountToken }],
      contexts: [
        { name: cluster.name, cluster: cluster.name, user: 'paved-road' },
      ],
      currentContext: cluster.name,
    });
    const signal = options.signal;
    this.api = new KubernetesObjectApi(
      createConfiguration({
        baseServer: new ServerConfiguration(cluster.url, {}),
        authMethods: { default: kubeConfig },
        promiseMiddleware: [
          {
            pre: async request => {
              if (signal) {
                request.setSignal(signal);
              }
              return request;
            },
            post: async response => response,
          },
        ],
      }),
    );
  }

  async get(object: ManifestObject): Promise<ManifestObject | undefined> {
    try {
      const live = await this.call(`get ${describe(object)}`, () =>
        this.api.read({
          apiVersion: object.apiVersion,
          kind: object.kind,
          metadata: {
            name: object.metadata.name,
            namespace: object.metadata.namespace,
          },
        }),
      );
      return toWire(live);
    } catch (error) {
      if ((error as { kubernetesStatus?: number }).kubernetesStatus === 404) {
        return undefined;
      }
      throw error;
    }
  }

  async apply(
    object: ManifestObject,
    options: ApplyOptions = {},
  ): Promise<ManifestObject> {
    const applied = await this.call(`apply ${describe(object)}`, () =>
      this.api.patch(
        toModel<KubernetesObject>(object),
        undefined,
        options.dryRun ? 'All' : undefined,
        FIELD_MANAGER,
        options.force ?? false,
        PatchStrategy.ServerSideApply,
      ),
    );
    return toWire(applied);
  }

  /** Items keep the client's typed form (list items carry no kind to convert by). */
  async listNamespaces(labelSelector: string): Promise<KubernetesObject[]> {
    const list = await this.call('list namespaces', () =>
      this.api.list(
        'v1',
        'Namespace',
        undefined,
        undefined,
        undefined,
        undefined,
        undefined,
        labelSelector,
      ),
    );
    return list.items;
  }

  /**
   * Deletes a namespace, but only the exact object that was inspected: the
   * uid precondition turns a recreated namespace of the same name into a 409.
   */
  async deleteNamespace(name: string, uid: string): Promise<void> {
    await this.call(`delete Namespace ${name}`, () =>
      this.api.delete(
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name } },
        undefined,
        undefined,
        undefined,
        undefined,
        'Background',
        { preconditions: { uid } },
      ),
    );
  }

  private async call<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    const policy = this.options.retryPolicy ?? defaultRetryPolicy;
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn();
      } catch (error) {
        if (this.options.signal?.aborted) {
          throw error;
        }
        const retryable =
          error instanceof ApiException
            ? isRetryableStatus(error.code)
            : error instanceof FetchError;
        if (retryable && attempt < policy.retries) {
          const retryAfter =
            error instanceof ApiException
              ? Number(error.headers?.['retry-after'])
              : undefined;
          await backoff(
            attempt,
            policy,
            this.options.signal,
            retryAfter || undefined,
          );
          continue;
        }
        throw this.translate(operation, error);
      }
    }
  }

  private translate(operation: string, error: unknown): Error {
    if (error instanceof ApiException) {
      const status = statusOf(error);
      const translated = remoteError({
        ...this.target,
        operation,
        status: error.code,
        remoteMessage: statusMessage(status),
        hint: hintFor(error.code, status.reason, operation),
      });
      // Callers that expect a 404 (lookups) check this instead of the text.
      return Object.assign(translated, { kubernetesStatus: error.code });
    }
    if (error instanceof FetchError) {
      return unreachableError(this.target, this.cluster.url, {
        cause: { code: error.code ?? error.message },
      });
    }
    return error as Error;
  }
}

function describe(object: ManifestObject) {
  const { name, namespace } = object.metadata;
  return `${object.kind} ${namespace ? `${namespace}/` : ''}${name}`;
}

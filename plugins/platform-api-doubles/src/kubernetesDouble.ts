import { DoubleResponse, HttpDouble, RecordedRequest } from './httpDouble';

type Json = Record<string, any>;

interface ResourceType {
  name: string;
  kind: string;
  namespaced: boolean;
}

/** The API groups and resources this double serves (and discovery lists). */
const RESOURCE_TYPES: Record<string, ResourceType[]> = {
  v1: [
    { name: 'namespaces', kind: 'Namespace', namespaced: false },
    { name: 'resourcequotas', kind: 'ResourceQuota', namespaced: true },
    { name: 'limitranges', kind: 'LimitRange', namespaced: true },
    { name: 'pods', kind: 'Pod', namespaced: true },
    { name: 'services', kind: 'Service', namespaced: true },
    { name: 'configmaps', kind: 'ConfigMap', namespaced: true },
    { name: 'secrets', kind: 'Secret', namespaced: true },
    { name: 'persistentvolumes', kind: 'PersistentVolume', namespaced: false },
  ],
  'apps/v1': [
    { name: 'deployments', kind: 'Deployment', namespaced: true },
    { name: 'replicasets', kind: 'ReplicaSet', namespaced: true },
    { name: 'statefulsets', kind: 'StatefulSet', namespaced: true },
    { name: 'daemonsets', kind: 'DaemonSet', namespaced: true },
  ],
  'autoscaling/v2': [
    {
      name: 'horizontalpodautoscalers',
      kind: 'HorizontalPodAutoscaler',
      namespaced: true,
    },
  ],
  'batch/v1': [
    { name: 'jobs', kind: 'Job', namespaced: true },
    { name: 'cronjobs', kind: 'CronJob', namespaced: true },
  ],
  'networking.k8s.io/v1': [
    { name: 'networkpolicies', kind: 'NetworkPolicy', namespaced: true },
    { name: 'ingresses', kind: 'Ingress', namespaced: true },
  ],
  'rbac.authorization.k8s.io/v1': [
    { name: 'rolebindings', kind: 'RoleBinding', namespaced: true },
  ],
};

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** A `Status` body exactly as the API server writes one. */
export function kubernetesStatus(
  code: number,
  reason: string,
  message: string,
  details?: Json,
): DoubleResponse {
  return {
    status: code,
    body: {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message,
      reason,
      ...(details ? { details } : {}),
      code,
    },
  };
}

/** Every leaf path of an applied object, arrays being atomic (as for most list fields). */
function leafPaths(value: unknown, path: string[] = []): string[][] {
  if (isMap(value)) {
    const entries = Object.entries(value);
    if (entries.length === 0) {
      return [path];
    }
    return entries.flatMap(([key, child]) => leafPaths(child, [...path, key]));
  }
  return [path];
}

function isMap(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function valueAt(object: unknown, path: string[]): unknown {
  return path.reduce<any>(
    (current, key) => (current === undefined ? undefined : current?.[key]),
    object,
  );
}

function setAt(object: Json, path: string[], value: unknown) {
  let current = object;
  for (const key of path.slice(0, -1)) {
    if (!isMap(current[key])) {
      current[key] = {};
    }
    current = current[key];
  }
  current[path[path.length - 1]] = value;
}

function deleteAt(object: Json, path: string[]) {
  const parent = valueAt(object, path.slice(0, -1));
  if (isMap(parent)) {
    delete parent[path[path.length - 1]];
  }
}

/** An applied `{}` asserts the map exists; it does not clear what others set in it. */
function sameValue(current: unknown, applied: unknown) {
  if (isMap(applied) && Object.keys(applied).length === 0) {
    return isMap(current);
  }
  return JSON.stringify(current) === JSON.stringify(applied);
}

const IDENTITY_FIELDS = new Set([
  'apiVersion',
  'kind',
  'metadata.name',
  'metadata.namespace',
]);

/** What one field manager set on an object: one `managedFields` entry. */
interface ManagerEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  /** Owned field paths, each a JSON array of keys (label keys hold dots). */
  fields: Set<string>;
}

/** The `fieldsV1` tree of owned paths: `f:<key>` per level, `{}` at leaves. */
function fieldsV1(fields: Set<string>): Json {
  const tree: Json = {};
  for (const field of fields) {
    let node = tree;
    for (const key of JSON.parse(field) as string[]) {
      const name = key === '.' ? key : `f:${key}`;
      node[name] = node[name] ?? {};
      node = node[name];
    }
  }
  return tree;
}

/**
 * An in-memory Kubernetes API server for the parts our actions and the
 * Kubernetes plugin use: discovery, get/list (label selectors), server-side
 * apply with field managers, conflicts and `managedFields`, `dryRun=All`,
 * delete with a uid precondition (namespaces terminate, and stay
 * Terminating while a finalizer holds them), bearer tokens, and `Status`
 * bodies with real reasons (NotFound, Invalid, Conflict, Forbidden).
 */
export class KubernetesDouble extends HttpDouble {
  /** Stored objects by `<apiVersion>/<plural>/<namespace>/<name>`. */
  readonly objects = new Map<string, Json>();
  /** The managedFields entries of each stored object, by object key. */
  private readonly managers = new Map<string, ManagerEntry[]>();
  /** When true, every request other than discovery answers 403. */
  forbidden = false;
  private version = 100;

  constructor(readonly token = 'kubernetes-test-token') {
    super(request => this.route(request));
  }

  /**
   * Seeds an object as another tool would have written it: by default a
   * forced server-side apply (`kubectl apply --server-side --force-conflicts`);
   * with `operation: 'Update'`, a merge as `kubectl label`, `kubectl create`
   * or a controller makes, which takes over every field it changes.
   * `metadata.finalizers` on a namespace keeps it Terminating once deleted.
   */
  seed(
    object: Json,
    fieldManager = 'kubectl',
    operation: ManagerEntry['operation'] = 'Apply',
  ) {
    const response = this.apply(
      this.typeOf(object.apiVersion, object.kind)!,
      object.apiVersion,
      object.metadata.namespace,
      object.metadata.name,
      object,
      new URLSearchParams({ fieldManager, force: 'true' }),
      operation,
    );
    if (response.status >= 300) {
      throw new Error(`seed failed: ${JSON.stringify(response.body)}`);
    }
    return response.body as Json;
  }

  get(apiVersion: string, kind: string, name: string, namespace?: string) {
    const type = this.typeOf(apiVersion, kind)!;
    return this.objects.get(this.key(apiVersion, type, namespace, name));
  }

  /** Deletes an object as another client (`kubectl delete`) would; not recorded as a request. */
  delete(apiVersion: string, kind: string, name: string, namespace?: string) {
    const type = this.typeOf(apiVersion, kind)!;
    const response = this.deleteObject(type, apiVersion, namespace, name, {});
    if (response.status >= 300) {
      throw new Error(`delete failed: ${JSON.stringify(response.body)}`);
    }
    return response.body as Json;
  }

  /** Writes that really changed state (dry runs excluded). */
  mutations(): RecordedRequest[] {
    return this.writes().filter(r => r.query.get('dryRun') !== 'All');
  }

  private typeOf(apiVersion: string, kind: string) {
    return RESOURCE_TYPES[apiVersion]?.find(t => t.kind === kind);
  }

  private key(
    apiVersion: string,
    type: ResourceType,
    namespace: string | undefined,
    name: string,
  ) {
    return `${apiVersion}/${type.name}/${
      type.namespaced ? namespace ?? '' : ''
    }/${name}`;
  }

  private route(
    request: RecordedRequest & { headers: Record<string, any> },
  ): DoubleResponse {
    if (request.headers.authorization !== `Bearer ${this.token}`) {
      return kubernetesStatus(401, 'Unauthorized', 'Unauthorized');
    }
    const match = request.path.match(
      /^\/(?:api\/(v1)|apis\/([^/]+\/[^/]+))(\/.*)?$/,
    );
    if (!match) {
      return { status: 404, body: '404 page not found' };
    }
    const apiVersion = match[1] ?? match[2];
    const resources = RESOURCE_TYPES[apiVersion];
    if (!resources) {
      return { status: 404, body: '404 page not found' };
    }
    const segments = (match[3] ?? '').split('/').filter(Boolean);
    if (segments.length === 0 && request.method === 'GET') {
      return {
        status: 200,
        body: {
          kind: 'APIResourceList',
          apiVersion: 'v1',
          groupVersion: apiVersion,
          resources: resources.map(r => ({
            name: r.name,
            singularName: r.kind.toLowerCase(),
            namespaced: r.namespaced,
            kind: r.kind,
            verbs: [
              'create',
              'delete',
              'get',
              'list',
              'patch',
              'update',
              'watch',
            ],
          })),
        },
      };
    }
    if (this.forbidden) {
      return kubernetesStatus(
        403,
        'Forbidden',
        `${segments.join(
          '/',
        )} is forbidden: User "system:serviceaccount:backstage:paved-road" cannot ${request.method.toLowerCase()} resource in API group "${
          apiVersion.includes('/') ? apiVersion.split('/')[0] : ''
        }"`,
      );
    }

    // namespaces/<ns>/<plural>[/<name>] or <plural>[/<name>]
    let namespace: string | undefined;
    let rest = segments;
    if (
      segments[0] === 'namespaces' &&
      segments.length >= 3 &&
      apiVersion !== undefined
    ) {
      namespace = segments[1];
      rest = segments.slice(2);
    }
    const type = resources.find(r => r.name === rest[0]);
    if (!type || rest.length > 2) {
      return { status: 404, body: '404 page not found' };
    }
    const name = rest[1];
    if (!name) {
      if (request.method === 'GET') {
        return this.list(apiVersion, type, namespace, request.query);
      }
      return kubernetesStatus(
        405,
        'MethodNotAllowed',
        'the server does not allow this method on the requested resource',
      );
    }
    switch (request.method) {
      case 'GET': {
        const object = this.objects.get(
          this.key(apiVersion, type, namespace, name),
        );
        return object
          ? { status: 200, body: object }
          : this.notFound(type, name);
      }
      case 'PATCH':
        if (
          !String(request.headers['content-type']).startsWith(
            'application/apply-patch',
          )
        ) {
          return kubernetesStatus(
            415,
            'UnsupportedMediaType',
            `the body of the request was in an unknown format - accepted media types include: application/apply-patch+yaml`,
          );
        }
        return this.apply(
          type,
          apiVersion,
          namespace,
          name,
          request.body as Json,
          request.query,
        );
      case 'DELETE':
        return this.deleteObject(
          type,
          apiVersion,
          namespace,
          name,
          request.body as Json,
        );
      default:
        return kubernetesStatus(
          405,
          'MethodNotAllowed',
          'the server does not allow this method on the requested resource',
        );
    }
  }

  private notFound(type: ResourceType, name: string) {
    return kubernetesStatus(
      404,
      'NotFound',
      `${type.name} "${name}" not found`,
      {
        name,
        kind: type.name,
      },
    );
  }

  private list(
    apiVersion: string,
    type: ResourceType,
    namespace: string | undefined,
    query: URLSearchParams,
  ): DoubleResponse {
    const selector = (query.get('labelSelector') ?? '')
      .split(',')
      .filter(Boolean)
      .map(term => term.split('='));
    const items = [...this.objects.entries()]
      .filter(([key]) =>
        key.startsWith(
          `${apiVersion}/${type.name}/${namespace ? `${namespace}/` : ''}`,
        ),
      )
      .map(([, object]) => object)
      .filter(object =>
        selector.every(
          ([key, value]) => object.metadata.labels?.[key] === value,
        ),
      )
      // Like the real server, list items carry no apiVersion or kind.
      .map(({ apiVersion: _v, kind: _k, ...item }) => item);
    return {
      status: 200,
      body: {
        kind: `${type.kind}List`,
        apiVersion,
        metadata: { resourceVersion: String(this.version) },
        items,
      },
    };
  }

  private apply(
    type: ResourceType,
    apiVersion: string,
    namespace: string | undefined,
    name: string,
    body: Json,
    query: URLSearchParams,
    operation: ManagerEntry['operation'] = 'Apply',
  ): DoubleResponse {
    const manager = query.get('fieldManager');
    if (!manager) {
      return kubernetesStatus(
        400,
        'BadRequest',
        'PATCH, fieldManager must be set for apply requests',
      );
    }
    if (body?.metadata?.name !== name || body?.kind !== type.kind) {
      return kubernetesStatus(
        400,
        'BadRequest',
        `the name of the object (${body?.metadata?.name}) does not match the name on the URL (${name})`,
      );
    }
    const namePattern =
      type.kind === 'Namespace' ? DNS1123_LABEL : DNS1123_SUBDOMAIN;
    if (
      !namePattern.test(name) ||
      name.length > (type.kind === 'Namespace' ? 63 : 253)
    ) {
      const message = `Invalid value: "${name}": a lowercase RFC 1123 ${
        type.kind === 'Namespace' ? 'label' : 'subdomain'
      } must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`;
      return kubernetesStatus(
        422,
        'Invalid',
        `${type.kind} "${name}" is invalid: metadata.name: ${message}`,
        {
          name,
          kind: type.kind,
          causes: [
            { reason: 'FieldValueInvalid', message, field: 'metadata.name' },
          ],
        },
      );
    }
    const key = this.key(apiVersion, type, namespace, name);
    const live = this.objects.get(key);
    if (type.namespaced) {
      const home = this.objects.get(this.namespaceKey(namespace!));
      if (!home) {
        return kubernetesStatus(
          404,
          'NotFound',
          `namespaces "${namespace}" not found`,
          { name: namespace, kind: 'namespaces' },
        );
      }
      // The NamespaceLifecycle admission plugin refuses creates only.
      if (home.metadata.deletionTimestamp && !live) {
        const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
        const resource = group ? `${type.name}.${group}` : type.name;
        return kubernetesStatus(
          403,
          'Forbidden',
          `${resource} "${name}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`,
          {
            name,
            group,
            kind: type.name,
            causes: [
              {
                reason: 'NamespaceTerminating',
                message: `namespace ${namespace} is being terminated`,
                field: 'metadata.namespace',
              },
            ],
          },
        );
      }
    }

    const entries = (this.managers.get(key) ?? []).map(entry => ({
      ...entry,
      fields: new Set(entry.fields),
    }));
    const force = query.get('force') === 'true';
    const result: Json = structuredClone(live ?? {});
    const conflicts: Array<{ field: string; manager: string }> = [];
    const setNow = new Set<string>();
    for (const path of leafPaths(body)) {
      if (IDENTITY_FIELDS.has(path.join('.'))) {
        continue;
      }
      const field = JSON.stringify(path);
      const value = valueAt(body, path);
      const changed = !sameValue(valueAt(live, path), value);
      const others = entries.filter(
        e => e.manager !== manager && e.fields.has(field),
      );
      if (changed && others.length) {
        if (operation === 'Apply' && !force) {
          conflicts.push(
            ...others.map(o => ({ field: path.join('.'), manager: o.manager })),
          );
          continue;
        }
        // Forced, or an Update: the field changes hands.
        others.forEach(o => o.fields.delete(field));
      }
      if (changed) {
        setAt(result, path, structuredClone(value));
      }
      // An applier owns what it applies (shared when the value was equal);
      // an updater owns what it changed, and on create the maps it made.
      if (operation === 'Apply' || changed) {
        setNow.add(field);
      }
      if (operation === 'Update') {
        for (let depth = 2; depth < path.length; depth++) {
          if (valueAt(live, path.slice(0, depth)) === undefined) {
            setNow.add(JSON.stringify([...path.slice(0, depth), '.']));
          }
        }
      }
    }
    if (conflicts.length) {
      const causes = conflicts.map(c => ({
        reason: 'FieldManagerConflict',
        message: `conflict with "${c.manager}"`,
        field: `.${c.field}`,
      }));
      return kubernetesStatus(
        409,
        'Conflict',
        `Apply failed with ${conflicts.length} conflict${
          conflicts.length > 1 ? 's' : ''
        }: ${causes.map(c => `${c.message}: ${c.field}`).join(', ')}`,
        { causes },
      );
    }

    const previous = entries.find(
      e => e.manager === manager && e.operation === operation,
    );
    const entry: ManagerEntry = {
      manager,
      operation,
      apiVersion,
      time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      fields:
        operation === 'Apply'
          ? setNow
          : new Set([...(previous?.fields ?? []), ...setNow]),
    };
    const next = [...entries.filter(e => e !== previous), entry].filter(
      e => e.fields.size > 0,
    );
    // A field its applier no longer applies is removed, unless someone
    // else still owns it (or something below it).
    for (const field of previous?.fields ?? []) {
      if (operation === 'Apply' && !setNow.has(field)) {
        const prefix = field.slice(0, -1);
        const owned = next.some(e =>
          [...e.fields].some(f => f === field || f.startsWith(`${prefix},`)),
        );
        if (!owned) {
          deleteAt(result, JSON.parse(field));
        }
      }
    }

    result.apiVersion = apiVersion;
    result.kind = type.kind;
    result.metadata = {
      ...result.metadata,
      name,
      ...(type.namespaced ? { namespace } : {}),
      uid: live?.metadata.uid ?? `uid-${key}-${this.version}`,
      creationTimestamp:
        live?.metadata.creationTimestamp ?? new Date().toISOString(),
      resourceVersion: String(++this.version),
      managedFields: next.map(e => ({
        manager: e.manager,
        operation: e.operation,
        apiVersion: e.apiVersion,
        time: e.time,
        fieldsType: 'FieldsV1',
        fieldsV1: fieldsV1(e.fields),
      })),
    };
    if (type.kind === 'Namespace') {
      // What the API server adds to every namespace.
      result.metadata.labels = {
        ...result.metadata.labels,
        'kubernetes.io/metadata.name': name,
      };
      result.spec = { finalizers: ['kubernetes'] };
      result.status = {
        phase: result.metadata.deletionTimestamp ? 'Terminating' : 'Active',
      };
    }
    if (query.get('dryRun') !== 'All') {
      this.objects.set(key, result);
      this.managers.set(key, next);
      if (type.kind === 'Namespace' && result.metadata.deletionTimestamp) {
        this.terminate(name);
      }
    }
    return { status: live ? 200 : 201, body: result };
  }

  private namespaceKey(name: string) {
    return this.key('v1', RESOURCE_TYPES.v1[0], undefined, name);
  }

  /**
   * Deletes an object. A namespace first turns Terminating (deletionTimestamp
   * set) and the API answers 200 with the namespace itself, as it does again
   * for each later delete until the namespace is gone.
   */
  private deleteObject(
    type: ResourceType,
    apiVersion: string,
    namespace: string | undefined,
    name: string,
    options: Json | undefined,
  ): DoubleResponse {
    const key = this.key(apiVersion, type, namespace, name);
    const live = this.objects.get(key);
    if (!live) {
      return this.notFound(type, name);
    }
    const uid = options?.preconditions?.uid;
    if (uid && uid !== live.metadata.uid) {
      return kubernetesStatus(
        409,
        'Conflict',
        `Operation cannot be fulfilled on ${type.name} "${name}": Precondition failed: UID in precondition: ${uid}, UID in object meta: ${live.metadata.uid}`,
        { name, kind: type.name },
      );
    }
    if (type.kind === 'Namespace') {
      if (!live.metadata.deletionTimestamp) {
        live.metadata.deletionTimestamp = new Date()
          .toISOString()
          .replace(/\.\d{3}Z$/, 'Z');
        live.metadata.resourceVersion = String(++this.version);
        live.status = { phase: 'Terminating' };
      }
      const answer = structuredClone(live);
      this.terminate(name);
      return {
        status: options?.orphanDependents === false ? 202 : 200,
        body: answer,
      };
    }
    this.objects.delete(key);
    this.managers.delete(key);
    return {
      status: 200,
      body: {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Success',
        details: { name, kind: type.name, uid: live.metadata.uid },
      },
    };
  }

  /**
   * The namespace controller, done at once: removes everything inside a
   * terminating namespace, then the namespace, unless a finalizer in its
   * `metadata.finalizers` holds it (stuck Terminating, as on real clusters).
   */
  private terminate(name: string) {
    for (const [key, object] of [...this.objects]) {
      if (object.metadata.namespace === name) {
        this.objects.delete(key);
        this.managers.delete(key);
      }
    }
    const key = this.namespaceKey(name);
    if (!this.objects.get(key)?.metadata.finalizers?.length) {
      this.objects.delete(key);
      this.managers.delete(key);
    }
  }
}

/**
 * Seeds a running workload as a cluster would show it: a Deployment, its
 * ReplicaSet and `replicas` ready Pods, all labelled with
 * `backstage.io/kubernetes-id` so the Kubernetes plugin finds them.
 */
export function seedWorkload(
  double: KubernetesDouble,
  options: { name: string; namespace: string; replicas?: number },
) {
  const { name, namespace, replicas = 2 } = options;
  const labels = { 'backstage.io/kubernetes-id': name, app: name };
  const image = `ghcr.io/acme-freight/${name}:1.4.2`;
  if (!double.get('v1', 'Namespace', namespace)) {
    double.seed({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: namespace },
    });
  }
  const container = {
    name,
    image,
    resources: {
      requests: { cpu: '100m', memory: '128Mi' },
      limits: { cpu: '500m', memory: '512Mi' },
    },
  };
  const deployment = double.seed({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, labels },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels }, spec: { containers: [container] } },
      // Defaults the API server fills in.
      strategy: {
        type: 'RollingUpdate',
        rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' },
      },
      minReadySeconds: 0,
      progressDeadlineSeconds: 600,
      revisionHistoryLimit: 10,
    },
    status: {
      replicas,
      readyReplicas: replicas,
      availableReplicas: replicas,
      updatedReplicas: replicas,
    },
  });
  const replicaSetName = `${name}-6d8f7c9b5`;
  const replicaSet = double.seed({
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: replicaSetName,
      namespace,
      labels,
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          name,
          uid: deployment.metadata.uid,
          controller: true,
        },
      ],
    },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels }, spec: { containers: [container] } },
    },
    status: { replicas, readyReplicas: replicas, availableReplicas: replicas },
  });
  for (let i = 0; i < replicas; i++) {
    double.seed({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: `${replicaSetName}-${'abcdefghij'.slice(i, i + 5)}`,
        namespace,
        labels,
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: 'ReplicaSet',
            name: replicaSetName,
            uid: replicaSet.metadata.uid,
            controller: true,
          },
        ],
      },
      spec: { containers: [container] },
      status: {
        phase: 'Running',
        conditions: [
          { type: 'Ready', status: 'True' },
          { type: 'ContainersReady', status: 'True' },
        ],
        containerStatuses: [
          {
            name,
            image,
            ready: true,
            started: true,
            restartCount: 0,
            state: { running: { startedAt: '2026-11-25T08:00:00Z' } },
          },
        ],
        startTime: '2026-11-25T08:00:00Z',
      },
    });
  }
}

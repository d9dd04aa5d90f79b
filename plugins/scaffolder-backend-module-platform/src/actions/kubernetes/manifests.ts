/**
 * The objects a provisioned namespace consists of. Pure functions: the action
 * applies what these return, the tests and the dry-run plan read them.
 */
import { ManagedFieldsEntry } from './ownership';

/** Server-side apply field manager: fixed, so re-runs own the same fields. */
export const FIELD_MANAGER = 'paved-road-scaffolder';

export const LABELS = {
  managedBy: 'app.kubernetes.io/managed-by',
  owner: 'paved-road.io/owner',
  ephemeral: 'paved-road.io/ephemeral',
} as const;
export const MANAGED_BY = 'paved-road';

export const ANNOTATIONS = {
  expiresAt: 'paved-road.io/expires-at',
  source: 'paved-road.io/provisioned-by',
} as const;

export type NamespaceSize = 'small' | 'medium' | 'large';

/** Per-size quota for the whole namespace and defaults for each container. */
const sizes: Record<
  NamespaceSize,
  {
    quota: Record<string, string>;
    containerDefault: Record<string, string>;
    containerRequest: Record<string, string>;
    containerMax: Record<string, string>;
  }
> = {
  small: {
    quota: {
      'requests.cpu': '2',
      'requests.memory': '4Gi',
      'limits.cpu': '4',
      'limits.memory': '8Gi',
      pods: '20',
      services: '10',
      persistentvolumeclaims: '5',
    },
    containerDefault: { cpu: '500m', memory: '512Mi' },
    containerRequest: { cpu: '100m', memory: '128Mi' },
    containerMax: { cpu: '2', memory: '4Gi' },
  },
  medium: {
    quota: {
      'requests.cpu': '8',
      'requests.memory': '16Gi',
      'limits.cpu': '16',
      'limits.memory': '32Gi',
      pods: '60',
      services: '30',
      persistentvolumeclaims: '15',
    },
    containerDefault: { cpu: '1', memory: '1Gi' },
    containerRequest: { cpu: '250m', memory: '256Mi' },
    containerMax: { cpu: '4', memory: '8Gi' },
  },
  large: {
    quota: {
      'requests.cpu': '32',
      'requests.memory': '64Gi',
      'limits.cpu': '64',
      'limits.memory': '128Gi',
      pods: '200',
      services: '100',
      persistentvolumeclaims: '50',
    },
    containerDefault: { cpu: '2', memory: '2Gi' },
    containerRequest: { cpu: '500m', memory: '512Mi' },
    containerMax: { cpu: '8', memory: '16Gi' },
  },
};

export const NAMESPACE_SIZES = Object.keys(sizes) as NamespaceSize[];

export interface NamespaceRequest {
  namespace: string;
  owner: string;
  /** The RBAC group (as the cluster's authenticator names it) of the owning team. */
  ownerGroup: string;
  size: NamespaceSize;
  labels: Record<string, string>;
  /** ISO timestamp after which the TTL sweep may delete the namespace. */
  expiresAt?: string;
}

export interface ManifestObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    /** Set by the API server on objects read back. */
    managedFields?: ManagedFieldsEntry[];
    deletionTimestamp?: string;
  };
  [field: string]: unknown;
}

/** Everything in the order it must be applied: the namespace first. */
export function namespaceManifests(
  request: NamespaceRequest,
): ManifestObject[] {
  const { namespace, owner } = request;
  const size = sizes[request.size];
  const commonLabels = {
    [LABELS.managedBy]: MANAGED_BY,
    [LABELS.owner]: owner,
  };
  const inNamespace = (name: string) => ({
    name,
    namespace,
    labels: commonLabels,
  });

  return [
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: namespace,
        labels: {
          ...request.labels,
          ...commonLabels,
          ...(request.expiresAt ? { [LABELS.ephemeral]: 'true' } : {}),
        },
        annotations: {
          [ANNOTATIONS.source]: 'backstage-scaffolder',
          ...(request.expiresAt
            ? { [ANNOTATIONS.expiresAt]: request.expiresAt }
            : {}),
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata: inNamespace('paved-road-quota'),
      spec: { hard: size.quota },
    },
    {
      apiVersion: 'v1',
      kind: 'LimitRange',
      metadata: inNamespace('paved-road-limits'),
      spec: {
        limits: [
          {
            type: 'Container',
            default: size.containerDefault,
            defaultRequest: size.containerRequest,
            max: size.containerMax,
          },
        ],
      },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: inNamespace('default-deny-all'),
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: inNamespace('allow-same-namespace'),
      spec: {
        podSelector: {},
        policyTypes: ['Ingress', 'Egress'],
        ingress: [{ from: [{ podSelector: {} }] }],
        egress: [{ to: [{ podSelector: {} }] }],
      },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: inNamespace('allow-dns'),
      spec: {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [
          {
            to: [
              {
                namespaceSelector: {
                  matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' },
                },
                podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
              },
            ],
            ports: [
              { protocol: 'UDP', port: 53 },
              { protocol: 'TCP', port: 53 },
            ],
          },
        ],
      },
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: inNamespace(`${owner}-edit`),
      roleRef: {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'ClusterRole',
        name: 'edit',
      },
      subjects: [
        {
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'Group',
          name: request.ownerGroup,
        },
      ],
    },
  ];
}

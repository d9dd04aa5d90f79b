/*
 * What a template's dry run rendered must be a repository the portal can
 * use: a catalog-info.yaml whose entities the catalog accepts, and
 * Kubernetes manifests that ArgoCD can apply and that really run the
 * service. Each function returns its findings as reasons, every one of
 * them rather than the first.
 */
import yaml from 'yaml';
import {
  ComponentEntityV1alpha1,
  DefaultNamespaceEntityPolicy,
  Entity,
  EntityPolicies,
  FieldFormatEntityPolicy,
  NoForeignRootFieldsEntityPolicy,
  SchemaValidEntityPolicy,
  componentEntityV1alpha1Validator,
  resourceEntityV1alpha1Validator,
} from '@backstage/catalog-model';

/** The rendered repository: path → text. */
export type RenderedFiles = Map<string, string>;

const entityPolicy = EntityPolicies.allOf([
  new DefaultNamespaceEntityPolicy(),
  new FieldFormatEntityPolicy(),
  new NoForeignRootFieldsEntityPolicy(),
  new SchemaValidEntityPolicy(),
]);

/** The rendered catalog-info.yaml: valid entities, a Component among them. */
export async function checkCatalogInfo(files: RenderedFiles): Promise<{
  component?: ComponentEntityV1alpha1;
  problems: string[];
}> {
  const text = files.get('catalog-info.yaml');
  if (text === undefined) {
    return { problems: ['no catalog-info.yaml was rendered'] };
  }
  const problems: string[] = [];
  const documents = yaml.parseAllDocuments(text);
  const entities: Entity[] = [];
  for (const document of documents) {
    if ('errors' in document && document.errors.length) {
      problems.push(
        `catalog-info.yaml does not parse: ${
          document.errors[0].message.split('\n')[0]
        }`,
      );
      continue;
    }
    const entity = document.toJS() as Entity | null;
    if (entity) {
      entities.push(entity);
    }
  }
  for (const entity of entities) {
    try {
      const checked = await entityPolicy.enforce(entity);
      const validator =
        entity.kind === 'Component'
          ? componentEntityV1alpha1Validator
          : resourceEntityV1alpha1Validator;
      if (!checked || !(await validator.check(entity))) {
        throw new Error(`not a valid ${entity.kind}`);
      }
    } catch (error) {
      problems.push(
        `catalog-info.yaml entity ${entity.kind}:${
          entity.metadata?.name
        } is invalid: ${(error as Error).message}`,
      );
    }
  }
  const component = entities.find(e => e.kind === 'Component') as
    | ComponentEntityV1alpha1
    | undefined;
  if (!component) {
    problems.push('catalog-info.yaml holds no Component');
  }
  return { component, problems };
}

const KNOWN_KINDS: Record<string, string[]> = {
  Deployment: ['apps/v1'],
  Service: ['v1'],
  ServiceAccount: ['v1'],
  HorizontalPodAutoscaler: ['autoscaling/v2'],
  PodDisruptionBudget: ['policy/v1'],
  NetworkPolicy: ['networking.k8s.io/v1'],
  ServiceMonitor: ['monitoring.coreos.com/v1'],
  PrometheusRule: ['monitoring.coreos.com/v1'],
};
const DNS1123 = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function subset(
  selector: Record<string, string>,
  labels: Record<string, string>,
) {
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

/**
 * The rendered k8s/ manifests: known kinds and API versions, valid names,
 * every kustomization resource present, containers with resources and
 * probes, and selectors that really select the Deployment's pods.
 */
export function checkKubernetesManifests(files: RenderedFiles): string[] {
  const kustomization = files.get('k8s/kustomization.yaml');
  if (kustomization === undefined) {
    return ['no k8s/kustomization.yaml was rendered'];
  }
  const problems: string[] = [];
  const resources: string[] = yaml.parse(kustomization)?.resources ?? [];
  const objects = resources.flatMap(resource => {
    const text = files.get(`k8s/${resource}`);
    if (text === undefined) {
      problems.push(
        `k8s/kustomization.yaml lists ${resource}, which was not rendered`,
      );
      return [];
    }
    return yaml
      .parseAllDocuments(text)
      .map(d => ({ file: `k8s/${resource}`, object: d.toJS() as any }))
      .filter(o => o.object);
  });
  const problem = (file: string, reason: string) =>
    problems.push(`${file}: ${reason}`);

  for (const { file, object } of objects) {
    const versions = KNOWN_KINDS[object.kind];
    if (!versions || !versions.includes(object.apiVersion)) {
      problem(
        file,
        `unknown kind/apiVersion ${object.kind} ${object.apiVersion}`,
      );
    }
    if (!DNS1123.test(object.metadata?.name ?? '')) {
      problem(
        file,
        `metadata.name "${object.metadata?.name}" is not an RFC 1123 name`,
      );
    }
  }
  const deployments = objects.filter(o => o.object.kind === 'Deployment');
  if (deployments.length === 0) {
    problems.push('k8s/ holds no Deployment');
  }
  for (const { file, object } of deployments) {
    const podLabels = object.spec?.template?.metadata?.labels ?? {};
    if (
      !subset(object.spec?.selector?.matchLabels ?? { '': 'none' }, podLabels)
    ) {
      problem(
        file,
        'spec.selector.matchLabels does not select the pod template labels',
      );
    }
    for (const container of object.spec?.template?.spec?.containers ?? []) {
      for (const field of ['livenessProbe', 'readinessProbe']) {
        if (!container[field]) {
          problem(file, `container ${container.name} has no ${field}`);
        }
      }
      if (!container.resources?.requests || !container.resources?.limits) {
        problem(
          file,
          `container ${container.name} has no resource requests and limits`,
        );
      }
    }
  }
  const pods = deployments.map(
    d => d.object.spec?.template?.metadata?.labels ?? {},
  );
  const names = new Set(deployments.map(d => d.object.metadata?.name));
  for (const { file, object } of objects) {
    if (
      object.kind === 'Service' &&
      !pods.some(l => subset(object.spec?.selector ?? {}, l))
    ) {
      problem(file, 'the Service selector matches no Deployment pods');
    }
    if (
      object.kind === 'HorizontalPodAutoscaler' &&
      !names.has(object.spec?.scaleTargetRef?.name)
    ) {
      problem(
        file,
        `scaleTargetRef ${object.spec?.scaleTargetRef?.name} is not a Deployment here`,
      );
    }
  }
  return problems;
}

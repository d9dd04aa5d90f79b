/*
 * The template check platform engineers run (`yarn templates:check`): each
 * template under templates/ goes through the scaffolder's own dry run on a
 * running backend, with the sample answers in its check.yaml, and what it
 * renders must be a complete repository with a valid catalog-info.yaml and
 * consistent Kubernetes manifests. Failures name the template, the step and
 * the reason.
 */
import fs from 'node:fs';
import path from 'node:path';
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

export interface TemplateCheck {
  values: Record<string, unknown>;
  expectedFiles: string[];
}

interface DryRunResult {
  log: Array<{ body: { message: string; stepId?: string; status?: string } }>;
  directoryContents: Array<{ path: string; base64Content: string }>;
  output: Record<string, unknown>;
}

export class TemplateCheckError extends Error {}

function fail(template: string, step: string, reason: string): never {
  throw new TemplateCheckError(
    `Template "${template}", step "${step}": ${reason}`,
  );
}

interface FileContent {
  path: string;
  base64Content: string;
}

/** Every file below `dir`, as the dry run's directoryContents. */
function directoryContents(dir: string, base = dir): FileContent[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      return directoryContents(full, base);
    }
    return [
      {
        path: path.relative(base, full),
        base64Content: fs.readFileSync(full).toString('base64'),
      },
    ];
  });
}

/** Runs the scaffolder's dry run of one template; returns what it rendered. */
export async function dryRunTemplate(options: {
  baseUrl: string;
  token: string;
  templateDir: string;
  template?: unknown;
  values?: Record<string, unknown>;
}): Promise<{
  name: string;
  files: Map<string, string>;
  check: TemplateCheck;
}> {
  const templateFile = path.join(options.templateDir, 'template.yaml');
  const template =
    (options.template as any) ??
    yaml.parse(fs.readFileSync(templateFile, 'utf8'));
  const name: string = template?.metadata?.name ?? options.templateDir;
  const check: TemplateCheck = yaml.parse(
    fs.readFileSync(path.join(options.templateDir, 'check.yaml'), 'utf8'),
  );
  const response = await fetch(`${options.baseUrl}/api/scaffolder/v2/dry-run`, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${options.token}`,
      'Content-Type': 'application/json',
    },
    body: JSON.stringify({
      template,
      values: options.values ?? check.values,
      directoryContents: directoryContents(options.templateDir),
    }),
  });
  const body = await response.json();
  if (response.status === 400 && body.errors) {
    fail(
      name,
      'parameters',
      `the sample values do not satisfy the wizard's schema: ${body.errors
        .map((e: { stack: string }) => e.stack)
        .join('; ')}`,
    );
  }
  if (!response.ok) {
    // The scaffolder names the action whose input was refused, and a
    // preflight's refusal says so; name the template's step that uses it.
    const message: string = body.error?.message ?? JSON.stringify(body);
    const action = message.startsWith('Preflight refused')
      ? 'paved-road:preflight'
      : message.match(/action ([\w:.-]+)/)?.[1];
    const step = template?.spec?.steps?.find(
      (s: { action?: string }) => s.action === action,
    );
    fail(name, step?.id ?? 'template', message);
  }
  const result = body as DryRunResult;
  const failed = result.log.find(l => l.body.status === 'failed');
  if (failed) {
    const reason = [...result.log]
      .reverse()
      .find(l => l.body.stepId === failed.body.stepId && l.body.message)
      ?.body.message;
    fail(name, failed.body.stepId ?? 'unknown', reason ?? failed.body.message);
  }
  const files = new Map(
    result.directoryContents.map(f => [
      f.path,
      Buffer.from(f.base64Content, 'base64').toString('utf8'),
    ]),
  );
  return { name, files, check };
}

const entityPolicy = EntityPolicies.allOf([
  new DefaultNamespaceEntityPolicy(),
  new FieldFormatEntityPolicy(),
  new NoForeignRootFieldsEntityPolicy(),
  new SchemaValidEntityPolicy(),
]);

/** The rendered catalog-info.yaml: valid entities, a Component first. */
export async function checkCatalogInfo(
  template: string,
  files: Map<string, string>,
): Promise<ComponentEntityV1alpha1> {
  const text = files.get('catalog-info.yaml');
  if (!text) {
    fail(template, 'fetch', 'no catalog-info.yaml was rendered');
  }
  const entities = yaml
    .parseAllDocuments(text)
    .map(d => d.toJS() as Entity)
    .filter(Boolean);
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
      fail(
        template,
        'fetch',
        `catalog-info.yaml entity ${entity.kind}:${
          entity.metadata?.name
        } is invalid: ${(error as Error).message}`,
      );
    }
  }
  const component = entities.find(e => e.kind === 'Component');
  if (!component) {
    fail(template, 'fetch', 'catalog-info.yaml holds no Component');
  }
  return component as ComponentEntityV1alpha1;
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
export function checkKubernetesManifests(
  template: string,
  files: Map<string, string>,
) {
  const kustomization = files.get('k8s/kustomization.yaml');
  if (!kustomization) {
    fail(template, 'fetch', 'no k8s/kustomization.yaml was rendered');
  }
  const resources: string[] = yaml.parse(kustomization).resources ?? [];
  const objects = resources.flatMap(resource => {
    const text = files.get(`k8s/${resource}`);
    if (text === undefined) {
      fail(
        template,
        'fetch',
        `k8s/kustomization.yaml lists ${resource}, which was not rendered`,
      );
    }
    return yaml.parseAllDocuments(text).map(d => ({
      file: `k8s/${resource}`,
      object: d.toJS() as any,
    }));
  });
  const problem = (file: string, reason: string) =>
    fail(template, 'fetch', `${file}: ${reason}`);

  for (const { file, object } of objects) {
    const versions = KNOWN_KINDS[object?.kind];
    if (!versions || !versions.includes(object.apiVersion)) {
      problem(
        file,
        `unknown kind/apiVersion ${object?.kind} ${object?.apiVersion}`,
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
    fail(template, 'fetch', 'k8s/ holds no Deployment');
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
  const pods = deployments.map(d => d.object.spec.template.metadata.labels);
  const names = new Set(deployments.map(d => d.object.metadata.name));
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
}

/** Every template under templates/ that has a check.yaml. */
export function templateDirs(templatesRoot: string): string[] {
  return fs
    .readdirSync(templatesRoot, { withFileTypes: true })
    .filter(e => e.isDirectory())
    .map(e => path.join(templatesRoot, e.name))
    .filter(dir => fs.existsSync(path.join(dir, 'template.yaml')));
}

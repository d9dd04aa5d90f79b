/*
 * The full check of one template against a running portal: the linter
 * (with the portal's own action list), then the scaffolder's dry run with
 * sample answers, then the rendered repository (catalog-info.yaml,
 * Kubernetes manifests, the files check.yaml expects). Every finding is a
 * Problem located in the template: the step that failed, or the step whose
 * action refused.
 */
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'yaml';
import {
  DEFAULT_NAMESPACE,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { PortalClient } from '../portal/PortalClient';
import { TemplateAction, dryRun, fetchActions } from '../portal/scaffolder';
import { directoryContents } from './directoryContents';
import {
  PREFLIGHT_ACTION,
  TemplateOutline,
  lintTemplate,
  outlineTemplate,
} from './lint';
import { Problem } from './problems';
import {
  RenderedFiles,
  checkCatalogInfo,
  checkKubernetesManifests,
} from './rendered';
import { sampleValues } from './sampleValues';

/** `check.yaml` beside a template: sample answers and the files they must render. */
export interface TemplateCheckFile {
  values?: Record<string, unknown>;
  expectedFiles?: string[];
}

export interface TemplateCheckOptions {
  /** The portal whose scaffolder runs the dry run. */
  portal: PortalClient;
  /** The template file (a folder's template.yaml), absolute or relative to the cwd. */
  file: string;
  /** The portal's actions; fetched when not given (pass them to check many templates). */
  actions?: TemplateAction[];
  /** The template's text instead of the file's (a deliberately broken copy, say). */
  text?: string;
  /** Answers instead of check.yaml's or generated ones. */
  values?: Record<string, unknown>;
  /** Lint only: no portal. `actions`, when given, still check actions and inputs. */
  offline?: boolean;
  /**
   * false: dry-run without linting first (tests of the scaffolder's own
   * refusals, which the linter would otherwise catch before the dry run).
   */
  lint?: boolean;
  /** Where relative paths in problems start (default: the cwd). */
  cwd?: string;
}

export interface TemplateCheckResult {
  /** metadata.name (the folder's name without one). */
  name: string;
  /** The template's folder, relative to the cwd. */
  dir: string;
  /** The template file, relative to the cwd, as problems name it. */
  file: string;
  problems: Problem[];
  /**
   * How the scaffolder's dry run went ("failed": it refused); skipped when
   * offline and after lint problems. Rendered-file problems leave it "passed".
   */
  dryRun: 'passed' | 'failed' | 'skipped';
  /** The answers the dry run used, and where they came from. */
  values?: Record<string, unknown>;
  valuesFrom?: 'check.yaml' | 'generated' | 'given';
  /** What the dry run rendered, path → text. */
  files?: RenderedFiles;
}

/**
 * The step a refusal of the portal is about. The scaffolder names the
 * action, not the step ("Invalid input passed to action x", "Template
 * action with ID 'x' is not registered", our actions' "Invalid input to
 * x:", a preflight's "Preflight refused"); the step is the template's first
 * that runs that action.
 */
export function stepOfMessage(
  message: string,
  steps: TemplateOutline['steps'],
): TemplateOutline['steps'][number] | undefined {
  const named =
    (/^Preflight refused/.test(message) ? PREFLIGHT_ACTION : undefined) ??
    /Template action with ID '([^']+)'/.exec(message)?.[1] ??
    /Invalid input passed to action ([^\s,[]+)/.exec(message)?.[1] ??
    /Invalid input to (\S+?):\s/.exec(message)?.[1] ??
    /Invalid value on action ([^\s]+?)\.each/.exec(message)?.[1];
  if (named) {
    return steps.find(s => s.action === named);
  }
  // Any action of the template the message mentions, the longest id first.
  const mentioned = [...steps]
    .filter(s => s.action && message.includes(s.action))
    .sort((a, b) => b.action!.length - a.action!.length)[0];
  return mentioned && steps.find(s => s.action === mentioned.action);
}

function sameEntity(a: unknown, b: unknown, defaultKind: string) {
  if (typeof a !== 'string' || typeof b !== 'string') {
    return true;
  }
  try {
    const options = { defaultKind, defaultNamespace: DEFAULT_NAMESPACE };
    return (
      stringifyEntityRef(parseEntityRef(a, options)) ===
      stringifyEntityRef(parseEntityRef(b, options))
    );
  } catch {
    return a === b;
  }
}

function readCheckFile(
  dir: string,
  problem: (reason: string, line?: number, file?: string) => void,
  display: (file: string) => string,
): TemplateCheckFile | undefined {
  const file = path.join(dir, 'check.yaml');
  if (!fs.existsSync(file)) {
    return undefined;
  }
  const doc = yaml.parseDocument(fs.readFileSync(file, 'utf8'), {
    prettyErrors: true,
  });
  if (doc.errors.length) {
    const error = doc.errors[0];
    problem(
      `check.yaml does not parse: ${error.message.split('\n')[0]}`,
      error.linePos?.[0].line ?? 1,
      display(file),
    );
    return undefined;
  }
  const check = (doc.toJS() ?? {}) as TemplateCheckFile;
  if (
    (check.values !== undefined &&
      (typeof check.values !== 'object' || Array.isArray(check.values))) ||
    (check.expectedFiles !== undefined && !Array.isArray(check.expectedFiles))
  ) {
    problem(
      'check.yaml holds `values` (a map of answers) and `expectedFiles` (a list of paths)',
      1,
      display(file),
    );
    return undefined;
  }
  return check;
}

/**
 * Checks one template: lint, then (unless offline or lint found problems,
 * which the dry run would only repeat less precisely) the dry run and what
 * it rendered.
 */
export async function checkTemplate(
  options: TemplateCheckOptions,
): Promise<TemplateCheckResult> {
  const cwd = options.cwd ?? process.cwd();
  const absolute = path.resolve(cwd, options.file);
  const dirAbsolute = path.dirname(absolute);
  const display = (p: string) => path.relative(cwd, p) || '.';
  const file = display(absolute);
  const text = options.text ?? fs.readFileSync(absolute, 'utf8');
  const outline = outlineTemplate(file, text);
  const result: TemplateCheckResult = {
    name: outline.name,
    dir: display(dirAbsolute),
    file,
    problems: [],
    dryRun: 'skipped',
  };
  const problem = (
    reason: string,
    step?: { id: string; line: number },
    at?: { line?: number; file?: string },
  ) =>
    result.problems.push({
      file: at?.file ?? file,
      line: at?.line ?? step?.line ?? 1,
      template: outline.name,
      ...(step ? { step: step.id } : {}),
      reason,
    });

  if (options.lint !== false) {
    const actions =
      options.actions ??
      (options.offline ? undefined : await fetchActions(options.portal));
    result.problems.push(...lintTemplate({ file, text, actions }));
  }
  if (options.offline || result.problems.length) {
    return result;
  }

  const check = readCheckFile(
    dirAbsolute,
    (reason, line, checkFile) =>
      problem(reason, undefined, { line, file: checkFile }),
    display,
  );
  if (result.problems.length) {
    return result;
  }
  const template = yaml.parse(text);
  let values: Record<string, unknown>;
  if (options.values) {
    values = options.values;
    result.valuesFrom = 'given';
  } else if (check?.values) {
    values = check.values;
    result.valuesFrom = 'check.yaml';
  } else {
    values = sampleValues(template?.spec?.parameters);
    result.valuesFrom = 'generated';
  }
  result.values = values;
  const fetchStep =
    outline.steps.find(s => s.action === 'fetch:template') ??
    outline.steps.find(s => s.action?.startsWith('fetch:'));

  const outcome = await dryRun(options.portal, {
    template,
    values,
    directoryContents: directoryContents(dirAbsolute),
  });
  result.dryRun = 'failed';
  if (!outcome.ok && outcome.refusedAnswers) {
    const answers =
      result.valuesFrom === 'generated'
        ? "the answers generated from the wizard's defaults and examples (no check.yaml: write one with `values`)"
        : `the sample answers${
            result.valuesFrom === 'check.yaml' ? ' in check.yaml' : ''
          }`;
    problem(
      `${answers} do not satisfy the wizard's schema: ${outcome.refusedAnswers.join(
        '; ',
      )}`,
      undefined,
      { line: outline.parametersLine },
    );
    return result;
  }
  if (!outcome.ok) {
    const message = outcome.message ?? `the dry run answered ${outcome.status}`;
    problem(message, stepOfMessage(message, outline.steps));
    return result;
  }
  const run = outcome.result;
  const failed = run.log?.find(l => l.body.status === 'failed');
  if (failed) {
    const reason = [...run.log]
      .reverse()
      .find(l => l.body.stepId === failed.body.stepId && l.body.message)
      ?.body.message;
    problem(
      reason ?? failed.body.message ?? 'failed',
      outline.steps.find(s => s.id === failed.body.stepId) ??
        (failed.body.stepId ? { id: failed.body.stepId, line: 1 } : undefined),
    );
    return result;
  }
  result.dryRun = 'passed';
  const files: RenderedFiles = new Map(
    (run.directoryContents ?? []).map(f => [
      f.path,
      Buffer.from(f.base64Content, 'base64').toString('utf8'),
    ]),
  );
  result.files = files;

  // What the rendered repository must hold.
  const renderProblem = (reason: string) => problem(reason, fetchStep);
  const missing = (check?.expectedFiles ?? []).filter(f => !files.has(f));
  if (missing.length) {
    renderProblem(
      `check.yaml expects files the dry run did not render: ${missing.join(
        ', ',
      )}`,
    );
  }
  const registers = outline.steps.some(s =>
    /^catalog:(location:)?register$/.test(s.action ?? ''),
  );
  if (files.has('catalog-info.yaml') || (registers && files.size > 0)) {
    const catalog = await checkCatalogInfo(files);
    catalog.problems.forEach(renderProblem);
    const component = catalog.component;
    if (component) {
      // The answers name the service and its owner; the entity must carry them.
      if (
        typeof values.name === 'string' &&
        component.metadata.name !== values.name
      ) {
        renderProblem(
          `catalog-info.yaml names the Component "${component.metadata.name}", but the answer "name" is "${values.name}"`,
        );
      }
      if (!sameEntity(component.spec?.owner, values.owner, 'group')) {
        renderProblem(
          `catalog-info.yaml gives the Component the owner "${component.spec?.owner}", but the answer "owner" is "${values.owner}"`,
        );
      }
    }
  }
  if ([...files.keys()].some(f => f.startsWith('k8s/'))) {
    checkKubernetesManifests(files).forEach(renderProblem);
  }
  return result;
}

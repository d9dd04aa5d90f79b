import path from 'node:path';
import {
  Document,
  LineCounter,
  Node,
  Pair,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  parseDocument,
} from 'yaml';
import { Reference, describeReference, parseTemplateText } from './expressions';
import { TemplateAction } from '../portal/scaffolder';
import {
  InputIssue,
  checkInput,
  describeIssue,
  describePath,
} from './inputSchema';
import { Problem, byLine, closest } from './problems';
import { wizardPages, wizardProperties, wizardSchemas } from './wizard';

export interface LintOptions {
  /** The template file as the user named it; problems carry it as is. */
  file: string;
  /** The file's text. */
  text: string;
  /**
   * The portal's actions. Without them the checks that need an action's
   * schema (unknown action, input, step outputs) are skipped.
   */
  actions?: TemplateAction[];
}

/** The action the golden paths run first: it dry-runs the steps it lists. */
export const PREFLIGHT_ACTION = 'paved-road:preflight';
/** The only template version the scaffolder runs. */
const API_VERSION = 'scaffolder.backstage.io/v1beta3';
/** Catalog placeholders the linter cannot follow without reading files. */
const PLACEHOLDERS = ['$yaml', '$json', '$text'];

type Path = Array<string | number>;

interface Step {
  id: string;
  index: number;
  line: number;
  node?: Node;
  action?: string;
}

/** Where a string is rendered: in a step (or the output), after which steps. */
interface Scope {
  step?: Step;
  /** Steps with an index below this one have run (and have output). */
  before: number;
}

/**
 * The wizard's property names, conditional ones too; undefined when a
 * `$yaml`/`$json`/`$text` placeholder hides some of them.
 */
function declaredParameters(parameters: unknown): Set<string> | undefined {
  const pages = wizardPages(parameters);
  if (
    wizardSchemas(pages).some(schema => PLACEHOLDERS.some(key => key in schema))
  ) {
    return undefined;
  }
  return new Set(wizardProperties(pages).keys());
}

function outputProperties(action?: TemplateAction): string[] | undefined {
  const output = action?.schema?.output;
  const properties = Object.keys(output?.properties ?? {});
  if (
    !properties.length ||
    (output?.additionalProperties !== undefined &&
      output.additionalProperties !== false)
  ) {
    return undefined;
  }
  return properties;
}

class TemplateLinter {
  readonly problems: Problem[] = [];
  readonly template: string;
  private readonly actions?: Map<string, TemplateAction>;
  private steps: Step[] = [];
  private declared?: Set<string>;

  constructor(
    private readonly file: string,
    private readonly doc: Document,
    private readonly lines: LineCounter,
    actions?: TemplateAction[],
  ) {
    const name = doc.getIn(['metadata', 'name']);
    this.template =
      typeof name === 'string' && name
        ? name
        : path.basename(path.dirname(path.resolve(file)));
    this.actions = actions && new Map(actions.map(a => [a.id, a]));
  }

  /** The 1-based line a node starts on; `fallback` for a missing node. */
  lineOf(node: unknown, fallback = 1): number {
    const range = (node as Node | undefined)?.range;
    return range ? this.lines.linePos(range[0]).line : fallback;
  }

  add(line: number, step: Step | undefined, reason: string) {
    const problem = { file: this.file, line, template: this.template, reason };
    const duplicate = this.problems.some(
      p =>
        p.line === line && p.step === step?.id && p.reason === problem.reason,
    );
    if (!duplicate) {
      this.problems.push(step ? { ...problem, step: step.id } : problem);
    }
  }

  resolve(node: unknown): Node | undefined {
    if (isAlias(node)) {
      return node.resolve(this.doc) as Node | undefined;
    }
    return (node ?? undefined) as Node | undefined;
  }

  pair(map: unknown, key: string): Pair<any, any> | undefined {
    const node = this.resolve(map);
    return isMap(node)
      ? node.items.find(p => isScalar(p.key) && p.key.value === key)
      : undefined;
  }

  value(map: unknown, key: string): Node | undefined {
    return this.resolve(this.pair(map, key)?.value);
  }

  run() {
    const root = this.doc.contents;
    const kind = this.pair(root, 'kind');
    const kindValue = this.resolve(kind?.value)?.toJSON();
    if (kindValue !== 'Template') {
      this.add(
        this.lineOf(kind?.key ?? root),
        undefined,
        `not a scaffolder template (kind: ${kindValue ?? 'missing'})`,
      );
      return;
    }
    const apiVersion = this.pair(root, 'apiVersion');
    if (this.resolve(apiVersion?.value)?.toJSON() !== API_VERSION) {
      this.add(
        this.lineOf(apiVersion?.key ?? root),
        undefined,
        `apiVersion must be ${API_VERSION}, the only version the scaffolder runs`,
      );
    }
    const spec = this.value(root, 'spec');
    this.declared = declaredParameters(
      this.value(spec, 'parameters')?.toJS(this.doc),
    );
    this.collectSteps(spec);
    for (const step of this.steps) {
      this.checkStep(step);
    }
    const output = this.pair(spec, 'output');
    if (output) {
      this.checkStrings(output.value, ['output'], {
        before: this.steps.length,
      });
    }
  }

  private collectSteps(spec: Node | undefined) {
    const pair = this.pair(spec, 'steps');
    const steps = this.resolve(pair?.value);
    if (!isSeq(steps)) {
      this.add(
        this.lineOf(pair?.key ?? spec),
        undefined,
        'spec.steps must list the steps to run',
      );
      return;
    }
    const seen = new Map<string, Step>();
    steps.items.forEach((item, index) => {
      const step = this.identify(item, index);
      const node = step.node;
      this.steps.push(step);
      if (!isMap(node)) {
        this.add(step.line, step, 'a step must be a map (id, action, input)');
        return;
      }
      const first = seen.get(step.id);
      if (first) {
        this.add(
          step.line,
          step,
          `duplicate step id "${step.id}" (the step at line ${first.line} has it too)`,
        );
      } else {
        seen.set(step.id, step);
      }
    });
  }

  /** A step's id (`step-<n>` without one, as the scaffolder names it), action and line. */
  identify(item: unknown, index: number): Step {
    const node = this.resolve(item);
    const id = this.value(node, 'id')?.toJSON();
    const action = this.value(node, 'action')?.toJSON();
    return {
      id: typeof id === 'string' && id ? id : `step-${index + 1}`,
      index,
      line: this.lineOf(item),
      node,
      action: typeof action === 'string' ? action : undefined,
    };
  }

  private stepById(id: string): Step | undefined {
    return this.steps.find(step => step.id === id);
  }

  private checkStep(step: Step) {
    if (!isMap(step.node)) {
      return;
    }
    this.checkStrings(step.node, [], { step, before: step.index });
    const actionPair = this.pair(step.node, 'action');
    if (!step.action) {
      this.add(
        this.lineOf(actionPair?.key, step.line),
        step,
        'no action: every step names the action it runs',
      );
      return;
    }
    const inputPair = this.pair(step.node, 'input');
    const input = this.resolve(inputPair?.value);
    if (inputPair && input && !isMap(input)) {
      this.add(
        this.lineOf(inputPair.key),
        step,
        `input must be a map of ${step.action}'s fields`,
      );
      return;
    }
    const found = this.checkAction(step, step.action, actionPair?.value, '');
    if (found) {
      this.checkInputNode(
        step,
        found,
        input,
        this.lineOf(inputPair?.key ?? step.node),
        [],
      );
    }
    if (step.action === PREFLIGHT_ACTION && this.actions) {
      this.checkPreflight(step, input);
    }
  }

  /** The action, or a problem saying it does not exist. */
  private checkAction(
    step: Step,
    id: string,
    node: unknown,
    where: string,
  ): TemplateAction | undefined {
    if (!this.actions) {
      return undefined;
    }
    const action = this.actions.get(id);
    if (!action) {
      const hint = closest(id, this.actions.keys());
      this.add(
        this.lineOf(node, step.line),
        step,
        `${where}unknown action "${id}": the portal has no such action${
          hint ? ` (did you mean "${hint}"?)` : ''
        }`,
      );
    }
    return action;
  }

  /** The line of the input node at `at` (an issue's path), key lines for maps. */
  private locate(
    input: Node | undefined,
    inputLine: number,
    issue: InputIssue,
  ) {
    let node = input;
    let line = inputLine;
    for (const key of issue.path) {
      if (isMap(node)) {
        const pair = this.pair(node, String(key));
        line = this.lineOf(pair?.key, line);
        node = this.resolve(pair?.value);
      } else if (isSeq(node)) {
        line = this.lineOf(node.items[Number(key)], line);
        node = this.resolve(node.items[Number(key)]);
      } else {
        break;
      }
    }
    if (issue.kind === 'unknown') {
      return this.lineOf(this.pair(node, issue.field)?.key, line);
    }
    if (issue.kind === 'missing' || !isScalar(node)) {
      return line;
    }
    return this.lineOf(node, line);
  }

  private checkInputNode(
    step: Step,
    action: TemplateAction,
    input: Node | undefined,
    inputLine: number,
    base: Path,
  ) {
    const schema = action.schema?.input;
    if (!schema) {
      return;
    }
    const value = input ? input.toJS(this.doc) : {};
    for (const issue of checkInput(schema, value)) {
      this.add(
        this.locate(input, inputLine, issue),
        step,
        describeIssue(issue, action.id, describePath(base)),
      );
    }
  }

  /** A preflight's listed steps: real actions, given the input they take. */
  private checkPreflight(step: Step, input: Node | undefined) {
    const listed = this.value(input, 'steps');
    if (!isSeq(listed)) {
      return;
    }
    listed.items.forEach((item, index) => {
      const where: Path = ['steps', index];
      const actionNode = this.value(item, 'action');
      const id = actionNode?.toJSON();
      if (typeof id !== 'string') {
        return;
      }
      const action = this.checkAction(
        step,
        id,
        actionNode,
        `${describePath([...where, 'action'])}: `,
      );
      const inputPair = this.pair(item, 'input');
      const nested = this.resolve(inputPair?.value);
      if (action && isMap(nested)) {
        this.checkInputNode(step, action, nested, this.lineOf(inputPair?.key), [
          ...where,
          'input',
        ]);
      }
    });
  }

  /** Every string below `node`: its expressions parse and read what exists. */
  private checkStrings(
    node: unknown,
    at: Path,
    scope: Scope,
    seen = new Set<Node>(),
  ) {
    const resolved = this.resolve(node);
    if (!resolved || seen.has(resolved)) {
      return;
    }
    const inner = new Set(seen).add(resolved);
    if (isMap(resolved)) {
      for (const pair of resolved.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : '?';
        // A step's id and action are names, never rendered.
        if (
          at.length === 0 &&
          scope.step &&
          (key === 'id' || key === 'action')
        ) {
          continue;
        }
        this.checkStrings(pair.value, [...at, key], scope, inner);
      }
    } else if (isSeq(resolved)) {
      resolved.items.forEach((item, index) =>
        this.checkStrings(item, [...at, index], scope, inner),
      );
    } else if (isScalar(resolved) && typeof resolved.value === 'string') {
      this.checkText(resolved.value, this.lineOf(resolved), at, scope);
    }
  }

  private checkText(text: string, line: number, at: Path, scope: Scope) {
    if (!text.includes('${{') && !text.includes('{%')) {
      return;
    }
    const where = at.length ? describePath(at.slice(1), String(at[0])) : 'step';
    const parsed = parseTemplateText(text);
    if (!parsed.ok) {
      const shown = text.length > 80 ? `${text.slice(0, 77)}…` : text;
      this.add(
        line,
        scope.step,
        `${where}: ${JSON.stringify(shown)} does not parse: ${parsed.error}`,
      );
      return;
    }
    for (const reference of parsed.references) {
      const reason = this.checkReference(reference, scope);
      if (reason) {
        this.add(line, scope.step, `${where}: ${reason}`);
      }
    }
  }

  /** What is wrong with one name an expression reads, if anything. */
  private checkReference(reference: Reference, scope: Scope) {
    const shown = describeReference(reference);
    const [first, second, third] = reference.path;
    if (reference.root === 'parameters' && first !== undefined) {
      if (!this.declared || this.declared.has(first)) {
        return undefined;
      }
      const hint = closest(first, this.declared);
      return `${describeReference({
        root: 'parameters',
        path: [first],
      })} is not declared by the wizard (spec.parameters)${
        hint ? `; did you mean parameters.${hint}?` : ''
      }`;
    }
    if (reference.root !== 'steps' || first === undefined) {
      return undefined;
    }
    const target = this.stepById(first);
    if (!target) {
      const hint = closest(
        first,
        this.steps.map(s => s.id),
      );
      return `${shown}: there is no step "${first}"${
        hint ? ` (did you mean "${hint}"?)` : ''
      }`;
    }
    if (target.index >= scope.before) {
      return target === scope.step
        ? `${shown}: a step cannot read its own output`
        : `${shown}: step "${first}" runs later (line ${target.line}); only earlier steps have output`;
    }
    if (second !== undefined && second !== 'output') {
      return `${shown}: a step exposes only "output"`;
    }
    const outputs = outputProperties(
      target.action ? this.actions?.get(target.action) : undefined,
    );
    if (third === undefined || !outputs || outputs.includes(third)) {
      return undefined;
    }
    const hint = closest(third, outputs);
    return `${shown}: ${target.action} has no output "${third}" (${
      hint ? `did you mean "${hint}"?` : `it outputs ${outputs.join(', ')}`
    })`;
  }
}

/** Where a template's parts are, for problems found by running it. */
export interface TemplateOutline {
  name: string;
  /** The line of `spec.parameters` (1 without one). */
  parametersLine: number;
  steps: Array<{ id: string; action?: string; line: number }>;
}

/** The name, steps and lines of a template (best effort: any text). */
export function outlineTemplate(file: string, text: string): TemplateOutline {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  const linter = new TemplateLinter(file, doc, lines);
  const spec = linter.value(doc.contents, 'spec');
  const steps = linter.value(spec, 'steps');
  return {
    name: linter.template,
    parametersLine: linter.lineOf(linter.pair(spec, 'parameters')?.key),
    steps: isSeq(steps)
      ? steps.items.map((item, index) => {
          const { id, action, line } = linter.identify(item, index);
          return { id, action, line };
        })
      : [],
  };
}

/**
 * Checks a template without running it: the names its expressions read
 * (wizard parameters, earlier steps' declared outputs), that every
 * expression parses, that each step's action exists and its input fits the
 * action's input schema, and that step ids are unique. Pure: no network, no
 * files.
 */
export function lintTemplate(options: LintOptions): Problem[] {
  const lines = new LineCounter();
  const doc = parseDocument(options.text, { lineCounter: lines });
  const linter = new TemplateLinter(options.file, doc, lines, options.actions);
  if (doc.errors.length) {
    for (const error of doc.errors) {
      linter.add(
        lines.linePos(error.pos[0]).line,
        undefined,
        `YAML does not parse: ${error.message.split('\n')[0]}`,
      );
    }
    return linter.problems;
  }
  linter.run();
  return byLine(linter.problems);
}

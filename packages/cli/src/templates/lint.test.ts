import fs from 'node:fs';
import path from 'node:path';
import { TemplateAction } from '../portal/scaffolder';
import { actionsFixture } from '../__testUtils__/scaffolderAnswers';
import { lintTemplate } from './lint';
import { formatProblem } from './problems';

const FILE = 'templates/demo/template.yaml';

/** Small actions whose schemas the tests can see at a glance. */
const actions: TemplateAction[] = [
  {
    id: 'acme:deploy',
    schema: {
      input: {
        type: 'object',
        properties: {
          name: { type: 'string' },
          replicas: { type: 'integer' },
          wait: { type: 'boolean' },
          size: { type: 'string', enum: ['small', 'large'] },
          labels: { type: 'object', additionalProperties: { type: 'string' } },
        },
        required: ['name'],
        additionalProperties: false,
      },
      output: {
        type: 'object',
        properties: { url: { type: 'string' }, state: { type: 'string' } },
        additionalProperties: false,
      },
    },
  },
  {
    // No output schema: any output key may be read.
    id: 'debug:log',
    schema: {
      input: { type: 'object', properties: { message: { type: 'string' } } },
    },
  },
];

/** Lines 1-14; the steps below start at line 15. */
const HEADER = `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: demo
spec:
  parameters:
    - title: Service
      required: [name]
      properties:
        name:
          type: string
        owner:
          type: string
  steps:
`;

/** The demo template with these steps (written at any indentation). */
function demo(steps: string): string {
  const lines = steps.replace(/^\n/, '').replace(/\s+$/, '').split('\n');
  const indent = Math.min(
    ...lines.filter(l => l.trim()).map(l => l.match(/^ */)![0].length),
  );
  return `${HEADER}${lines.map(l => `    ${l.slice(indent)}`).join('\n')}\n`;
}

/** The problems as printed; `null` for no action list (offline). */
function lint(text: string, withActions: TemplateAction[] | null = actions) {
  return lintTemplate({
    file: FILE,
    text,
    actions: withActions ?? undefined,
  }).map(formatProblem);
}

describe('lintTemplate', () => {
  it('reports parameters the wizard does not declare, in every written form', () => {
    const text = demo(`
      - id: deploy
        action: acme:deploy
        input:
          name: orders
          labels:
            a: \${{ parameters.ownr }}
            b: \${{ parameters.nme | lower }}
            c: "\${{ parameters['ownerr'] }}"
            d: x-\${{ parameters.owner.name }}-\${{ parameters.name | replace('-', '') }}
    `);
    expect(lint(text)).toEqual([
      'templates/demo/template.yaml:20: template "demo", step "deploy": input.labels.a: parameters.ownr is not declared by the wizard (spec.parameters); did you mean parameters.owner?',
      'templates/demo/template.yaml:21: template "demo", step "deploy": input.labels.b: parameters.nme is not declared by the wizard (spec.parameters); did you mean parameters.name?',
      'templates/demo/template.yaml:22: template "demo", step "deploy": input.labels.c: parameters.ownerr is not declared by the wizard (spec.parameters); did you mean parameters.owner?',
    ]);
  });

  it('reads parameters in if: and each:', () => {
    const text = demo(`
      - id: log
        if: \${{ parameters.enabled }}
        each: \${{ parameters.targets }}
        action: debug:log
        input:
          message: \${{ each.value }}
    `);
    expect(lint(text)).toEqual([
      'templates/demo/template.yaml:16: template "demo", step "log": if: parameters.enabled is not declared by the wizard (spec.parameters)',
      'templates/demo/template.yaml:17: template "demo", step "log": each: parameters.targets is not declared by the wizard (spec.parameters)',
    ]);
  });

  it('counts properties a one-page wizard declares under dependencies, oneOf, allOf and if/then', () => {
    const text = `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: demo
spec:
  parameters:
    properties:
      kind:
        type: string
    dependencies:
      kind:
        oneOf:
          - properties:
              image: { type: string }
    allOf:
      - if: { properties: { kind: { const: job } } }
        then:
          properties:
            schedule: { type: string }
  steps:
    - id: log
      action: debug:log
      input:
        message: \${{ parameters.kind }} \${{ parameters.image }} \${{ parameters.schedule }} \${{ parameters.other }}
`;
    expect(lint(text)).toEqual([
      'templates/demo/template.yaml:24: template "demo", step "log": input.message: parameters.other is not declared by the wizard (spec.parameters)',
    ]);
  });

  it('reports step outputs read before the step runs, from no step, or that the action does not declare', () => {
    const text = demo(`
      - id: deploy
        action: acme:deploy
        input:
          name: \${{ steps.notify.output.url }}
          labels:
            self: \${{ steps.deploy.output.url }}
      - id: notify
        action: debug:log
        input:
          message: \${{ steps.deploy.output.urll }} \${{ steps['deploy'].output.state }} \${{ steps.missing.output.x }} \${{ steps.deploy.outputs.url }}
      - id: after
        action: debug:log
        input:
          message: \${{ steps.notify.output.anything }}
    `);
    expect(lint(text)).toEqual([
      'templates/demo/template.yaml:18: template "demo", step "deploy": input.name: steps.notify.output.url: step "notify" runs later (line 21); only earlier steps have output',
      'templates/demo/template.yaml:20: template "demo", step "deploy": input.labels.self: steps.deploy.output.url: a step cannot read its own output',
      'templates/demo/template.yaml:24: template "demo", step "notify": input.message: steps.deploy.output.urll: acme:deploy has no output "urll" (did you mean "url"?)',
      'templates/demo/template.yaml:24: template "demo", step "notify": input.message: steps.missing.output.x: there is no step "missing"',
      'templates/demo/template.yaml:24: template "demo", step "notify": input.message: steps.deploy.outputs.url: a step exposes only "output"',
    ]);
  });

  it('reports expressions that do not parse, in if:, each: and inputs', () => {
    const text = demo(`
      - id: log
        if: \${{ parameters.name == }}
        each: \${{ [1, 2 }}
        action: debug:log
        input:
          message: "{% if parameters.name %}named"
    `);
    expect(lint(text)).toEqual([
      'templates/demo/template.yaml:16: template "demo", step "log": if: "${{ parameters.name == }}" does not parse: unexpected token: }}',
      'templates/demo/template.yaml:17: template "demo", step "log": each: "${{ [1, 2 }}" does not parse: expected comma after expression',
      'templates/demo/template.yaml:20: template "demo", step "log": input.message: "{% if parameters.name %}named" does not parse: expected elif, else, or endif, got end of file',
    ]);
  });

  it('reports a step whose action the portal does not have, or that names none', () => {
    const text = demo(`
      - id: deploy
        action: acme:deplo
        input:
          name: orders
      - id: nothing
        input: {}
    `);
    expect(lint(text)).toEqual([
      'templates/demo/template.yaml:16: template "demo", step "deploy": unknown action "acme:deplo": the portal has no such action (did you mean "acme:deploy"?)',
      'templates/demo/template.yaml:19: template "demo", step "nothing": no action: every step names the action it runs',
    ]);
  });

  it("checks a step's input against its action's schema: missing, wrong type, unknown field", () => {
    const text = demo(`
      - id: deploy
        action: acme:deploy
        input:
          replicas: two
          wait: "yes"
          size: huge
          colour: blue
          labels:
            team: 7
    `);
    expect(lint(text)).toEqual([
      'templates/demo/template.yaml:17: template "demo", step "deploy": input: missing required field "name" of acme:deploy',
      'templates/demo/template.yaml:18: template "demo", step "deploy": input.replicas: must be integer, got string "two"',
      'templates/demo/template.yaml:19: template "demo", step "deploy": input.wait: must be boolean, got string "yes"',
      'templates/demo/template.yaml:20: template "demo", step "deploy": input.size: "huge" is not one of small, large',
      'templates/demo/template.yaml:21: template "demo", step "deploy": input.colour: acme:deploy takes no field "colour" (it takes name, replicas, wait, size, labels)',
      'templates/demo/template.yaml:23: template "demo", step "deploy": input.labels.team: must be string, got integer 7',
    ]);
  });

  it('takes a templated value as any type, and a templated required field as present', () => {
    const text = demo(`
      - id: deploy
        action: acme:deploy
        input:
          name: \${{ parameters.name }}
          replicas: \${{ parameters.name | length }}
          wait: \${{ parameters.owner == 'platform' }}
          size: \${{ parameters.owner }}
          labels: "\${{ { 'team': parameters.owner } }}"
    `);
    expect(lint(text)).toEqual([]);
  });

  it('reports duplicate step ids', () => {
    const text = demo(`
      - id: log
        action: debug:log
        input: { message: a }
      - id: log
        action: debug:log
        input: { message: b }
    `);
    expect(lint(text)).toEqual([
      'templates/demo/template.yaml:18: template "demo", step "log": duplicate step id "log" (the step at line 15 has it too)',
    ]);
  });

  it('checks what the output links read, as template-level problems', () => {
    const text = `${demo(`
      - id: deploy
        action: acme:deploy
        input:
          name: \${{ parameters.name }}
    `)}  output:
    links:
      - title: Application
        url: \${{ steps.deploy.output.link }}
      - title: Owner
        entityRef: \${{ parameters.ownr }}
      - title: Docs
        url: \${{ steps.docs.output.url }}
`;
    expect(lint(text)).toEqual([
      'templates/demo/template.yaml:22: template "demo": output.links[0].url: steps.deploy.output.link: acme:deploy has no output "link" (it outputs url, state)',
      'templates/demo/template.yaml:24: template "demo": output.links[1].entityRef: parameters.ownr is not declared by the wizard (spec.parameters); did you mean parameters.owner?',
      'templates/demo/template.yaml:26: template "demo": output.links[2].url: steps.docs.output.url: there is no step "docs"',
    ]);
  });

  it('reports a problem in an anchored input for each step that uses it, at the anchor', () => {
    const text = demo(`
      - id: preflight
        action: debug:log
        input: &shared
          message: \${{ parameters.ownr }}
      - id: log
        action: debug:log
        input: *shared
    `);
    expect(lint(text)).toEqual([
      'templates/demo/template.yaml:18: template "demo", step "preflight": input.message: parameters.ownr is not declared by the wizard (spec.parameters); did you mean parameters.owner?',
      'templates/demo/template.yaml:18: template "demo", step "log": input.message: parameters.ownr is not declared by the wizard (spec.parameters); did you mean parameters.owner?',
    ]);
  });

  it('reports files that are not templates, or not YAML, at their line', () => {
    expect(
      lint(
        'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: x\n',
      ),
    ).toEqual([
      'templates/demo/template.yaml:2: template "x": not a scaffolder template (kind: Component)',
    ]);
    expect(lint(`${HEADER}    - id: a\n   action: debug:log\n`)).toEqual([
      expect.stringMatching(
        /^templates\/demo\/template\.yaml:16: template "demo": YAML does not parse: /,
      ),
    ]);
  });

  it('without the action list, checks names and expressions only', () => {
    const text = demo(`
      - id: deploy
        action: acme:nowhere
        input:
          anything: \${{ parameters.ownr }}
    `);
    expect(lint(text, null)).toEqual([
      'templates/demo/template.yaml:18: template "demo", step "deploy": input.anything: parameters.ownr is not declared by the wizard (spec.parameters); did you mean parameters.owner?',
    ]);
  });
});

describe('lintTemplate with the portal actions', () => {
  const repoRoot = path.resolve(__dirname, '../../../..');
  const templatesRoot = path.join(repoRoot, 'templates');
  const real = fs
    .readdirSync(templatesRoot)
    .filter(dir =>
      fs.existsSync(path.join(templatesRoot, dir, 'template.yaml')),
    );

  it.each(real)('passes templates/%s/template.yaml', dir => {
    const file = `templates/${dir}/template.yaml`;
    const text = fs.readFileSync(path.join(repoRoot, file), 'utf8');
    expect(lintTemplate({ file, text, actions: actionsFixture })).toEqual([]);
  });

  const file = 'templates/nodejs-service/template.yaml';
  const original = fs.readFileSync(path.join(repoRoot, file), 'utf8');
  /** The golden path with one edit, and the line of the edit. */
  function broken(from: string, to: string) {
    const at = original.indexOf(from);
    expect(at).toBeGreaterThan(-1);
    return {
      text: original.replace(from, to),
      line: original.slice(0, at).split('\n').length,
    };
  }
  const lintBroken = (text: string) =>
    lintTemplate({ file, text, actions: actionsFixture }).map(formatProblem);

  it('names the line and step of an undeclared parameter', () => {
    const { text, line } = broken(
      'description: ${{ parameters.description }}\n        defaultBranch',
      'description: ${{ parameters.descripton }}\n        defaultBranch',
    );
    expect(lintBroken(text)).toEqual([
      `${file}:${line}: template "nodejs-service", step "publish": input.description: parameters.descripton is not declared by the wizard (spec.parameters); did you mean parameters.description?`,
    ]);
  });

  it('names the step of an unknown action', () => {
    const { text, line } = broken(
      'action: catalog:location:register',
      'action: catalog:location:registr',
    );
    expect(lintBroken(text)).toEqual([
      `${file}:${line}: template "nodejs-service", step "register": unknown action "catalog:location:registr": the portal has no such action (did you mean "catalog:location:register"?)`,
    ]);
  });

  it('names an output the action does not declare', () => {
    const { text, line } = broken(
      'url: ${{ steps.argocd.output.url }}',
      'url: ${{ steps.argocd.output.link }}',
    );
    expect(lintBroken(text)).toEqual([
      `${file}:${line}: template "nodejs-service": output.links[2].url: steps.argocd.output.link: argocd:application:register has no output "link" (it outputs appName, appNamespace, project, url, state, projectState)`,
    ]);
  });

  it('checks an anchored input for the preflight and for the step, and a field of the wrong type', () => {
    const { text, line } = broken(
      'createNamespace: false',
      'createNamespace: "no"',
    );
    expect(lintBroken(text)).toEqual([
      `${file}:${line}: template "nodejs-service", step "preflight": input.steps[0].input.createNamespace: must be boolean, got string "no"`,
      `${file}:${line}: template "nodejs-service", step "argocd": input.createNamespace: must be boolean, got string "no"`,
    ]);
  });

  it('names an input field the action does not take', () => {
    const { text, line } = broken(
      'repoVisibility: internal',
      'visibility: internal',
    );
    expect(lintBroken(text)).toEqual([
      `${file}:${line}: template "nodejs-service", step "publish-github": input.visibility: publish:github takes no field "visibility" (did you mean "repoVisibility"?)`,
    ]);
  });

  it("takes either form of catalog:register's input (anyOf), and explains the nearer one", () => {
    const { text, line } = broken(
      'repoContentsUrl: ${{ steps',
      'repoContentUrl: ${{ steps',
    );
    expect(lintBroken(text)).toEqual([
      `${file}:${
        line - 1
      }: template "nodejs-service", step "register-github": input: missing required field "repoContentsUrl" of catalog:register`,
      `${file}:${line}: template "nodejs-service", step "register-github": input.repoContentUrl: catalog:register takes no field "repoContentUrl" (did you mean "repoContentsUrl"?)`,
    ]);
  });
});

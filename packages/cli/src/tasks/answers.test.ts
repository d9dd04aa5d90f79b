import fs from 'node:fs';
import path from 'node:path';
import yaml from 'yaml';
import { ExitCode } from '../exitCodes';
import { ParameterSchema } from '../portal/scaffolder';
import { wizardFields } from '../templates/wizard';
import { Answers, FlagFor, applyDefaults, coerce, mapFlags } from './answers';
import { completeEntityRefs } from './pickers';
import { validateAnswers } from './validateAnswers';

const templates = path.resolve(__dirname, '../../../../templates');

/** A template's wizard as GET …/parameter-schema serves it. */
function wizard(dir: string): ParameterSchema {
  const template = yaml.parse(
    fs.readFileSync(path.join(templates, dir, 'template.yaml'), 'utf8'),
  );
  return {
    title: template.metadata.title,
    steps: template.spec.parameters.map((schema: any) => ({
      title: schema.title,
      schema,
    })),
  };
}

const flagFor: FlagFor = param => `--${param}`;

function answersFor(
  parameters: ParameterSchema,
  values: Record<string, unknown>,
): Answers {
  const answers = mapFlags({
    templateRef: 'template:default/x',
    fields: wizardFields(parameters),
    flags: Object.entries(values).map(([name, value]) => ({
      flag: `--${name}`,
      params: [name],
      value,
    })),
  });
  completeEntityRefs(answers, wizardFields(parameters));
  applyDefaults(answers, parameters);
  return answers;
}

const goodService = {
  name: 'checkout-api',
  description: 'Checkout',
  owner: 'fulfilment-team',
  system: 'order-management',
};

describe('validateAnswers', () => {
  const goService = wizard('go-service');

  it('accepts answers that fit, with the schema defaults filled in and picker answers as full refs', () => {
    const answers = answersFor(goService, goodService);
    expect(
      validateAnswers({ parameters: goService, answers, flagFor }),
    ).toEqual([]);
    expect(answers.values).toEqual({
      name: 'checkout-api',
      description: 'Checkout',
      owner: 'group:default/fulfilment-team',
      system: 'system:default/order-management',
      database: 'none',
      environment: 'dev',
      size: 'small',
      replicas: 2,
    });
  });

  it("refuses a bad name with the wizard's message: the field's title, the pattern and the help shown under the field", () => {
    const answers = answersFor(goService, {
      ...goodService,
      name: 'Checkout_API',
    });
    expect(
      validateAnswers({ parameters: goService, answers, flagFor }),
    ).toEqual([
      `--name "Checkout_API": 'Name' must match pattern "^[a-z][a-z0-9-]{1,38}[a-z0-9]$": Lowercase letters, digits and "-"; starts with a letter, e.g. orders-service`,
    ]);
  });

  it("uses the field's description for a pattern without ui:help", () => {
    const preview = wizard('ephemeral-environment');
    const answers = answersFor(preview, {
      service: 'orders-service',
      owner: 'fulfilment-team',
      repoUrl: 'https://github.com/acme-freight/orders-service.git',
      branch: '../escape',
      pullRequest: 42,
    });
    expect(validateAnswers({ parameters: preview, answers, flagFor })).toEqual([
      expect.stringMatching(
        /^--branch "\.\.\/escape": 'Branch' must match pattern ".*": The pull request's branch, deployed as is and re-synced on every push\. Letters, digits/,
      ),
    ]);
  });

  it('names a missing answer by its title, as the wizard does', () => {
    const { owner, ...withoutOwner } = goodService;
    const answers = answersFor(goService, withoutOwner);
    expect(
      validateAnswers({ parameters: goService, answers, flagFor }),
    ).toEqual([
      "--owner: must have required property 'Owner' (The team that owns, runs and is on call for the service.)",
    ]);
  });

  it('lists the allowed values of an enum and the bounds of a number', () => {
    const answers = answersFor(goService, {
      ...goodService,
      database: 'mysql',
      replicas: '11',
    });
    expect(
      validateAnswers({ parameters: goService, answers, flagFor }),
    ).toEqual([
      `--database "mysql": 'Database' must be equal to one of the allowed values: none, postgres`,
      `--replicas 11: 'Replicas' must be <= 10`,
    ]);
  });

  it("prefers a template's own errorMessage, as the wizard's validator (ajv-errors) does", () => {
    const parameters: ParameterSchema = {
      title: 'x',
      steps: [
        {
          title: 'Step',
          schema: {
            required: ['name'],
            properties: {
              name: {
                title: 'Name',
                type: 'string',
                pattern: '^[a-z]+$',
                errorMessage: { pattern: 'only lowercase letters, please' },
              },
            },
          },
        },
      ],
    };
    const answers = answersFor(parameters, { name: 'ABC' });
    expect(validateAnswers({ parameters, answers, flagFor })).toEqual([
      `--name "ABC": 'Name' only lowercase letters, please`,
    ]);
  });

  it('does not report twice a parameter whose problem is already known', () => {
    const { owner, ...withoutOwner } = goodService;
    const answers = answersFor(goService, withoutOwner);
    answers.problems.set('owner', '--owner is required: you are in no team');
    expect(
      validateAnswers({ parameters: goService, answers, flagFor }),
    ).toEqual(['--owner is required: you are in no team']);
  });
});

describe('mapFlags', () => {
  const preview = wizard('ephemeral-environment');
  const fields = wizardFields(preview);

  it('maps flags to the parameter names the template declares and types them', () => {
    const answers = mapFlags({
      templateRef: 'template:default/ephemeral-environment',
      fields,
      flags: [
        { flag: '--pr', params: ['pullRequest', 'pr'], value: '42' },
        { flag: '--ttl', params: ['ttl'], value: '3d' },
        { flag: '--env', params: ['environment', 'env'], value: 'Staging' },
        { flag: '--branch', params: ['branch'], value: undefined },
      ],
      sets: ['size=Large'],
    });
    expect(answers.values).toEqual({
      pullRequest: 42,
      ttl: '72h',
      environment: 'staging',
      size: 'large',
    });
    expect(answers.sources.get('size')).toBe('--set size');
  });

  it('refuses a flag the template has no parameter for, with exit 2', () => {
    expect(() =>
      mapFlags({
        templateRef: 'template:default/ephemeral-environment',
        fields,
        flags: [{ flag: '--replicas', params: ['replicas'], value: '3' }],
        sets: ['colour=blue'],
      }),
    ).toThrow(
      expect.objectContaining({
        exitCode: ExitCode.BadInput,
        message: expect.stringContaining(
          '--replicas: template:default/ephemeral-environment has no parameter replicas',
        ),
      }),
    );
    expect(() =>
      mapFlags({
        templateRef: 'template:default/ephemeral-environment',
        fields,
        flags: [],
        sets: ['colour=blue'],
      }),
    ).toThrow(
      /^--set colour: .* has no parameter colour \(it asks for service, owner, repoUrl/,
    );
  });
});

describe('coerce', () => {
  it('leaves what does not fit the type as typed, for validation to explain', () => {
    expect(coerce('two', { type: 'integer' })).toBe('two');
    expect(coerce('true', { type: 'boolean' })).toBe(true);
    expect(coerce('1w', { type: 'string', enum: ['24h', '168h'] })).toBe(
      '168h',
    );
  });
});

/*
 * platform create service | environment: a golden path from the command
 * line. The template comes from the catalog, the answers are validated
 * against its own parameter schema before anything starts, and the task's
 * log streams until it ends.
 */
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { Command } from 'commander';
import { ExitCodeValue } from '../exitCodes';
import { getEntity } from '../portal/catalog';
import { PortalClient } from '../portal/PortalClient';
import { JsonSchema, getParameterSchema } from '../portal/scaffolder';
import type { CliContext } from '../program';
import { PrepareAnswersOptions, prepareAnswers } from '../tasks/answers';
import {
  defaultOwnerToTeam,
  defaultSystemToOwners,
  defaultsFromService,
} from '../tasks/defaults';
import { completeEntityRef } from '../tasks/pickers';
import {
  getTemplate,
  listTemplates,
  pickServiceTemplate,
  pickTemplateOfType,
} from '../tasks/pickTemplate';
import { runOrDryRun } from '../tasks/run';
import { wizardFields } from '../templates/wizard';

const collect = (value: string, previous: string[] = []) => [
  ...previous,
  value,
];

interface CommonOptions {
  template?: string;
  set?: string[];
  dryRun?: boolean;
}

interface ServiceOptions extends CommonOptions {
  name?: string;
  language?: string;
  owner?: string;
  system?: string;
  description?: string;
  database?: string;
  env?: string;
  size?: string;
  replicas?: string;
}

interface EnvironmentOptions extends CommonOptions {
  service?: string;
  pr?: string;
  branch?: string;
  ttl?: string;
  owner?: string;
  repoUrl?: string;
  env?: string;
  size?: string;
}

function withCommonOptions(command: Command): Command {
  return command
    .option(
      '--template <name>',
      'run this template instead of the one the catalog picks',
    )
    .option(
      '--set <parameter=value>',
      'any other parameter of the template, by its name (repeatable)',
      collect,
    )
    .option(
      '--dry-run',
      "run the scaffolder's dry run and print the plan: the steps' logs and the files it would create; writes nothing",
    );
}

/** What a create command brings to the flow both share. */
interface CreateSteps {
  /** The `spec.type` of the templates it runs. */
  type: string;
  /** The template to run when --template names none, of the catalog's templates of that type. */
  pick(templates: Entity[]): Entity;
  /** The command's flags and answers it derives, once the template's wizard is known. */
  answers(wizard: {
    portal: PortalClient;
    template: Entity;
    fields: Map<string, JsonSchema>;
  }): Promise<Pick<PrepareAnswersOptions, 'flags' | 'derive' | 'known'>>;
}

/**
 * The template (named or picked), its wizard, the answers checked against
 * it, then the task or its dry run.
 */
async function createFromTemplate(
  context: CliContext,
  options: CommonOptions,
  steps: CreateSteps,
): Promise<ExitCodeValue> {
  const portal = context.portal();
  const template = options.template
    ? await getTemplate(portal, options.template)
    : steps.pick(await listTemplates(portal, steps.type));
  const templateRef = stringifyEntityRef(template);
  const parameters = await getParameterSchema(portal, templateRef);
  const fields = wizardFields(parameters);
  const { flags, derive, known } = await steps.answers({
    portal,
    template,
    fields,
  });
  const answers = await prepareAnswers({
    portal,
    templateRef,
    parameters,
    flags,
    sets: options.set,
    derive,
    known,
  });
  return runOrDryRun({
    portal,
    template,
    answers,
    fields,
    dryRun: Boolean(options.dryRun),
    io: context,
  });
}

function createService(
  context: CliContext,
  options: ServiceOptions,
): Promise<ExitCodeValue> {
  return createFromTemplate(context, options, {
    type: 'service',
    pick: services => pickServiceTemplate(services, options.language),
    answers: async ({ portal, template }) => ({
      flags: [
        { flag: '--name', params: ['name'], value: options.name },
        { flag: '--owner', params: ['owner'], value: options.owner },
        { flag: '--system', params: ['system'], value: options.system },
        {
          flag: '--description',
          params: ['description'],
          value: options.description,
        },
        { flag: '--database', params: ['database'], value: options.database },
        { flag: '--env', params: ['environment', 'env'], value: options.env },
        { flag: '--size', params: ['size'], value: options.size },
        { flag: '--replicas', params: ['replicas'], value: options.replicas },
      ],
      derive: async (derived, fields) => {
        await defaultOwnerToTeam(portal, derived, fields);
        await defaultSystemToOwners(portal, derived, fields);
        const description = fields.get('description');
        if (
          description &&
          derived.values.description === undefined &&
          !('default' in description)
        ) {
          // The wizard asks for a sentence; one command should not have to.
          derived.values.description = `${
            template.metadata.title ?? template.metadata.name
          }, created with platform create service`;
          derived.sources.set('description', 'default of platform create');
        }
      },
    }),
  });
}

function createEnvironment(
  context: CliContext,
  options: EnvironmentOptions,
): Promise<ExitCodeValue> {
  return createFromTemplate(context, options, {
    type: 'environment',
    pick: templates => pickTemplateOfType(templates, 'environment'),
    answers: async ({ portal, fields }) => {
      // The previewed service: its owner and repository fill two answers.
      const known = new Map<string, Entity>();
      let service: Entity | undefined;
      const serviceSchema = fields.get('service');
      if (options.service && serviceSchema) {
        const ref = completeEntityRef(options.service, serviceSchema);
        service = ref ? await getEntity(portal, ref) : undefined;
        if (ref && service) {
          known.set(ref, service);
        }
      }
      return {
        flags: [
          { flag: '--service', params: ['service'], value: options.service },
          { flag: '--pr', params: ['pullRequest', 'pr'], value: options.pr },
          { flag: '--branch', params: ['branch'], value: options.branch },
          { flag: '--ttl', params: ['ttl'], value: options.ttl },
          { flag: '--owner', params: ['owner'], value: options.owner },
          { flag: '--repo-url', params: ['repoUrl'], value: options.repoUrl },
          { flag: '--env', params: ['environment', 'env'], value: options.env },
          { flag: '--size', params: ['size'], value: options.size },
        ],
        derive: async (derived, derivedFields) =>
          defaultsFromService(derived, derivedFields, service),
        known,
      };
    },
  });
}

export function registerCreateCommands(program: Command, context: CliContext) {
  const create = program
    .command('create')
    .description('Create a service or an environment from a golden path');

  withCommonOptions(
    create
      .command('service')
      .description(
        "Create a service from the golden path for its language: validates the answers against the template's wizard, runs the template and streams its log; exit 0 done, 1 a step failed, 2 wrong answers (nothing started), 3 portal unreachable",
      )
      .option(
        '--name <name>',
        'the service: its repository, catalog entity, namespace, …',
      )
      .option(
        '--language <language>',
        'picks the golden path: a tag of a service template (go, nodejs)',
      )
      .option('--owner <team>', 'the owning team (default: your team)')
      .option(
        '--system <system>',
        "the system it is part of (default: the owner's only system)",
      )
      .option('--description <text>', 'one sentence on what it does')
      .option('--database <database>', 'postgres or none')
      .option('--env <environment>', 'dev, staging or production')
      .option('--size <size>', 'small, medium or large')
      .option('--replicas <n>', 'minimum number of pods'),
  ).action(async (options: ServiceOptions) => {
    context.setExitCode(await createService(context, options));
  });

  withCommonOptions(
    create
      .command('environment')
      .description(
        'Deploy a pull request of a service into an ephemeral environment (namespace with a time-to-live and an ArgoCD application); exit codes as for create service',
      )
      .option('--service <service>', 'the service to preview (catalog name)')
      .option('--pr <number>', 'the pull request number (names the namespace)')
      .option('--branch <branch>', "the pull request's branch")
      .option('--ttl <duration>', 'time to live: 24h, 72h (3d) or 7d')
      .option(
        '--owner <team>',
        "the responsible team (default: the service's owner)",
      )
      .option(
        '--repo-url <url>',
        "the repository's clone URL (default: from the service's annotations)",
      )
      .option('--env <environment>', 'dev or staging')
      .option('--size <size>', 'small, medium or large'),
  ).action(async (options: EnvironmentOptions) => {
    context.setExitCode(await createEnvironment(context, options));
  });
}

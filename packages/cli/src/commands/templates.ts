import fs from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { ExitCode } from '../exitCodes';
import { queryEntities } from '../portal/catalog';
import { CliError } from '../portal/PortalClient';
import { TemplateAction, fetchActions } from '../portal/scaffolder';
import type { CliContext } from '../program';
import { TemplateCheckResult, checkTemplate } from '../templates/check';
import {
  TemplateLocation,
  findTemplatesRoot,
  locateTemplate,
  templateDirs,
} from '../templates/locate';
import { formatProblem } from '../templates/problems';

/** Dry runs at a time: enough to overlap the portal's work, not to swamp it. */
const CONCURRENCY = 4;

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Rows as columns padded to the widest cell. */
function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, i) =>
    Math.max(...rows.map(row => row[i].length)),
  );
  return rows.map(row =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i])))
      .join('  ')
      .trimEnd(),
  );
}

async function listCommand(context: CliContext) {
  const templates = await queryEntities(
    context.portal(),
    { kind: 'template' },
    {
      fields: [
        'kind',
        'metadata.name',
        'metadata.namespace',
        'metadata.title',
        'spec.type',
      ],
      orderField: 'metadata.name,asc',
    },
  );
  if (!templates.length) {
    context.out(
      `The catalog of ${context.portal().baseUrl} holds no templates.`,
    );
    return;
  }
  const rows = templates.map(t => [
    t.metadata.namespace && t.metadata.namespace !== 'default'
      ? `${t.metadata.namespace}/${t.metadata.name}`
      : t.metadata.name,
    String(t.spec?.type ?? ''),
    t.metadata.title ?? '',
  ]);
  table([['NAME', 'TYPE', 'TITLE'], ...rows]).forEach(line =>
    context.out(line),
  );
}

function readActionsFile(file: string): TemplateAction[] {
  let actions: unknown;
  try {
    actions = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new CliError(
      `--actions ${file}: ${(error as Error).message}`,
      ExitCode.BadInput,
    );
  }
  if (
    !Array.isArray(actions) ||
    !actions.every(a => typeof a?.id === 'string')
  ) {
    throw new CliError(
      `--actions ${file}: not an action list (the JSON of GET /api/scaffolder/v2/actions)`,
      ExitCode.BadInput,
    );
  }
  return actions;
}

/** The templates named on the command line, or every one under templates/. */
function templatesToCheck(paths: string[]): TemplateLocation[] {
  const cwd = process.cwd();
  if (!paths.length) {
    const root = findTemplatesRoot(cwd);
    const dirs = root ? templateDirs(root) : [];
    if (!dirs.length) {
      throw new CliError(
        root
          ? `${
              path.relative(cwd, root) || root
            } holds no <folder>/template.yaml`
          : `No templates/ folder here or above ${cwd}: name the template folders or files to check`,
        ExitCode.BadInput,
      );
    }
    return dirs.map(dir => ({ dir, file: path.join(dir, 'template.yaml') }));
  }
  const located = paths.map(p => locateTemplate(p, cwd));
  const errors = located.flatMap(l => ('error' in l ? [l.error] : []));
  if (errors.length) {
    throw new CliError(errors.join('\n'), ExitCode.BadInput);
  }
  return located as TemplateLocation[];
}

/** Runs `work` over `items`, `limit` at a time; results in input order. */
function limited<T, R>(
  items: T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R>[] {
  const settle: Array<{ resolve(r: R): void; reject(e: unknown): void }> = [];
  const results = items.map(
    () => new Promise<R>((resolve, reject) => settle.push({ resolve, reject })),
  );
  // Awaited in order later; a failure must not count as unhandled meanwhile.
  results.forEach(result => result.catch(() => undefined));
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      try {
        settle[index].resolve(await work(items[index]));
      } catch (error) {
        settle[index].reject(error);
      }
    }
  };
  for (let i = 0; i < Math.min(limit, items.length); i++) {
    void worker();
  }
  return results;
}

function printResult(context: CliContext, result: TemplateCheckResult) {
  if (result.problems.length) {
    context.out(`✗ ${result.name} (${result.dir})`);
    result.problems.forEach(p => context.out(formatProblem(p)));
    return;
  }
  let note = '';
  if (result.dryRun === 'skipped') {
    note = ' — lint only';
  } else if (result.valuesFrom === 'generated') {
    note = ' — answers generated from the wizard (no check.yaml)';
  }
  context.out(`✓ ${result.name} (${result.dir})${note}`);
}

async function checkCommand(
  context: CliContext,
  paths: string[],
  options: { offline?: boolean; actions?: string },
) {
  const templates = templatesToCheck(paths);
  let actions: TemplateAction[] | undefined;
  if (options.actions) {
    actions = readActionsFile(options.actions);
  } else if (!options.offline) {
    actions = await fetchActions(context.portal());
  }
  const checks = limited(templates, CONCURRENCY, template =>
    checkTemplate({
      portal: context.portal(),
      file: template.file,
      actions,
      offline: options.offline,
    }),
  );
  let failed = 0;
  let problems = 0;
  for (const check of checks) {
    const result = await check;
    printResult(context, result);
    if (result.problems.length) {
      failed++;
      problems += result.problems.length;
    }
  }
  const passed = templates.length - failed;
  context.out('');
  context.out(
    `${plural(templates.length, 'template')} checked${
      options.offline
        ? ` offline (lint only${actions ? '' : ', without the actions'})`
        : ''
    }: ${passed} passed, ${failed} failed${
      problems ? ` (${plural(problems, 'problem')})` : ''
    }`,
  );
  if (failed) {
    context.setExitCode(ExitCode.Failed);
  }
}

/** `platform templates list` and `platform templates check`. */
export function registerTemplateCommands(
  program: Command,
  context: CliContext,
) {
  const templates = program
    .command('templates')
    .description("The portal's templates, and checks of template folders");

  templates
    .command('list')
    .description(
      "List the templates in the portal's catalog: name, type, title",
    )
    .action(() => listCommand(context));

  templates
    .command('check')
    .description(
      "Check templates: lint (parameters, step outputs, expressions, actions and their inputs), then the scaffolder's dry run with check.yaml's answers (or answers generated from the wizard) and the rendered repository. Exit 1 on any problem, 2 on a path that holds no template.",
    )
    .argument(
      '[paths...]',
      'template folders or template.yaml files (default: every templates/*/template.yaml of the repository)',
    )
    .option('--offline', 'lint only: no portal, no dry run')
    .option(
      '--actions <file>',
      "the portal's action list as JSON (GET /api/scaffolder/v2/actions), to check actions and inputs offline",
    )
    .action(
      (paths: string[], options: { offline?: boolean; actions?: string }) =>
        checkCommand(context, paths, options),
    );
}

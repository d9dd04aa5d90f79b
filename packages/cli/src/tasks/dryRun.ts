/*
 * --dry-run: the scaffolder's own dry run (what the template editor runs) of
 * the catalog's template with the same answers. It needs the template's
 * files (the skeleton), which the portal does not serve: they are read from
 * the template's folder when the catalog loaded it from a file this machine
 * can read, i.e. in a clone of the repository. Nothing is written anywhere.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { ExitCode, ExitCodeValue } from '../exitCodes';
import {
  CliError,
  PortalClient,
  failureExitCode,
} from '../portal/PortalClient';
import { dryRun } from '../portal/scaffolder';
import { directoryContents } from '../templates/directoryContents';
import { TaskLog, printOutput, withoutStack } from './follow';

const LOCATION_ANNOTATIONS = [
  'backstage.io/source-location',
  'backstage.io/managed-by-location',
];

/** The template's folder on this machine, or exit 2 saying where it lives instead. */
export function templateFolder(template: Entity): string {
  const annotations = template.metadata.annotations ?? {};
  const locations = LOCATION_ANNOTATIONS.map(a => annotations[a]).filter(
    (l): l is string => Boolean(l),
  );
  for (const location of locations) {
    if (!location.startsWith('file:')) {
      continue;
    }
    const target = location.slice('file:'.length);
    const dir = /\.ya?ml$/.test(target) ? path.dirname(target) : target;
    if (fs.existsSync(dir) && fs.statSync(dir).isDirectory()) {
      return dir;
    }
  }
  throw new CliError(
    `--dry-run sends the template's files to the scaffolder, and ${stringifyEntityRef(
      template,
    )} comes from ${
      locations[0] ?? 'no location the catalog records'
    }, not a folder readable here: run it from a clone of the repository the portal loads templates from`,
    ExitCode.BadInput,
  );
}

interface TreeNode {
  [name: string]: TreeNode;
}

/** Paths as a tree, folders first: `├── k8s/`, `│   └── deployment.yaml`. */
export function fileTree(paths: string[]): string[] {
  const root: TreeNode = {};
  for (const file of paths) {
    let node = root;
    for (const part of file.split('/')) {
      node[part] ??= {};
      node = node[part];
    }
  }
  const lines: string[] = [];
  const walk = (node: TreeNode, prefix: string) => {
    const names = Object.keys(node).sort((a, b) => {
      const aDir = Object.keys(node[a]).length > 0;
      const bDir = Object.keys(node[b]).length > 0;
      if (aDir !== bDir) {
        return aDir ? -1 : 1;
      }
      return a.localeCompare(b);
    });
    names.forEach((name, i) => {
      const last = i === names.length - 1;
      const isDir = Object.keys(node[name]).length > 0;
      lines.push(
        `${prefix}${last ? '└── ' : '├── '}${name}${isDir ? '/' : ''}`,
      );
      if (isDir) {
        walk(node[name], `${prefix}${last ? '    ' : '│   '}`);
      }
    });
  };
  walk(root, '');
  return lines;
}

/**
 * Runs the dry run and prints the plan: each step's dry-run log, the files
 * the template would create, and the output it would show.
 */
export async function printDryRun(options: {
  portal: PortalClient;
  template: Entity;
  values: Record<string, unknown>;
  out: (line: string) => void;
  appUrl: string;
}): Promise<ExitCodeValue> {
  const { portal, template, values, out } = options;
  const ref = stringifyEntityRef(template);
  const folder = templateFolder(template);
  const outcome = await dryRun(portal, {
    // The entity as the catalog holds it, without what the catalog adds.
    template: {
      apiVersion: template.apiVersion,
      kind: template.kind,
      metadata: template.metadata,
      spec: template.spec,
    },
    values,
    directoryContents: directoryContents(folder),
  });
  if (!outcome.ok) {
    if (outcome.refusedAnswers) {
      throw new CliError(
        `the scaffolder refused the answers for ${ref}: ${outcome.refusedAnswers.join(
          '; ',
        )}`,
        ExitCode.BadInput,
      );
    }
    throw new CliError(
      `the dry run of ${ref} failed (${outcome.status}):\n${withoutStack(
        outcome.message ?? outcome.statusText,
      ).join('\n')}`,
      failureExitCode(outcome.status),
    );
  }
  const { result } = outcome;
  out(`Dry run of ${ref} from ${folder}: nothing is written.`);
  out('');
  const log = new TaskLog(result.steps ?? [], out);
  result.log.forEach(line => log.handle(line));
  const files = result.directoryContents.map(f => f.path).sort();
  out('');
  if (files.length === 0) {
    out('Files it would create: none');
  } else {
    out(`Files it would create (${files.length}):`);
    fileTree(files).forEach(line => out(`  ${line}`));
  }
  printOutput(result.output, out, options.appUrl);
  const failed = [...log.stepStatus.values()].includes('failed');
  return failed ? ExitCode.Failed : ExitCode.Ok;
}

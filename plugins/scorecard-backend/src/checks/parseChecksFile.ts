import {
  CHECK_WEIGHTS,
  CheckDefinition,
  LevelDefinition,
} from '@internal/plugin-scorecard-common';
import { isNode, isScalar, LineCounter, parseDocument, Document } from 'yaml';
import { z } from 'zod';
import { validateCondition } from './conditions';

/**
 * A checks file that was parsed and validated.
 */
export interface ChecksSet {
  checks: CheckDefinition[];
  levels: LevelDefinition[];
  /** Where the set came from (a file path, or `<request body>` for dry runs). */
  source: string;
}

/** One problem found in a checks file. */
export interface ChecksFileProblem {
  line: number;
  column: number;
  path: string;
  message: string;
}

/**
 * A checks file that is refused. The message lists every problem as
 * `file:line:column: path: reason`.
 */
export class ChecksFileError extends Error {
  readonly problems: ChecksFileProblem[];
  readonly file: string;

  constructor(file: string, problems: ChecksFileProblem[]) {
    super(
      `Invalid scorecard checks file ${file}:\n${problems
        .map(
          p =>
            `  ${file}:${p.line}:${p.column}: ${p.path ? `${p.path}: ` : ''}${
              p.message
            }`,
        )
        .join('\n')}`,
    );
    this.name = 'ChecksFileError';
    this.file = file;
    this.problems = problems;
  }
}

const idPattern = /^[a-z0-9][a-z0-9-]{0,62}$/;
const stringList = z.array(z.string().min(1)).min(1);

const checkSchema = z
  .object({
    id: z
      .string()
      .regex(idPattern, 'must be lower-case letters, digits and dashes'),
    title: z.string().min(1),
    description: z.string().optional(),
    weight: z.enum(CHECK_WEIGHTS as [string, ...string[]]),
    appliesTo: z
      .object({
        kind: stringList.optional(),
        type: stringList.optional(),
        lifecycle: stringList.optional(),
        tag: stringList.optional(),
        condition: z.unknown().optional(),
      })
      .strict()
      .optional(),
    condition: z.unknown(),
    remediation: z
      .object({
        text: z.string().min(1),
        link: z.url().optional(),
      })
      .strict()
      .optional(),
    enforcedFrom: z
      .union([z.string(), z.date()])
      .transform(v => (v instanceof Date ? v.toISOString().slice(0, 10) : v))
      .refine(v => /^\d{4}-\d{2}-\d{2}$/.test(v) && !isNaN(Date.parse(v)), {
        message: 'must be a date written as YYYY-MM-DD',
      })
      .optional(),
  })
  .strict();

const fileSchema = z
  .object({
    levels: z
      .array(
        z
          .object({
            id: z
              .string()
              .regex(
                idPattern,
                'must be lower-case letters, digits and dashes',
              ),
            title: z.string().optional(),
            requires: z
              .array(z.enum(CHECK_WEIGHTS as [string, ...string[]]))
              .min(1),
          })
          .strict(),
      )
      .default([]),
    checks: z.array(checkSchema),
  })
  .strict();

type Issue = { path: PropertyKey[]; message: string };

/**
 * Checks zod cannot express: unique ids and the condition language. Runs on
 * the raw value so that these problems are reported together with schema
 * problems, not only once the schema passes.
 */
function crossChecks(file: Record<string, unknown>): Issue[] {
  const issues: Issue[] = [];
  const checks = Array.isArray(file.checks) ? file.checks : [];
  const seen = new Map<unknown, number>();
  checks.forEach((check: any, index) => {
    if (typeof check !== 'object' || check === null) {
      return;
    }
    if (typeof check.id === 'string') {
      if (seen.has(check.id)) {
        issues.push({
          path: ['checks', index, 'id'],
          message: `duplicate check id '${
            check.id
          }' (first used by checks[${seen.get(check.id)}])`,
        });
      } else {
        seen.set(check.id, index);
      }
    }
    if (check.condition !== undefined) {
      for (const problem of validateCondition(check.condition)) {
        issues.push({
          path: ['checks', index, 'condition', ...problem.path],
          message: problem.message,
        });
      }
    }
    if (check.appliesTo?.condition !== undefined) {
      for (const problem of validateCondition(check.appliesTo.condition)) {
        issues.push({
          path: ['checks', index, 'appliesTo', 'condition', ...problem.path],
          message: problem.message,
        });
      }
    }
  });
  const levelIds = new Set<unknown>();
  (Array.isArray(file.levels) ? file.levels : []).forEach(
    (level: any, index) => {
      if (level && typeof level === 'object' && levelIds.has(level.id)) {
        issues.push({
          path: ['levels', index, 'id'],
          message: `duplicate level id '${level.id}'`,
        });
      }
      levelIds.add(level?.id);
    },
  );
  return issues;
}

/** Finds the deepest node of the document that exists along `path`. */
function locate(
  doc: Document,
  path: ReadonlyArray<PropertyKey>,
): { offset: number } {
  let offset = 0;
  const root = doc.contents;
  if (isNode(root) && root.range) {
    offset = root.range[0];
  }
  for (let i = 1; i <= path.length; i++) {
    const node = doc.getIn(path.slice(0, i) as unknown[], true);
    if (!isNode(node) || !node.range) {
      // An unknown key: point at the key itself when it exists.
      break;
    }
    offset = node.range[0];
  }
  // Prefer the key of a map entry over its value for unrecognised keys.
  const parent = doc.getIn(path.slice(0, -1) as unknown[], true);
  const last = path[path.length - 1];
  if (
    parent &&
    typeof parent === 'object' &&
    'items' in parent &&
    Array.isArray((parent as any).items)
  ) {
    for (const item of (parent as any).items) {
      if (
        item &&
        isScalar(item.key) &&
        item.key.value === last &&
        item.key.range
      ) {
        offset = item.key.range[0];
      }
    }
  }
  return { offset };
}

function formatPath(path: ReadonlyArray<PropertyKey>): string {
  return path
    .map((p, i) =>
      typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`,
    )
    .join('');
}

/**
 * Parses and validates the text of a checks file. Throws a
 * {@link ChecksFileError} naming the file, line and reason of every problem.
 */
export function parseChecksFile(text: string, source: string): ChecksSet {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new ChecksFileError(
      source,
      doc.errors.map(e => {
        const pos = lineCounter.linePos(e.pos[0]);
        return {
          line: pos.line,
          column: pos.col,
          path: '',
          message: e.message.split('\n')[0],
        };
      }),
    );
  }
  const value = doc.toJS();
  if (
    value === null ||
    value === undefined ||
    typeof value !== 'object' ||
    Array.isArray(value)
  ) {
    throw new ChecksFileError(source, [
      {
        line: 1,
        column: 1,
        path: '',
        message: 'the file must be a mapping with `checks` (and `levels`)',
      },
    ]);
  }
  const parsed = fileSchema.safeParse(value);
  const issues: Issue[] = parsed.success
    ? []
    : parsed.error.issues.map(issue => {
        if (issue.code === 'unrecognized_keys') {
          return {
            path: [...issue.path, issue.keys[0]],
            message: `unknown key${
              issue.keys.length > 1 ? 's' : ''
            } ${issue.keys.map(k => `'${k}'`).join(', ')}`,
          };
        }
        if (/received undefined$/.test(issue.message) && issue.path.length) {
          // A missing key: point at the mapping that should hold it.
          return {
            path: issue.path.slice(0, -1),
            message: `${String(issue.path[issue.path.length - 1])} is required`,
          };
        }
        return { path: [...issue.path], message: issue.message };
      });
  issues.push(...crossChecks(value as Record<string, unknown>));
  if (!parsed.success || issues.length > 0) {
    const problems = issues.map(issue => {
      const pos = lineCounter.linePos(locate(doc, issue.path).offset);
      return {
        line: pos.line,
        column: pos.col,
        path: formatPath(issue.path),
        message: issue.message,
      };
    });
    problems.sort((a, b) => a.line - b.line || a.column - b.column);
    throw new ChecksFileError(source, problems);
  }
  return {
    checks: parsed.data!.checks as CheckDefinition[],
    levels: parsed.data!.levels as LevelDefinition[],
    source,
  };
}

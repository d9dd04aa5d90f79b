/**
 * One thing wrong with a template, located where a platform engineer edits
 * it: the file, the line, the template, the step (when the problem belongs
 * to one) and the reason.
 */
export interface Problem {
  /** The template file as the user named it (relative to the cwd). */
  file: string;
  /** 1-based line in `file`; 1 when nothing better is known. */
  line: number;
  /** metadata.name, or the folder's name when the template has none. */
  template: string;
  /** The step's id (`step-<n>` for a step without one, as the scaffolder names it). */
  step?: string;
  reason: string;
}

/**
 * `templates/<dir>/template.yaml:<line>: template "<name>", step "<id>": <reason>`;
 * a reason of several lines continues indented, so each problem stays one
 * block a reader can tell apart.
 */
export function formatProblem(problem: Problem): string {
  const where = problem.step
    ? `template "${problem.template}", step "${problem.step}"`
    : `template "${problem.template}"`;
  const reason = problem.reason.replace(/\n/g, '\n    ');
  return `${problem.file}:${problem.line}: ${where}: ${reason}`;
}

/** Problems in file order (line, then the order they were found). */
export function byLine(problems: Problem[]): Problem[] {
  return problems
    .map((problem, index) => ({ problem, index }))
    .sort((a, b) => a.problem.line - b.problem.line || a.index - b.index)
    .map(({ problem }) => problem);
}

/** Levenshtein distance, for "did you mean" hints. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j];
      row[j] = Math.min(
        row[j] + 1,
        row[j - 1] + 1,
        previous + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      previous = current;
    }
  }
  return row[b.length];
}

/** The closest of `candidates` to a misspelt `name`, if one is close. */
export function closest(
  name: string,
  candidates: Iterable<string>,
): string | undefined {
  let best: { candidate: string; score: number } | undefined;
  for (const candidate of candidates) {
    const [a, b] = [name.toLowerCase(), candidate.toLowerCase()];
    // "visibility" for "repoVisibility": a part of the name is close too.
    const score =
      a.length >= 4 && b.length >= 4 && (a.includes(b) || b.includes(a))
        ? 1
        : distance(a, b);
    if (!best || score < best.score) {
      best = { candidate, score };
    }
  }
  return best && best.score <= Math.max(2, Math.floor(name.length / 3))
    ? best.candidate
    : undefined;
}

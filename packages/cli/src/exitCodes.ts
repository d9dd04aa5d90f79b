/** Exit codes a script can rely on. */
export const ExitCode = {
  /** Done: the task succeeded, the templates passed. */
  Ok: 0,
  /** The work ran and failed: a template check failed, a task failed. */
  Failed: 1,
  /** The command or its answers are wrong (refused before anything ran). */
  BadInput: 2,
  /** The portal could not be reached, or refused the token. */
  Unreachable: 3,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * What an action did (or, in a dry run, would do) to one remote object.
 * Every action reports these per object, so a re-run shows convergence.
 */
export type ObjectState = 'created' | 'updated' | 'unchanged';

/** Decides the state from what exists and whether it already matches. */
export function stateFor(existing: unknown, matches: boolean): ObjectState {
  if (existing === undefined) {
    return 'created';
  }
  return matches ? 'unchanged' : 'updated';
}

/**
 * Runs an action's writes in order. When one fails, its error also names
 * what the earlier ones wrote, so a run cut short says exactly what exists
 * now; running the task again converges from there.
 */
export class WriteLog {
  private readonly written: string[] = [];

  async run<T>(what: string, write: () => Promise<T>): Promise<T> {
    try {
      const result = await write();
      this.written.push(what);
      return result;
    } catch (error) {
      if (error instanceof Error) {
        error.message = `${error.message} ${
          this.written.length
            ? `Written by this step before the failure: ${this.written.join(
                ', ',
              )}.`
            : 'This step wrote nothing.'
        } Run the task again to finish; it converges.`;
      }
      throw error;
    }
  }
}

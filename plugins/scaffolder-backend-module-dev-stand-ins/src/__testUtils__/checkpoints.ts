import { JsonValue } from '@backstage/types';

/**
 * A stand-in for the scaffolder's task state: `ctx.checkpoint` stores each
 * result under its key and replays it on the next run of the same task,
 * exactly as the task engine does on a retry. Pass `checkpoint` into
 * createMockActionContext; keep the store across runs to simulate a retry.
 */
export function checkpointStore(initial: Record<string, JsonValue> = {}) {
  const saved = new Map<string, JsonValue>(Object.entries(initial));
  const replayed: string[] = [];
  return {
    saved,
    replayed,
    async checkpoint<T extends JsonValue | void>(opts: {
      key: string;
      fn: () => Promise<T> | T;
    }): Promise<T> {
      if (saved.has(opts.key)) {
        replayed.push(opts.key);
        return saved.get(opts.key) as T;
      }
      const value = await opts.fn();
      saved.set(opts.key, (value ?? null) as JsonValue);
      return value;
    },
  };
}

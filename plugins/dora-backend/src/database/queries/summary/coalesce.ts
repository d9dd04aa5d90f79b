import { Knex } from 'knex';

type Waiting<A, R> = {
  arg: A;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
};

/**
 * Gathers the reads of one kind that summaries started together ask for
 * (GET /metrics starts its window's and the previous window's at once)
 * until the current job's microtasks run, then makes each group's in one
 * query (`readAll`, one result per argument, in order): the same rows, read
 * at the same moment, as one query each, with one round trip less.
 */
export class Coalescer<A, R> {
  private readonly waiting = new Map<string, Array<Waiting<A, R>>>();

  constructor(private readonly readAll: (args: A[]) => Promise<R[]>) {}

  read(group: string, arg: A): Promise<R> {
    return new Promise((resolve, reject) => {
      let list = this.waiting.get(group);
      if (!list) {
        list = [];
        this.waiting.set(group, list);
        queueMicrotask(() => this.flush(group));
      }
      list.push({ arg, resolve, reject });
    });
  }

  private async flush(group: string) {
    const list = this.waiting.get(group) ?? [];
    this.waiting.delete(group);
    try {
      const results = await this.readAll(list.map(w => w.arg));
      list.forEach((w, i) => w.resolve(results[i]));
    } catch (error) {
      list.forEach(w => w.reject(error));
    }
  }
}

/** One coalescer per database client, made on first use. */
export function perDatabase<A, R>(
  make: (db: Knex) => Coalescer<A, R>,
): (db: Knex) => Coalescer<A, R> {
  const coalescers = new WeakMap<Knex, Coalescer<A, R>>();
  return db => {
    let coalescer = coalescers.get(db);
    if (!coalescer) {
      coalescer = make(db);
      coalescers.set(db, coalescer);
    }
    return coalescer;
  };
}

/**
 * Windows read together over their span: the SQL condition that a row's
 * `column` is in window i (named bindings :from<i> and :to<i>).
 */
export function windowsOf(
  windows: Array<{ from: number; to: number }>,
  column: string,
) {
  const bindings: Record<string, number> = {};
  windows.forEach(({ from, to }, i) => {
    bindings[`from${i}`] = from;
    bindings[`to${i}`] = to;
  });
  return {
    bindings,
    from: Math.min(...windows.map(w => w.from)),
    to: Math.max(...windows.map(w => w.to)),
    inWindow: (i: number) => `${column} >= :from${i} AND ${column} < :to${i}`,
  };
}

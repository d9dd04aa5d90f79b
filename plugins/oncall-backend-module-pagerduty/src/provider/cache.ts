/**
 * One answer as it was fetched, and the moments it may be reused in. Values
 * must survive JSON (a database-backed cache stores them so).
 *
 * @public
 */
export interface CachedAnswer<T = unknown> {
  value: T;
  /**
   * When the source gave it (ISO 8601): it is not reused for a question
   * about an earlier moment.
   */
  fetchedAt: string;
  /**
   * Until when it is reused without asking the source (ISO 8601): the TTL,
   * or earlier, e.g. at the next on-call handover. Past it, the answer is
   * never used again.
   */
  freshUntil: string;
}

/**
 * Where the PagerDuty provider keeps its answers while they are fresh. The
 * in-memory one is the default; a database-backed one can replace it so
 * that replicas share answers. An entry past its `freshUntil` is never used
 * again: a cache may drop it.
 *
 * @public
 */
export interface OnCallAnswerCache {
  get<T>(key: string): Promise<CachedAnswer<T> | undefined>;
  set<T>(key: string, answer: CachedAnswer<T>): Promise<void>;
}

/**
 * Answers in process memory, at most `maxEntries` of them (the least
 * recently used go first).
 *
 * @public
 */
export class InMemoryOnCallAnswerCache implements OnCallAnswerCache {
  private readonly entries = new Map<string, CachedAnswer>();
  private readonly maxEntries: number;

  constructor(options: { maxEntries?: number } = {}) {
    this.maxEntries = options.maxEntries ?? 10_000;
  }

  async get<T>(key: string): Promise<CachedAnswer<T> | undefined> {
    const entry = this.entries.get(key);
    if (entry) {
      // Map order is insertion order: re-inserting marks it recently used.
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    return entry as CachedAnswer<T> | undefined;
  }

  async set<T>(key: string, answer: CachedAnswer<T>): Promise<void> {
    this.entries.delete(key);
    this.entries.set(key, answer);
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }
}

/**
 * How long the catalog answers that every ingestion batch and every read
 * needs are kept in memory: a Component's existence and owner, and the
 * Group tree. Without them each request made a request to the catalog (in
 * this process, over HTTP, with its own token); the catalog itself takes
 * longer than this to show a change made in its sources.
 */
export const CATALOG_TTL_MS = 10_000;

/** Values kept for a while: `get` answers until `ttlMs` after `set`. */
export class TtlMap<V> {
  private readonly entries = new Map<string, { expires: number; value: V }>();

  constructor(
    private readonly ttlMs = CATALOG_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expires <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: string, value: V): void {
    const now = this.now();
    // Drops what has expired now and then, so unused keys do not pile up.
    if (this.entries.size >= 1_000) {
      for (const [k, entry] of this.entries) {
        if (entry.expires <= now) this.entries.delete(k);
      }
    }
    this.entries.set(key, { expires: now + this.ttlMs, value });
  }
}

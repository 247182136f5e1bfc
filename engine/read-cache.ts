/**
 * A read cached per key for a while, where the misses of one moment share one read: at an
 * exam's start or end bell thousands of requests find the same entry expired together (2,000
 * submits once read the exam event 1,329 times). Used for the exam event by logins
 * (engine/auth) and by delivery.
 */
export interface ReadCacheOptions<V> {
  /** How long a value read serves (ms). */
  ttlMs: number;
  now?: () => number;
  /** Whether a cached value may serve at all (logins serve only a published event from it). */
  usable?: (value: V) => boolean;
  /** Entries kept at most; beyond, the cache starts empty again. */
  max?: number;
}

export class ReadCache<K, V> {
  private readonly values = new Map<K, { value: V; at: number }>();
  private readonly reads = new Map<K, Promise<V>>();

  constructor(
    private readonly read: (key: K) => Promise<V>,
    private readonly opts: ReadCacheOptions<V>,
  ) {}

  /** The cached value when fresh and usable, else the read under way, else a new read (a failed read is not cached). */
  get(key: K): Promise<V> {
    const at = (this.opts.now ?? Date.now)();
    const c = this.values.get(key);
    if (c && at - c.at < this.opts.ttlMs && (this.opts.usable?.(c.value) ?? true)) return Promise.resolve(c.value);
    const under = this.reads.get(key);
    if (under) return under;
    const read: Promise<V> = this.read(key)
      .then((value) => {
        if (this.reads.get(key) === read) {
          if (this.opts.max !== undefined && this.values.size >= this.opts.max) this.values.clear();
          this.values.set(key, { value, at });
        }
        return value;
      })
      .finally(() => {
        if (this.reads.get(key) === read) this.reads.delete(key);
      });
    this.reads.set(key, read);
    return read;
  }

  /** Drops a key's value and any read under way (which may predate the change). */
  forget(key: K): void {
    this.values.delete(key);
    this.reads.delete(key);
  }
}

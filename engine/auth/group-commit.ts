/**
 * Group commit: callers enqueue items and await their result; items that arrive while one
 * batch is being written go together into the next single transaction. One fsync then
 * serves many logins at the start bell instead of one each.
 */
export class GroupCommit<T, R> {
  private queue: Array<{ item: T; resolve: (r: R) => void; reject: (e: unknown) => void }> = [];
  private running: Promise<void> | undefined;

  constructor(
    private readonly write: (batch: T[]) => Promise<R[]>,
    private readonly maxBatch = 256,
  ) {}

  /** Resolves once the item's batch has committed. */
  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.kick();
    });
  }

  /** Waits until everything queued so far is written. */
  async flush(): Promise<void> {
    while (this.running || this.queue.length) {
      this.kick();
      await this.running;
    }
  }

  private kick(): void {
    if (this.running) return;
    this.running = this.drain().finally(() => {
      this.running = undefined;
      if (this.queue.length) this.kick();
    });
  }

  private async drain(): Promise<void> {
    // Let the current tick's callers join the first batch.
    await new Promise<void>((r) => setImmediate(r));
    while (this.queue.length) {
      const batch = this.queue.splice(0, this.maxBatch);
      try {
        const results = await this.write(batch.map((b) => b.item));
        batch.forEach((b, i) => b.resolve(results[i]));
      } catch (err) {
        for (const b of batch) b.reject(err);
      }
    }
  }
}

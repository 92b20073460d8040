/**
 * Runs work for one key at a time, in arrival order, while other keys proceed in parallel.
 *
 * FerretDB (the embedded database) does not isolate concurrent updates of one document: two `$set`s of
 * different fields sent together keep only one, and two conditional updates with the same filter both
 * succeed (measured: 297 of 300 and 194 of 200 tries). A service therefore keeps the writers of a document
 * apart itself, keyed by what owns the document. This holds within one process: each such service runs as
 * one instance (with MongoDB itself, the conditional updates are atomic across instances as well).
 */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const next = previous.then(work, work);
    const tail = next.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return next;
  }

  /** Whether something for this key is running or waiting. */
  busy(key: string): boolean {
    return this.tails.has(key);
  }
}

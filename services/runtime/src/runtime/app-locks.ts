/**
 * Runs work for one app at a time, in arrival order: a release, a lifecycle operation and a reconciliation
 * pass of the same app never interleave, while different apps proceed in parallel.
 */
export class AppLocks {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(appId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(appId) ?? Promise.resolve();
    const next = previous.then(work, work);
    const tail = next.catch(() => undefined);
    this.tails.set(appId, tail);
    void tail.then(() => {
      if (this.tails.get(appId) === tail) this.tails.delete(appId);
    });
    return next;
  }

  /** Whether something for this app is running or waiting. */
  busy(appId: string): boolean {
    return this.tails.has(appId);
  }
}

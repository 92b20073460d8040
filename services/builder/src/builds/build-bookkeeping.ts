import { BuildStage } from '@slipway/contracts';

export interface RecordUpdate {
  $set: Record<string, unknown>;
  $inc?: Record<string, number>;
}

interface PendingChanges {
  set: Record<string, unknown>;
  inc: Record<string, number>;
  progress: BuildStage[];
}

/**
 * A running build's bookkeeping: changes to its record and the progress events that follow them. It runs
 * beside the build, in order, instead of holding it up. Changes made while a write is in flight are merged
 * into the next write (later values win, as if written one by one), so a burst of them (the build starting
 * and entering `clone`, the source fetched and `detect` entered, the plan and `install`) costs one database
 * write: on FerretDB every write scans the collection. Changes made in the same turn of the event loop are
 * written together too. Progress events still go out one per stage, in
 * order, each after the write that recorded its stage.
 */
export class BuildBookkeeping {
  private pending?: PendingChanges;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly write: (update: RecordUpdate) => Promise<unknown>,
    private readonly publishProgress: (stage: BuildStage) => Promise<void>,
    private readonly onError: (error: Error) => void,
  ) {}

  /** Queues a change of the record; `progress` names a stage to announce once it is written. */
  record(
    set: Record<string, unknown>,
    options: { inc?: Record<string, number>; progress?: BuildStage } = {},
  ): void {
    if (!this.pending) {
      const pending: PendingChanges = { set: {}, inc: {}, progress: [] };
      this.pending = pending;
      // One turn of the event loop first, so changes made in the same moment (awaiting only each other) join.
      this.chain = this.chain
        .then(() => new Promise((resolve) => setImmediate(resolve)))
        .then(() => this.flush(pending))
        .catch((error: Error) => this.onError(error));
    }
    Object.assign(this.pending.set, set);
    for (const [field, amount] of Object.entries(options.inc ?? {}))
      this.pending.inc[field] = (this.pending.inc[field] ?? 0) + amount;
    if (options.progress) this.pending.progress.push(options.progress);
  }

  /** Resolves once everything recorded so far is written and announced (errors are reported, not thrown). */
  async settled(): Promise<void> {
    await this.chain;
  }

  private async flush(changes: PendingChanges): Promise<void> {
    // From here on, new changes go into the next write.
    if (this.pending === changes) this.pending = undefined;
    await this.write({
      $set: changes.set,
      ...(Object.keys(changes.inc).length > 0 ? { $inc: changes.inc } : {}),
    });
    for (const stage of changes.progress) await this.publishProgress(stage);
  }
}

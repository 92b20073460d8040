export type RunBuild = (id: string, signal: AbortSignal) => Promise<void>;
export type PositionsChanged = (positions: ReadonlyMap<string, number>) => void;

export type CancelOutcome = 'dequeued' | 'aborted' | 'unknown';

/**
 * Runs at most `concurrency` builds at once, first come first served. Waiting builds learn their position
 * whenever it changes; a build can be taken out of the queue or aborted while it runs.
 */
export class BuildQueue {
  private readonly waiting: string[] = [];
  private readonly running = new Map<string, AbortController>();

  constructor(
    private readonly concurrency: number,
    private readonly run: RunBuild,
    private readonly onPositions: PositionsChanged = () => undefined,
  ) {}

  enqueue(id: string): void {
    if (this.has(id)) return;
    this.waiting.push(id);
    this.announcePositions();
    this.startNext();
  }

  has(id: string): boolean {
    return this.waiting.includes(id) || this.running.has(id);
  }

  isRunning(id: string): boolean {
    return this.running.has(id);
  }

  get length(): number {
    return this.waiting.length;
  }

  get active(): number {
    return this.running.size;
  }

  cancel(id: string, reason: unknown): CancelOutcome {
    const index = this.waiting.indexOf(id);
    if (index >= 0) {
      this.waiting.splice(index, 1);
      this.announcePositions();
      return 'dequeued';
    }
    const controller = this.running.get(id);
    if (!controller) return 'unknown';
    controller.abort(reason);
    return 'aborted';
  }

  /** Aborts everything (shutdown); waiting builds stay persisted and are picked up at the next start. */
  abortAll(reason: unknown): void {
    this.waiting.splice(0);
    for (const controller of this.running.values()) controller.abort(reason);
  }

  private startNext(): void {
    while (this.running.size < this.concurrency && this.waiting.length > 0) {
      const id = this.waiting.shift() as string;
      const controller = new AbortController();
      this.running.set(id, controller);
      void this.run(id, controller.signal)
        .catch(() => undefined)
        .finally(() => {
          this.running.delete(id);
          this.startNext();
        });
      this.announcePositions();
    }
  }

  private announcePositions(): void {
    this.onPositions(new Map(this.waiting.map((id, index) => [id, index])));
  }
}

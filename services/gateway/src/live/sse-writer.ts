import { BoundedQueue } from './bounded-queue';
import { SequencedLine, SkippedRange, SkippedRanges } from './sequence-tracker';
import { formatSseComment, formatSseMessage } from './sse-format';

/** The part of an HTTP response the writer needs (express's Response is one). */
export interface SseSink {
  write(chunk: string): boolean;
  once(event: 'drain', listener: () => void): unknown;
}

interface Pending {
  frame: string;
  line?: SequencedLine;
}

/**
 * Writes SSE frames to one client without letting a slow client grow memory: while the socket is full
 * (`write` returned false) frames wait in a queue of at most `maxPending`; beyond that the oldest are
 * dropped, and once the socket drains the client first gets `event: skipped` per (deployment, source) with
 * the range it missed, then the frames that waited.
 */
export class SseWriter {
  private readonly pending: BoundedQueue<Pending>;
  private readonly skipped = new SkippedRanges();
  private blocked = false;
  private closed = false;
  private waiters: Array<() => void> = [];

  constructor(
    private readonly sink: SseSink,
    maxPending: number,
  ) {
    this.pending = new BoundedQueue<Pending>(maxPending);
  }

  /** True while frames are waiting for the socket. */
  get isBlocked(): boolean {
    return this.blocked || this.pending.size > 0;
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  /** Sends `frame` now, or queues it while the client is slow; `line` makes a drop count as skipped. */
  send(frame: string, line?: SequencedLine): void {
    if (this.closed) return;
    if (this.isBlocked) {
      const dropped = this.pending.push({ frame, line });
      if (dropped?.line) this.skipped.add(dropped.line);
      return;
    }
    this.write(frame);
  }

  /** Lines the caller could not deliver itself (e.g. overflow while replaying), reported like drops. */
  reportSkipped(ranges: SkippedRange[]): void {
    for (const range of ranges) this.send(formatSseMessage({ event: 'skipped', data: range }));
  }

  /** A keep-alive comment; pointless while the socket is full, so dropped then. */
  ping(): void {
    if (!this.closed && !this.isBlocked) this.write(formatSseComment('ping'));
  }

  /** Resolves once nothing waits for the socket (at once if nothing does, or when closed). */
  writable(): Promise<void> {
    if (this.closed || !this.isBlocked) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  close(): void {
    this.closed = true;
    this.pending.drain();
    this.releaseWaiters();
  }

  private write(frame: string): void {
    if (this.sink.write(frame)) return;
    this.blocked = true;
    this.sink.once('drain', () => this.resume());
  }

  private resume(): void {
    if (this.closed) return;
    this.blocked = false;
    for (const range of this.skipped.take()) {
      this.write(formatSseMessage({ event: 'skipped', data: range }));
    }
    while (!this.blocked && this.pending.size > 0) {
      const next = this.pending.shift() as Pending;
      this.write(next.frame);
    }
    if (!this.isBlocked) this.releaseWaiters();
  }

  private releaseWaiters(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }
}

import { LogSource } from '@slipway/contracts';

/** What identifies a line's position: its deployment, its source and its `seq` within both. */
export interface SequencedLine {
  deploymentId: string | null;
  source: LogSource;
  seq: number;
}

export function streamKey(line: Pick<SequencedLine, 'deploymentId' | 'source'>): string {
  return `${line.deploymentId ?? '-'}:${line.source}`;
}

/**
 * Remembers the last `seq` sent per (deploymentId, source) so a line reaching the client twice — once from
 * the replay and once from the live subscription, or again after a resume — is sent only once.
 * `after` is the floor for every (deployment, source) not seen yet: a resuming client's `Last-Event-ID`.
 * System lines written for events carry seq 0 and no order; they pass unless the client is resuming.
 */
export class SequenceTracker {
  private readonly last = new Map<string, number>();

  constructor(private readonly after?: number) {}

  /** True when the line comes after everything sent for its deployment and source. */
  isNew(line: SequencedLine): boolean {
    if (line.seq === 0) return this.after === undefined;
    return line.seq > (this.last.get(streamKey(line)) ?? this.after ?? 0);
  }

  /** Like `isNew`, and remembers the line as sent when it is. */
  accept(line: SequencedLine): boolean {
    if (!this.isNew(line)) return false;
    if (line.seq > 0) this.last.set(streamKey(line), line.seq);
    return true;
  }

  /** The seq a line must exceed to be new: the last sent, else `after`, else 0. */
  floor(line: Pick<SequencedLine, 'deploymentId' | 'source'>): number {
    return this.last.get(streamKey(line)) ?? this.after ?? 0;
  }

  lastSent(line: Pick<SequencedLine, 'deploymentId' | 'source'>): number | undefined {
    return this.last.get(streamKey(line));
  }
}

/** A run of lines a client did not get, per (deploymentId, source), to fetch by query. */
export interface SkippedRange {
  deploymentId: string | null;
  source: LogSource;
  from: number;
  to: number;
  count: number;
}

/** Collects dropped lines into one range per (deploymentId, source) until taken. */
export class SkippedRanges {
  private readonly ranges = new Map<string, SkippedRange>();

  add(line: SequencedLine): void {
    const key = streamKey(line);
    const range = this.ranges.get(key);
    if (!range) {
      const { deploymentId, source, seq } = line;
      this.ranges.set(key, { deploymentId, source, from: seq, to: seq, count: 1 });
      return;
    }
    range.from = Math.min(range.from, line.seq);
    range.to = Math.max(range.to, line.seq);
    range.count += 1;
  }

  get isEmpty(): boolean {
    return this.ranges.size === 0;
  }

  take(): SkippedRange[] {
    const ranges = [...this.ranges.values()];
    this.ranges.clear();
    return ranges;
  }
}

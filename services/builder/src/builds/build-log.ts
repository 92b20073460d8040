import { BuildStage, LogBatchEvent, LogLineEntry, logSubject } from '@slipway/contracts';

export type PublishLogBatch = (subject: string, batch: LogBatchEvent, messageId: string) => Promise<void>;

const FLUSH_INTERVAL_MS = 100;
const BATCH_LINES = 200;
const MAX_PENDING_LINES = 20_000;
const TAIL_LINES = 40;
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;

/**
 * The log of one build: numbered lines tagged with their stage, published to the logs pipeline in small
 * batches, with every known secret replaced before a line leaves the builder. Keeps the last lines for a
 * failure message.
 */
export class BuildLog {
  private seq = 0;
  private pending: LogLineEntry[] = [];
  private readonly tail: string[] = [];
  private timer?: NodeJS.Timeout;
  private flushing?: Promise<void>;

  constructor(
    private readonly appId: string,
    private readonly deploymentId: string,
    private readonly publish: PublishLogBatch,
    private readonly secrets: string[] = [],
  ) {}

  /** Adds text (possibly several lines) under a stage. */
  write(stage: BuildStage, text: string, stream: 'stdout' | 'stderr' = 'stdout'): void {
    for (const raw of text.split('\n')) {
      const line = this.redact(raw.replace(/\r$/, '').replace(/^.*\r/, ''));
      if (line.trim() === '') continue;
      this.seq += 1;
      this.pending.push({ seq: this.seq, stream, stage, timestamp: new Date().toISOString(), text: line });
      this.tail.push(line.replace(ANSI, ''));
      if (this.tail.length > TAIL_LINES) this.tail.shift();
    }
    if (this.pending.length > MAX_PENDING_LINES) {
      // The logs pipeline is unreachable and the build is chatty: keep the newest lines.
      this.pending.splice(0, this.pending.length - MAX_PENDING_LINES);
    }
    if (this.pending.length >= BATCH_LINES) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), FLUSH_INTERVAL_MS);
  }

  /** The last `count` lines, without colour codes, for a failure message. */
  lastLines(count = 20): string[] {
    return this.tail.slice(-count);
  }

  get lineCount(): number {
    return this.seq;
  }

  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.flushing;
    this.flushing = this.sendPending();
    await this.flushing;
  }

  private async sendPending(): Promise<void> {
    while (this.pending.length > 0) {
      const lines = this.pending.slice(0, BATCH_LINES);
      const batch: LogBatchEvent = {
        appId: this.appId,
        deploymentId: this.deploymentId,
        source: 'build',
        lines,
      };
      try {
        await this.publish(
          logSubject(this.appId, this.deploymentId, 'build'),
          batch,
          `${this.deploymentId}:build:${lines[0]?.seq}`,
        );
      } catch {
        // Kept for the next flush; the same message id makes a retried batch a no-op downstream.
        return;
      }
      this.pending.splice(0, lines.length);
    }
  }

  private redact(line: string): string {
    let safe = line;
    for (const secret of this.secrets) {
      if (secret.length >= 4) safe = safe.split(secret).join('[redacted]');
    }
    return safe;
  }
}

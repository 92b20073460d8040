import { Inject, Injectable, Logger, BeforeApplicationShutdown } from '@nestjs/common';
import { LogBatchEvent, LogLineEntry, logSubject } from '@slipway/contracts';
import { EventPublisher } from '@slipway/nest-messaging';
import { InstanceLogLine, LogFollow, RUNTIME_DRIVER, RuntimeDriver } from '../driver/runtime-driver';

/**
 * Lines wait at most this long before they are published: short, because a user watching a live tail
 * sees a line only after this; long enough that a busy app's lines still travel in batches.
 */
const FLUSH_INTERVAL_MS = 20;
const BATCH_LINES = 200;
const MAX_PENDING_LINES = 10_000;

interface Followed {
  appId: string;
  deploymentId: string;
  follow: LogFollow;
}

export interface FollowTarget {
  instanceId: string;
  appId: string;
  deploymentId: string;
}

/**
 * Follows each instance's stdout and stderr into the logs pipeline (`logs.<app>.<deployment>.runtime`), in
 * small batches (every 20 ms, or at once when 200 lines are waiting). Lines are numbered from the clock (ms × 1000 + a counter), so lines of several instances of
 * one deployment, and lines after a runtime restart, never share a number.
 */
@Injectable()
export class LogForwarder implements BeforeApplicationShutdown {
  private readonly logger = new Logger(LogForwarder.name);
  private readonly followed = new Map<string, Followed>();
  private readonly pending = new Map<
    string,
    { appId: string; deploymentId: string; lines: LogLineEntry[] }
  >();
  private readonly lastSeq = new Map<string, number>();
  private timer?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    @Inject(RUNTIME_DRIVER) private readonly driver: RuntimeDriver,
    private readonly publisher: EventPublisher,
  ) {}

  isFollowing(instanceId: string): boolean {
    return this.followed.has(instanceId);
  }

  /** Starts following (no-op when already followed); lines from `sinceMs` on. */
  async follow(target: FollowTarget, sinceMs = Date.now()): Promise<void> {
    if (this.followed.has(target.instanceId)) return;
    try {
      const follow = await this.driver.followLogs(target.instanceId, sinceMs, (line) =>
        this.add(target, line),
      );
      if (this.followed.has(target.instanceId)) {
        follow.stop(); // a concurrent call won
        return;
      }
      this.followed.set(target.instanceId, { ...target, follow });
      void follow.ended.then(() => {
        if (this.followed.get(target.instanceId)?.follow === follow) this.followed.delete(target.instanceId);
      });
    } catch (error) {
      this.logger.warn(`Not following ${target.instanceId}: ${(error as Error).message}`);
    }
  }

  unfollow(instanceId: string): void {
    this.followed.get(instanceId)?.follow.stop();
    this.followed.delete(instanceId);
  }

  private add(target: FollowTarget, line: InstanceLogLine): void {
    const key = `${target.appId}\u0000${target.deploymentId}`;
    let batch = this.pending.get(key);
    if (!batch) {
      batch = { appId: target.appId, deploymentId: target.deploymentId, lines: [] };
      this.pending.set(key, batch);
    }
    const fromClock = Date.now() * 1000;
    const seq = Math.max(fromClock, (this.lastSeq.get(key) ?? 0) + 1);
    this.lastSeq.set(key, seq);
    batch.lines.push({
      seq,
      stream: line.stream,
      timestamp: line.timestamp,
      text: line.text,
      instance: target.instanceId,
    });
    if (batch.lines.length > MAX_PENDING_LINES) batch.lines.splice(0, batch.lines.length - MAX_PENDING_LINES);
    if (batch.lines.length === BATCH_LINES) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), FLUSH_INTERVAL_MS);
  }

  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.flushing = this.flushing.then(() => this.sendPending());
    await this.flushing;
  }

  private async sendPending(): Promise<void> {
    for (const [key, batch] of this.pending) {
      while (batch.lines.length > 0) {
        const lines = batch.lines.slice(0, BATCH_LINES);
        const event: LogBatchEvent = {
          appId: batch.appId,
          deploymentId: batch.deploymentId,
          source: 'runtime',
          lines,
        };
        try {
          await this.publisher.publish(logSubject(batch.appId, batch.deploymentId, 'runtime'), event, {
            messageId: `${batch.deploymentId}:runtime:${lines[0]?.seq}`,
          });
        } catch (error) {
          this.logger.warn(`Runtime log lines kept for the next flush: ${(error as Error).message}`);
          this.timer ??= setTimeout(() => void this.flush(), 2000);
          return;
        }
        batch.lines.splice(0, lines.length);
      }
      this.pending.delete(key);
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    for (const { follow } of this.followed.values()) follow.stop();
    this.followed.clear();
    await this.flush().catch(() => undefined);
  }
}

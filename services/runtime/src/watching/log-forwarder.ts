import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { LogBatchEvent, LogLineEntry, logSubject } from '@slipway/contracts';
import { EventPublisher } from '@slipway/nest-messaging';
import { Model } from 'mongoose';
import { InstanceLogLine, LogFollow, RUNTIME_DRIVER, RuntimeDriver } from '../driver/runtime-driver';
import { LogPosition } from '../state/schemas/log-position.schema';

/**
 * Lines wait at most this long before they are published: short, because a user watching a live tail
 * sees a line only after this; long enough that a busy app's lines still travel in batches.
 */
const FLUSH_INTERVAL_MS = 20;
const BATCH_LINES = 200;
const MAX_PENDING_LINES = 10_000;
/** How often an instance's forwarded position is saved (also at shutdown). */
const SAVE_POSITION_EVERY_MS = 2_000;

/** The last line forwarded: its time, and how many forwarded lines had exactly that time. */
export interface ForwardedPosition {
  ms: number;
  count: number;
}

function advance(position: ForwardedPosition | undefined, ms: number): ForwardedPosition {
  return position && position.ms === ms ? { ms, count: position.count + 1 } : { ms, count: 1 };
}

interface Followed {
  appId: string;
  deploymentId: string;
  follow: LogFollow;
}

/** Lines of a new follow that were already forwarded (Docker's `since` has one-second precision). */
interface AlreadyForwarded {
  ms: number;
  /** Lines at exactly `ms` still to skip. */
  remaining: number;
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
  /** Per instance: the last line published, and when that position was last saved. */
  private readonly published = new Map<string, ForwardedPosition>();
  private readonly savedAt = new Map<string, number>();
  private readonly skipping = new Map<string, AlreadyForwarded>();
  private timer?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    @Inject(RUNTIME_DRIVER) private readonly driver: RuntimeDriver,
    private readonly publisher: EventPublisher,
    @InjectModel(LogPosition.name) private readonly positions: Model<LogPosition>,
  ) {}

  isFollowing(instanceId: string): boolean {
    return this.followed.has(instanceId);
  }

  /**
   * Starts following (no-op when already followed); lines from `sinceMs` on, or right after the last line
   * forwarded when one was (in this process, or saved before a restart).
   */
  async follow(target: FollowTarget, sinceMs = Date.now()): Promise<void> {
    if (this.followed.has(target.instanceId)) return;
    const forwarded = this.published.get(target.instanceId) ?? (await this.savedPosition(target.instanceId));
    if (this.followed.has(target.instanceId)) return;
    if (forwarded) {
      if (!this.published.has(target.instanceId)) this.published.set(target.instanceId, forwarded);
      this.skipping.set(target.instanceId, { ms: forwarded.ms, remaining: forwarded.count });
      sinceMs = Math.min(sinceMs, forwarded.ms);
    }
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

  /** Stops following an instance that is being removed, and forgets its position. */
  unfollow(instanceId: string): void {
    this.followed.get(instanceId)?.follow.stop();
    this.followed.delete(instanceId);
    this.skipping.delete(instanceId);
    this.published.delete(instanceId);
    this.savedAt.delete(instanceId);
    this.positions
      .deleteOne({ instanceId })
      .exec()
      .catch((error: Error) => this.logger.warn(`Log position of ${instanceId} kept: ${error.message}`));
  }

  private async savedPosition(instanceId: string): Promise<ForwardedPosition | undefined> {
    const saved = await this.positions
      .findOne({ instanceId })
      .lean()
      .exec()
      .catch((error: Error) => {
        this.logger.warn(`Log position of ${instanceId} not read: ${error.message}`);
        return null;
      });
    return saved ? { ms: saved.ms, count: saved.count } : undefined;
  }

  /** False for a line this instance's logs already sent before (Docker repeats up to a second of them). */
  private isNew(instanceId: string, line: InstanceLogLine): boolean {
    const skip = this.skipping.get(instanceId);
    if (!skip) return true;
    const ms = Date.parse(line.timestamp);
    if (ms < skip.ms) return false;
    if (ms === skip.ms && skip.remaining > 0) {
      skip.remaining -= 1;
      return false;
    }
    this.skipping.delete(instanceId);
    return true;
  }

  private add(target: FollowTarget, line: InstanceLogLine): void {
    if (!this.isNew(target.instanceId, line)) return;
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
        for (const line of lines) {
          if (line.instance) {
            this.published.set(
              line.instance,
              advance(this.published.get(line.instance), Date.parse(line.timestamp)),
            );
          }
        }
      }
      this.pending.delete(key);
    }
    await this.savePositions();
  }

  /** Saves each instance's forwarded position, at most every SAVE_POSITION_EVERY_MS unless `all`. */
  private async savePositions(all = false): Promise<void> {
    const now = Date.now();
    for (const [instanceId, position] of this.published) {
      if (!all && now - (this.savedAt.get(instanceId) ?? 0) < SAVE_POSITION_EVERY_MS) continue;
      this.savedAt.set(instanceId, now);
      await this.positions
        .updateOne({ instanceId }, { $set: { ms: position.ms, count: position.count } }, { upsert: true })
        .exec()
        .catch((error: Error) =>
          this.logger.warn(`Forwarded log position of ${instanceId} not saved: ${error.message}`),
        );
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    for (const { follow } of this.followed.values()) follow.stop();
    this.followed.clear();
    await this.flush().catch(() => undefined);
    await this.savePositions(true);
  }
}

import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { FilterQuery, Model, Types } from 'mongoose';
import { LogsConfig } from '../config/logs.config';
import { LogLine } from './schemas/log-line.schema';

export interface RetentionPolicy {
  maxAgeDays: number;
  maxLinesPerApp: number;
}

export interface RetentionResult {
  removedByAge: number;
  removedByCount: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Lines at or before a position in (timestamp, seq, _id) order. */
function atOrBefore(line: { timestamp: Date; seq: number; _id: Types.ObjectId }): FilterQuery<LogLine> {
  return {
    $or: [
      { timestamp: { $lt: line.timestamp } },
      { timestamp: line.timestamp, seq: { $lt: line.seq } },
      { timestamp: line.timestamp, seq: line.seq, _id: { $lte: line._id } },
    ],
  };
}

/**
 * Removes lines older than the age limit, then each app's oldest lines beyond its line limit. The
 * database has no TTL indexes we can rely on (FerretDB), so the service does this itself.
 */
export async function enforceRetention(
  lines: Model<LogLine>,
  policy: RetentionPolicy,
  now: Date = new Date(),
): Promise<RetentionResult> {
  const cutoff = new Date(now.getTime() - policy.maxAgeDays * DAY_MS);
  const byAge = await lines.deleteMany({ timestamp: { $lt: cutoff } }).exec();

  const crowded = await lines
    .aggregate<{
      _id: string;
      count: number;
    }>([
      { $group: { _id: '$appId', count: { $sum: 1 } } },
      { $match: { count: { $gt: policy.maxLinesPerApp } } },
    ])
    .exec();
  let removedByCount = 0;
  for (const app of crowded) {
    // The newest line that no longer fits: it and everything older go.
    const firstToRemove = await lines
      .findOne({ appId: app._id }, { timestamp: 1, seq: 1 })
      .sort({ timestamp: -1, seq: -1, _id: -1 })
      .skip(policy.maxLinesPerApp)
      .lean<{ timestamp: Date; seq: number; _id: Types.ObjectId }>()
      .exec();
    if (!firstToRemove) continue;
    const removed = await lines
      .deleteMany({
        $and: [{ appId: app._id }, atOrBefore({ ...firstToRemove, seq: firstToRemove.seq ?? 0 })],
      })
      .exec();
    removedByCount += removed.deletedCount;
  }
  return { removedByAge: byAge.deletedCount, removedByCount };
}

/** Runs retention at start-up and every `LOG_RETENTION_INTERVAL_MS`; `runOnce` is there for tests and ops. */
@Injectable()
export class LogRetention implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(LogRetention.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<RetentionResult>;

  constructor(
    @InjectModel(LogLine.name) private readonly lines: Model<LogLine>,
    private readonly config: LogsConfig,
  ) {}

  onApplicationBootstrap(): void {
    const tick = (): void => {
      this.runOnce().catch((error: unknown) =>
        this.logger.error(`Log retention failed: ${(error as Error).message}`),
      );
    };
    tick();
    this.timer = setInterval(tick, this.config.LOG_RETENTION_INTERVAL_MS);
    this.timer.unref();
  }

  /** One pass; a call while a pass is running joins it. */
  runOnce(now: Date = new Date()): Promise<RetentionResult> {
    this.running ??= enforceRetention(
      this.lines,
      {
        maxAgeDays: this.config.LOG_RETENTION_DAYS,
        maxLinesPerApp: this.config.LOG_MAX_LINES_PER_APP,
      },
      now,
    )
      .then((result) => {
        if (result.removedByAge + result.removedByCount > 0) {
          this.logger.log(
            `Retention removed ${result.removedByAge} lines by age and ${result.removedByCount} beyond the per-app limit`,
          );
        }
        return result;
      })
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }
}

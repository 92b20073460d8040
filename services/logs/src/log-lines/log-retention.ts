import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { LogsConfig } from '../config/logs.config';
import { LogSegmentStore, RetentionResult } from './store/log-segment-store';

/**
 * Runs retention at start-up and every `LOG_RETENTION_INTERVAL_MS`; `runOnce` is there for tests and ops.
 * The database has no TTL indexes we can rely on (FerretDB), so the service does this itself.
 */
@Injectable()
export class LogRetention implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(LogRetention.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<RetentionResult>;

  constructor(
    @Inject(LogSegmentStore) private readonly store: LogSegmentStore,
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
  runOnce(): Promise<RetentionResult> {
    this.running ??= this.store
      .enforceRetention({ maxLinesPerApp: this.config.LOG_MAX_LINES_PER_APP })
      .then((result) => {
        if (result.removedByAge + result.removedByCount > 0) {
          this.logger.log(
            `Retention: ${result.removedByAge} lines past ${this.config.LOG_RETENTION_DAYS} days and ` +
              `${result.removedByCount} beyond the per-app limit no longer served; ${result.segmentsDropped} segments dropped`,
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

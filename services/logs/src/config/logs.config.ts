import { BaseServiceConfig } from '@slipway/nest-config';
import { IsInt, Max, Min } from 'class-validator';

export class LogsConfig extends BaseServiceConfig {
  override HTTP_PORT: number = 3004;

  /** Lines older than this are removed. */
  @IsInt()
  @Min(1)
  @Max(3650)
  LOG_RETENTION_DAYS: number = 7;

  /** Beyond this many lines, an app's oldest lines are removed. */
  @IsInt()
  @Min(1)
  LOG_MAX_LINES_PER_APP: number = 100_000;

  /** How often retention runs (also once at start-up). */
  @IsInt()
  @Min(1000)
  LOG_RETENTION_INTERVAL_MS: number = 10 * 60 * 1000;
}

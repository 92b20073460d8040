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

  /** Lines per storage segment: a query for the newest lines reads one or two segments. */
  @IsInt()
  @Min(100)
  @Max(100_000)
  LOG_SEGMENT_LINES: number = 2_000;

  /** Decoded lines the service keeps in memory for queries (about 300 bytes each). */
  @IsInt()
  @Min(0)
  LOG_CACHE_LINES: number = 200_000;
}

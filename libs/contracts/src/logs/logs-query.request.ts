import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { LOG_LEVELS, LOG_ORDERS, LOG_SOURCES, LogLevel, LogOrder, LogSource } from './log-line.dto';

export const LOGS_QUERY_MAX_LIMIT = 1000;
export const LOGS_QUERY_DEFAULT_LIMIT = 100;

/**
 * `rpc.logs.query`: one page of an app's lines, ordered by (timestamp, seq), filtered by any of the
 * optional fields. `cursor` continues after the last line of the previous page (same filters and order).
 */
export class LogsQueryRequest {
  @IsString()
  @Length(1, 64)
  appId!: string;

  @IsOptional()
  @IsString()
  @Length(1, 64)
  deploymentId?: string;

  @IsOptional()
  @IsIn(LOG_SOURCES, { message: `source must be one of ${LOG_SOURCES.join(', ')}` })
  source?: LogSource;

  /** Inclusive lower bound, ISO 8601. */
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'from must be an ISO 8601 date-time' })
  from?: string;

  /** Exclusive upper bound, ISO 8601. */
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'to must be an ISO 8601 date-time' })
  to?: string;

  @IsOptional()
  @IsIn(LOG_LEVELS, { message: `level must be one of ${LOG_LEVELS.join(', ')}` })
  level?: LogLevel;

  /** Case-insensitive substring of the line without colour codes. */
  @IsOptional()
  @IsString()
  @Length(1, 200)
  text?: string;

  @IsOptional()
  @IsIn(LOG_ORDERS, { message: `order must be one of ${LOG_ORDERS.join(', ')}` })
  order?: LogOrder;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(LOGS_QUERY_MAX_LIMIT)
  limit?: number;

  /** `nextCursor` of the previous page. */
  @IsOptional()
  @IsString()
  @Length(1, 512)
  cursor?: string;
}

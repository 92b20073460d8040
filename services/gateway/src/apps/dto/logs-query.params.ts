import { ApiPropertyOptional } from '@nestjs/swagger';
import {
  LOG_LEVELS,
  LOG_ORDERS,
  LOG_SOURCES,
  LOGS_QUERY_DEFAULT_LIMIT,
  LOGS_QUERY_MAX_LIMIT,
  LogLevel,
  LogOrder,
  LogSource,
} from '@slipway/contracts';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Length, Max, Min } from 'class-validator';

export const LOG_FORMATS = ['json', 'text'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** Query string of `GET /apps/:id/logs`; the logs service checks the rest (cursor, from before to). */
export class LogsQueryParams {
  @ApiPropertyOptional({ description: 'Only lines of this deployment.' })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  deploymentId?: string;

  @ApiPropertyOptional({ enum: LOG_SOURCES })
  @IsOptional()
  @IsIn(LOG_SOURCES, { message: `source must be one of ${LOG_SOURCES.join(', ')}` })
  source?: LogSource;

  @ApiPropertyOptional({ description: 'Inclusive, ISO 8601.', example: '2025-01-01T00:00:00Z' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'from must be an ISO 8601 date-time' })
  from?: string;

  @ApiPropertyOptional({ description: 'Exclusive, ISO 8601.' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'to must be an ISO 8601 date-time' })
  to?: string;

  @ApiPropertyOptional({ enum: LOG_LEVELS })
  @IsOptional()
  @IsIn(LOG_LEVELS, { message: `level must be one of ${LOG_LEVELS.join(', ')}` })
  level?: LogLevel;

  @ApiPropertyOptional({ description: 'Case-insensitive substring of the line (colour codes ignored).' })
  @IsOptional()
  @IsString()
  @Length(1, 200, { message: 'text must be 1 to 200 characters' })
  text?: string;

  @ApiPropertyOptional({ enum: LOG_ORDERS, default: 'asc', description: 'asc: oldest first.' })
  @IsOptional()
  @IsIn(LOG_ORDERS, { message: `order must be one of ${LOG_ORDERS.join(', ')}` })
  order?: LogOrder;

  @ApiPropertyOptional({ minimum: 1, maximum: LOGS_QUERY_MAX_LIMIT, default: LOGS_QUERY_DEFAULT_LIMIT })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(LOGS_QUERY_MAX_LIMIT)
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page.' })
  @IsOptional()
  @IsString()
  @Length(1, 512)
  cursor?: string;

  @ApiPropertyOptional({
    enum: LOG_FORMATS,
    default: 'json',
    description: 'text: a plain-text download of every matching line (limit and cursor ignored).',
  })
  @IsOptional()
  @IsIn(LOG_FORMATS, { message: `format must be one of ${LOG_FORMATS.join(', ')}` })
  format?: LogFormat;
}

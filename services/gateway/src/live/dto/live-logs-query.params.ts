import { ApiPropertyOptional } from '@nestjs/swagger';
import { LOG_SOURCES, LogSource } from '@slipway/contracts';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';

/** Most lines a connection keeps while its client is slow; a client may ask for fewer. */
export const LIVE_MAX_PENDING = 1000;

/** Query string of `GET /apps/:id/logs/live`. */
export class LiveLogsQueryParams {
  @ApiPropertyOptional({ description: 'Only lines (and build progress) of this deployment.' })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  // It becomes a token of a NATS subject: no dots, wildcards or spaces.
  @Matches(/^[A-Za-z0-9_-]+$/, { message: 'deploymentId may contain only letters, digits, - and _' })
  deploymentId?: string;

  @ApiPropertyOptional({ enum: LOG_SOURCES })
  @IsOptional()
  @IsIn(LOG_SOURCES, { message: `source must be one of ${LOG_SOURCES.join(', ')}` })
  source?: LogSource;

  @ApiPropertyOptional({
    description: 'Resume after this seq (per deployment and source); the Last-Event-ID header otherwise.',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  after?: number;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: LIVE_MAX_PENDING,
    default: LIVE_MAX_PENDING,
    description: 'Lines kept for a slow client before the oldest are dropped and reported as skipped.',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(LIVE_MAX_PENDING)
  maxPending?: number;
}

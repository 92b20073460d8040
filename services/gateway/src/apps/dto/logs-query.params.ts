import { ApiPropertyOptional } from '@nestjs/swagger';
import { LOG_SOURCES, LogSource } from '@slipway/contracts';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';

export class LogsQueryParams {
  @ApiPropertyOptional({ enum: LOG_SOURCES })
  @IsOptional()
  @IsIn(LOG_SOURCES, { message: `source must be one of ${LOG_SOURCES.join(', ')}` })
  source?: LogSource;

  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}

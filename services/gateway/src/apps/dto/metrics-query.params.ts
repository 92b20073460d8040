import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional } from 'class-validator';

/** `?since=`: samples from this time on (ISO 8601); the runtime keeps them for METRICS_RETENTION_HOURS. */
export class MetricsQueryParams {
  @ApiPropertyOptional({ description: 'Only samples at or after this time (ISO 8601).' })
  @IsOptional()
  @IsISO8601({}, { message: 'since must be an ISO 8601 date-time' })
  since?: string;
}

import { ApiPropertyOptional } from '@nestjs/swagger';
import { RESOURCE_WINDOWS, ResourceWindow } from '@slipway/contracts';
import { IsIn, IsOptional } from 'class-validator';

/** `?window=`: how far back the system-wide charts reach. */
export class ResourcesQueryParams {
  @ApiPropertyOptional({
    enum: RESOURCE_WINDOWS,
    default: '1h',
    description: '1h: one-minute buckets; 24h: 15-minute buckets.',
  })
  @IsOptional()
  @IsIn(RESOURCE_WINDOWS, { message: `window must be one of ${RESOURCE_WINDOWS.join(', ')}` })
  window?: ResourceWindow;
}

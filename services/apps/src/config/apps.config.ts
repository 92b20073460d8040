import { BaseServiceConfig } from '@slipway/nest-config';
import { IsInt, Max, Min } from 'class-validator';

export class AppsConfig extends BaseServiceConfig {
  override HTTP_PORT: number = 3001;

  /** How often events whose publication failed are published again (the outbox relay). */
  @IsInt()
  @Min(500)
  @Max(300_000)
  OUTBOX_RELAY_INTERVAL_MS: number = 5000;
}

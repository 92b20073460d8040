import { BaseServiceConfig } from '@slipway/nest-config';

export class LogsConfig extends BaseServiceConfig {
  override HTTP_PORT: number = 3004;
}

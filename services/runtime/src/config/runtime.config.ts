import { DockerServiceConfig } from '@slipway/nest-docker';
import { IsUrl } from 'class-validator';

export class RuntimeConfig extends DockerServiceConfig {
  override HTTP_PORT: number = 3003;

  @IsUrl(
    { require_tld: false, protocols: ['http', 'https'] },
    { message: 'CADDY_ADMIN_URL must be an http(s) URL' },
  )
  CADDY_ADMIN_URL: string = 'http://127.0.0.1:2019';
}

import { DockerServiceConfig } from '@slipway/nest-docker';

export class BuilderConfig extends DockerServiceConfig {
  override HTTP_PORT: number = 3002;
}

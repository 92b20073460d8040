import { BaseServiceConfig } from '@slipway/nest-config';
import { IsString, MinLength } from 'class-validator';

/** Config of a service that talks to the Docker Engine. */
export class DockerServiceConfig extends BaseServiceConfig {
  @IsString()
  @MinLength(1)
  DOCKER_SOCKET: string = '/var/run/docker.sock';
}

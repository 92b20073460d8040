import { DynamicModule, Module } from '@nestjs/common';
import { DockerModule } from '@slipway/nest-docker';
import { ServiceCoreModule } from '@slipway/nest-service';
import { CaddyModule } from './caddy/caddy.module';
import { RuntimeConfig } from './config/runtime.config';
import { RuntimeModule } from './runtime/runtime.module';

@Module({})
export class AppModule {
  static register(config: RuntimeConfig, version: string): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceCoreModule.forService({ service: 'runtime', version, configType: RuntimeConfig, config }),
        DockerModule.forRoot({ socketPath: config.DOCKER_SOCKET }),
        CaddyModule,
        RuntimeModule,
      ],
    };
  }
}

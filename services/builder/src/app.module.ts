import { DynamicModule, Module } from '@nestjs/common';
import { DockerModule } from '@slipway/nest-docker';
import { ServiceCoreModule } from '@slipway/nest-service';
import { BuildsModule } from './builds/builds.module';
import { BuilderConfig } from './config/builder.config';

@Module({})
export class AppModule {
  static register(config: BuilderConfig, version: string): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceCoreModule.forService({ service: 'builder', version, configType: BuilderConfig, config }),
        DockerModule.forRoot({ socketPath: config.DOCKER_SOCKET }),
        BuildsModule,
      ],
    };
  }
}

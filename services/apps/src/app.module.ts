import { DynamicModule, Module } from '@nestjs/common';
import { ServiceCoreModule } from '@slipway/nest-service';
import { AppsModule } from './apps/apps.module';
import { AppsConfig } from './config/apps.config';

@Module({})
export class AppModule {
  static register(config: AppsConfig, version: string): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceCoreModule.forService({ service: 'apps', version, configType: AppsConfig, config }),
        AppsModule,
      ],
    };
  }
}

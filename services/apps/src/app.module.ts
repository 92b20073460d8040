import { DynamicModule, Module } from '@nestjs/common';
import { ServiceCoreModule } from '@slipway/nest-service';
import { AppsModule } from './apps/apps.module';
import { AppsConfig } from './config/apps.config';
import { DeploymentsModule } from './deployments/deployments.module';
import { EnvVarsModule } from './env-vars/env-vars.module';
import { HooksModule } from './hooks/hooks.module';
import { LifecycleModule } from './lifecycle/lifecycle.module';
import { NotificationsModule } from './notifications/notifications.module';
import { SecretsModule } from './secrets/secrets.module';

@Module({})
export class AppModule {
  static register(config: AppsConfig, version: string): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceCoreModule.forService({ service: 'apps', version, configType: AppsConfig, config }),
        SecretsModule,
        AppsModule,
        DeploymentsModule,
        EnvVarsModule,
        LifecycleModule,
        HooksModule,
        NotificationsModule,
      ],
    };
  }
}

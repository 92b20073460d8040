import { DynamicModule, Module } from '@nestjs/common';
import { ServiceCoreModule } from '@slipway/nest-service';
import { AdminModule } from './admin/admin.module';
import { AppsModule } from './apps/apps.module';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { DeploymentsModule } from './deployments/deployments.module';
import { EnvVarsModule } from './env-vars/env-vars.module';
import { HooksModule } from './hooks/hooks.module';
import { GatewayConfig } from './config/gateway.config';
import { LiveModule } from './live/live.module';
import { SystemModule } from './system/system.module';
import { UploadsModule } from './uploads/uploads.module';

@Module({})
export class AppModule {
  static register(config: GatewayConfig, version: string): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceCoreModule.forService({ service: 'gateway', version, configType: GatewayConfig, config }),
        AuditModule,
        AuthModule,
        AdminModule,
        AppsModule,
        DeploymentsModule,
        EnvVarsModule,
        HooksModule,
        LiveModule,
        SystemModule,
        UploadsModule,
      ],
    };
  }
}

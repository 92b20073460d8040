import { Module } from '@nestjs/common';
import { AppsModule } from '../apps/apps.module';
import { DeploymentsModule } from '../deployments/deployments.module';
import { EnvVarStoreModule } from './env-var-store.module';
import { EnvVarsHandler } from './env-vars.handler';
import { EnvVarsService } from './env-vars.service';

@Module({
  imports: [AppsModule, EnvVarStoreModule, DeploymentsModule],
  controllers: [EnvVarsHandler],
  providers: [EnvVarsService],
})
export class EnvVarsModule {}

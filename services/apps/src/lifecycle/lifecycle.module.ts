import { Module } from '@nestjs/common';
import { AppsModule } from '../apps/apps.module';
import { DeploymentsModule } from '../deployments/deployments.module';
import { EnvVarStoreModule } from '../env-vars/env-var-store.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { LifecycleHandler } from './lifecycle.handler';
import { LifecycleService } from './lifecycle.service';

@Module({
  imports: [AppsModule, DeploymentsModule, EnvVarStoreModule, NotificationsModule],
  controllers: [LifecycleHandler],
  providers: [LifecycleService],
})
export class LifecycleModule {}

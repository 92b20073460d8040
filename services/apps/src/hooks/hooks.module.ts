import { Module } from '@nestjs/common';
import { AppsModule } from '../apps/apps.module';
import { DeploymentsModule } from '../deployments/deployments.module';
import { HooksHandler } from './hooks.handler';
import { HooksService } from './hooks.service';

@Module({
  imports: [AppsModule, DeploymentsModule],
  controllers: [HooksHandler],
  providers: [HooksService],
})
export class HooksModule {}

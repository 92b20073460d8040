import { Module } from '@nestjs/common';
import { AppsModule } from '../apps/apps.module';
import { DeploymentStatusService } from './deployment-status.service';
import { DeploymentsController } from './deployments.controller';

@Module({ imports: [AppsModule], controllers: [DeploymentsController], providers: [DeploymentStatusService] })
export class DeploymentsModule {}

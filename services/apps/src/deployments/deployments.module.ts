import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { AppsModule } from '../apps/apps.module';
import { EnvVarStoreModule } from '../env-vars/env-var-store.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { AppLocks } from './app-locks';
import { DeployRequestsService } from './deploy-requests.service';
import { DeploymentEventsService } from './deployment-events.service';
import { DeploymentSweeper } from './deployment-sweeper';
import { DeploymentTransitions } from './deployment-transitions';
import { DeploymentWatch } from './deployment-watch';
import { DeploymentsHandler } from './deployments.handler';
import { DeploymentsService } from './deployments.service';
import { Deployment, DeploymentSchema } from './schemas/deployment.schema';
import { Release, ReleaseSchema } from './schemas/release.schema';

@Module({
  imports: [
    MongooseModule.forFeature([
      { name: Deployment.name, schema: DeploymentSchema },
      { name: Release.name, schema: ReleaseSchema },
    ]),
    AppsModule,
    EnvVarStoreModule,
    NotificationsModule,
  ],
  controllers: [DeploymentsHandler],
  providers: [
    AppLocks,
    DeploymentWatch,
    DeploymentTransitions,
    DeploymentsService,
    DeploymentEventsService,
    DeployRequestsService,
    DeploymentSweeper,
  ],
  exports: [DeploymentsService],
})
export class DeploymentsModule {}

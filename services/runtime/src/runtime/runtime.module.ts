import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { DriverModule } from '../driver/driver.module';
import { LifecycleService } from '../lifecycle/lifecycle.service';
import { AppRouting } from '../releases/app-routing';
import { InstanceLauncher } from '../releases/instance-launcher';
import { ReleasesService } from '../releases/releases.service';
import { RoutingModule } from '../routing/routing.module';
import { Instance, InstanceSchema } from '../state/schemas/instance.schema';
import { LogPosition, LogPositionSchema } from '../state/schemas/log-position.schema';
import { MetricSample, MetricSampleSchema } from '../state/schemas/metric-sample.schema';
import { Release, ReleaseSchema } from '../state/schemas/release.schema';
import { RuntimeApp, RuntimeAppSchema } from '../state/schemas/runtime-app.schema';
import { RuntimeStatusService } from '../status/runtime-status.service';
import { SystemResourcesService } from '../status/system-resources.service';
import { InstanceWatcher } from '../watching/instance-watcher';
import { LogForwarder } from '../watching/log-forwarder';
import { MetricsSampler } from '../watching/metrics-sampler';
import { Reconciler } from '../watching/reconciler';
import { AppLocks } from './app-locks';
import { RuntimeHandler } from './runtime.handler';
import { RuntimeSecrets } from './runtime-secrets';

/** Releases, lifecycle, watching and reconciliation of apps' instances and routes. */
@Module({
  imports: [
    DriverModule,
    RoutingModule,
    MongooseModule.forFeature([
      { name: RuntimeApp.name, schema: RuntimeAppSchema },
      { name: Release.name, schema: ReleaseSchema },
      { name: Instance.name, schema: InstanceSchema },
      { name: LogPosition.name, schema: LogPositionSchema },
      { name: MetricSample.name, schema: MetricSampleSchema },
    ]),
  ],
  controllers: [RuntimeHandler],
  providers: [
    { provide: AppLocks, useValue: new AppLocks() },
    RuntimeSecrets,
    LogForwarder,
    AppRouting,
    InstanceLauncher,
    ReleasesService,
    LifecycleService,
    InstanceWatcher,
    Reconciler,
    MetricsSampler,
    RuntimeStatusService,
    SystemResourcesService,
  ],
})
export class RuntimeModule {}

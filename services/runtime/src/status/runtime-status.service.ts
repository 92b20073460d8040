import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { AppMetricsDto, AppRuntimeStatusDto, InstanceDto, RuntimeAppRequest } from '@slipway/contracts';
import { toIsoString } from '@slipway/nest-mongo';
import { Model } from 'mongoose';
import { AppRouting } from '../releases/app-routing';
import { Instance } from '../state/schemas/instance.schema';
import { MetricSample } from '../state/schemas/metric-sample.schema';
import { Release } from '../state/schemas/release.schema';
import { RuntimeApp } from '../state/schemas/runtime-app.schema';

const DEFAULT_METRICS_WINDOW_MS = 3_600_000;

/** What runs for an app, and its resource use, for the portal. */
@Injectable()
export class RuntimeStatusService {
  constructor(
    @InjectModel(RuntimeApp.name) private readonly apps: Model<RuntimeApp>,
    @InjectModel(Instance.name) private readonly instances: Model<Instance>,
    @InjectModel(Release.name) private readonly releases: Model<Release>,
    @InjectModel(MetricSample.name) private readonly samples: Model<MetricSample>,
    private readonly routing: AppRouting,
  ) {}

  async status(request: RuntimeAppRequest): Promise<AppRuntimeStatusDto> {
    const [app, instances, releasing] = await Promise.all([
      this.apps.findOne({ appId: request.appId }).exec(),
      this.instances.find({ appId: request.appId }).sort({ startedAt: 1 }).exec(),
      this.releases.countDocuments({ appId: request.appId, status: 'starting' }).exec(),
    ]);
    const dtos: InstanceDto[] = instances.map((instance) => ({
      id: instance.instanceId,
      releaseId: instance.releaseId,
      health: instance.health,
      restartCount: instance.restartCount,
      exitCode: instance.exitCode,
      startedAt: instance.startedAt ? toIsoString(instance.startedAt) : null,
    }));
    const serving = dtos.filter((instance) => instance.health === 'healthy').length;
    const state: AppRuntimeStatusDto['state'] = !app
      ? 'none'
      : releasing > 0
        ? 'releasing'
        : app.stopped
          ? 'stopped'
          : serving === 0 && dtos.some((instance) => instance.health === 'crashed')
            ? 'crashed'
            : app.currentReleaseId
              ? 'running'
              : 'none';
    return {
      appId: request.appId,
      state,
      url: app?.currentReleaseId ? this.routing.urlFor(app.appName) : null,
      currentReleaseId: app?.currentReleaseId ?? null,
      desiredReplicas: app?.desiredReplicas ?? 0,
      instances: dtos,
    };
  }

  async metrics(request: RuntimeAppRequest): Promise<AppMetricsDto> {
    const since = request.since ? new Date(request.since) : new Date(Date.now() - DEFAULT_METRICS_WINDOW_MS);
    const samples = await this.samples
      .find({ appId: request.appId, at: { $gte: since } })
      .sort({ at: 1 })
      .limit(10_000)
      .exec();
    return {
      appId: request.appId,
      samples: samples.map((sample) => ({
        instanceId: sample.instanceId,
        at: toIsoString(sample.at),
        cpuPercent: sample.cpuPercent,
        memoryBytes: sample.memoryBytes,
        memoryLimitBytes: sample.memoryLimitBytes,
        networkRxBytes: sample.networkRxBytes,
        networkTxBytes: sample.networkTxBytes,
      })),
    };
  }
}

import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import {
  InstanceHealth,
  ResourceWindow,
  SystemResourcesDto,
  SystemResourcesRequest,
} from '@slipway/contracts';
import { Model } from 'mongoose';
import { RuntimeConfig } from '../config/runtime.config';
import { Instance } from '../state/schemas/instance.schema';
import { MetricSample } from '../state/schemas/metric-sample.schema';
import { RuntimeApp } from '../state/schemas/runtime-app.schema';
import { aggregateSamples, StoredSample } from './system-resources';

const WINDOWS: Record<ResourceWindow, { spanMs: number; bucketMs: number }> = {
  '1h': { spanMs: 3_600_000, bucketMs: 60_000 },
  // 96 points: enough for a day's shape without sending 1440 of them.
  '24h': { spanMs: 24 * 3_600_000, bucketMs: 15 * 60_000 },
};

/** Instance states whose container is up (a draining one still serves its last requests). */
const RUNNING_HEALTH: InstanceHealth[] = ['starting', 'healthy', 'unhealthy', 'draining'];

/** Resource use of every app together, for the admin charts. */
@Injectable()
export class SystemResourcesService {
  constructor(
    @InjectModel(RuntimeApp.name) private readonly apps: Model<RuntimeApp>,
    @InjectModel(Instance.name) private readonly instances: Model<Instance>,
    @InjectModel(MetricSample.name) private readonly samples: Model<MetricSample>,
    private readonly config: RuntimeConfig,
  ) {}

  async resources(request: SystemResourcesRequest): Promise<SystemResourcesDto> {
    const window = request.window ?? '1h';
    const { spanMs, bucketMs: chartBucketMs } = WINDOWS[window];
    // Never finer than what is stored: a chart bucket shorter than a stored one would leave holes.
    const bucketMs = Math.max(chartBucketMs, this.config.METRICS_BUCKET_MS);
    const now = Date.now();
    const since = new Date(Math.floor((now - spanMs) / bucketMs) * bucketMs);
    const [samples, containersRunning, containersCrashed, appsRunning, appsStopped] = await Promise.all([
      this.samples
        .find({ at: { $gte: since } }, { instanceId: 1, at: 1, cpuPercent: 1, memoryBytes: 1, _id: 0 })
        .lean<StoredSample[]>()
        .exec(),
      this.instances.countDocuments({ health: { $in: RUNNING_HEALTH } }).exec(),
      this.instances.countDocuments({ health: 'crashed' }).exec(),
      this.apps.countDocuments({ stopped: false, currentReleaseId: { $ne: null } }).exec(),
      this.apps.countDocuments({ stopped: true }).exec(),
    ]);
    return {
      generatedAt: new Date(now).toISOString(),
      window,
      bucketSeconds: bucketMs / 1000,
      current: { containersRunning, containersCrashed, appsRunning, appsStopped },
      buckets: aggregateSamples(samples, bucketMs),
    };
  }
}

import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { EventSubjects, InstanceMetricsSampledEvent } from '@slipway/contracts';
import { EventPublisher } from '@slipway/nest-messaging';
import { Model } from 'mongoose';
import { RuntimeConfig } from '../config/runtime.config';
import { InstanceStats, RUNTIME_DRIVER, RuntimeDriver } from '../driver/runtime-driver';
import { Instance } from '../state/schemas/instance.schema';
import { MetricSample } from '../state/schemas/metric-sample.schema';

interface Bucket {
  appId: string;
  startedAt: number;
  samples: InstanceStats[];
}

/**
 * Samples CPU, memory and network of every serving instance every METRICS_INTERVAL_MS, publishes each sample
 * as `metrics.instance-sampled.v1` (a live signal) and stores one
 * averaged sample per instance per METRICS_BUCKET_MS (what charts need), older ones removed after
 * METRICS_RETENTION_HOURS.
 */
@Injectable()
export class MetricsSampler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(MetricsSampler.name);
  private readonly buckets = new Map<string, Bucket>();
  private timer?: NodeJS.Timeout;
  private sampling = false;

  constructor(
    @Inject(RUNTIME_DRIVER) private readonly driver: RuntimeDriver,
    @InjectModel(Instance.name) private readonly instances: Model<Instance>,
    @InjectModel(MetricSample.name) private readonly samples: Model<MetricSample>,
    private readonly config: RuntimeConfig,
    private readonly publisher: EventPublisher,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sample(), this.config.METRICS_INTERVAL_MS);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
  }

  async sample(): Promise<void> {
    if (this.sampling) return;
    this.sampling = true;
    try {
      const serving = await this.instances.find({ health: { $in: ['healthy', 'crashed'] } }).exec();
      const now = Date.now();
      await Promise.all(
        serving.map(async (instance) => {
          try {
            const stats = await this.driver.sampleStats(instance.instanceId);
            let bucket = this.buckets.get(instance.instanceId);
            if (!bucket) {
              bucket = { appId: instance.appId, startedAt: now, samples: [] };
              this.buckets.set(instance.instanceId, bucket);
            }
            bucket.samples.push(stats);
            const sampled: InstanceMetricsSampledEvent = {
              appId: instance.appId,
              releaseId: instance.releaseId,
              instanceId: instance.instanceId,
              ...stats,
              sampledAt: new Date(now).toISOString(),
            };
            void this.publisher
              .signal(EventSubjects.InstanceMetricsSampled, sampled)
              .catch((error: Error) => this.logger.debug(`Sample not published: ${error.message}`));
          } catch {
            // Gone between the listing and the sample: nothing to record.
          }
        }),
      );
      const servingIds = new Set(serving.map((instance) => instance.instanceId));
      const due = [...this.buckets].filter(
        ([id, bucket]) => !servingIds.has(id) || now - bucket.startedAt >= this.config.METRICS_BUCKET_MS,
      );
      const rows = due.flatMap(([instanceId, bucket]) => {
        this.buckets.delete(instanceId);
        const last = bucket.samples.at(-1);
        if (!last) return [];
        const average = (pick: (s: InstanceStats) => number) =>
          bucket.samples.reduce((sum, s) => sum + pick(s), 0) / bucket.samples.length;
        return [
          {
            appId: bucket.appId,
            instanceId,
            at: new Date(bucket.startedAt),
            cpuPercent: Math.round(average((s) => s.cpuPercent) * 100) / 100,
            memoryBytes: Math.round(average((s) => s.memoryBytes)),
            memoryLimitBytes: last.memoryLimitBytes,
            networkRxBytes: last.networkRxBytes,
            networkTxBytes: last.networkTxBytes,
          },
        ];
      });
      if (rows.length > 0) await this.samples.insertMany(rows);
      await this.samples
        .deleteMany({ at: { $lt: new Date(now - this.config.METRICS_RETENTION_HOURS * 3_600_000) } })
        .exec();
    } catch (error) {
      this.logger.warn(`Metrics not sampled: ${(error as Error).message}`);
    } finally {
      this.sampling = false;
    }
  }
}

import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { EventSubjects, InstanceCrashedEvent } from '@slipway/contracts';
import { EventPublisher } from '@slipway/nest-messaging';
import { Model } from 'mongoose';
import { InstanceEvent, RUNTIME_DRIVER, RuntimeDriver } from '../driver/runtime-driver';
import { InstanceLauncher, SCOPE_LABEL } from '../releases/instance-launcher';
import { Instance } from '../state/schemas/instance.schema';
import { Release } from '../state/schemas/release.schema';
import { LogForwarder } from './log-forwarder';

/** Crashes within this window count towards a crash loop. */
export const CRASH_LOOP_WINDOW_MS = 5 * 60_000;
export const CRASH_LOOP_CRASHES = 3;
const LOG_LINES_ON_CRASH = 30;

/**
 * Follows Docker's events for this runtime's instances. An instance that exits while it should be serving
 * is marked `crashed` with its exit code and last lines, and `instance.crashed.v1` is published (with
 * `crashLoop` once it crashed CRASH_LOOP_CRASHES times within CRASH_LOOP_WINDOW_MS). Docker restarts it
 * (restart policy, with its own growing delay); when it is back and healthy it is marked healthy again.
 * Instances Docker gave up on are replaced by reconciliation, with backoff.
 */
@Injectable()
export class InstanceWatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(InstanceWatcher.name);
  private unsubscribe?: () => void;
  private closed = false;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    @Inject(RUNTIME_DRIVER) private readonly driver: RuntimeDriver,
    @InjectModel(Instance.name) private readonly instances: Model<Instance>,
    @InjectModel(Release.name) private readonly releases: Model<Release>,
    private readonly launcher: InstanceLauncher,
    private readonly logs: LogForwarder,
    private readonly publisher: EventPublisher,
  ) {}

  onApplicationBootstrap(): void {
    this.subscribe();
  }

  private subscribe(): void {
    if (this.closed) return;
    this.unsubscribe = this.driver.watchEvents(
      (event) => {
        if (event.labels[SCOPE_LABEL] !== this.launcher.scope) return;
        // In order per process: a die and the start that follows it are handled one after the other.
        this.queue = this.queue
          .then(() => (event.kind === 'die' ? this.onExit(event) : this.onStart(event)))
          .catch((error: Error) => this.logger.warn(`Event of ${event.instanceId}: ${error.message}`));
      },
      (error) => {
        this.logger.warn(`Docker event stream lost (${error.message}); following it again in 1 s`);
        this.unsubscribe?.();
        setTimeout(() => this.subscribe(), 1000).unref();
      },
    );
  }

  private async onExit(event: InstanceEvent): Promise<void> {
    const instance = await this.instances.findOne({ instanceId: event.instanceId }).exec();
    // Unknown, still starting (the launcher judges those) or taken out of service on purpose: not a crash.
    if (!instance || !['healthy', 'crashed', 'unhealthy'].includes(instance.health)) return;
    const now = Date.now();
    const crashTimes = [...instance.crashTimes.map((at) => at.getTime()), now].filter(
      (at) => now - at <= CRASH_LOOP_WINDOW_MS,
    );
    const restartCount = instance.restartCount + 1;
    await this.instances
      .updateOne(
        { _id: instance._id },
        {
          $set: {
            health: 'crashed',
            exitCode: event.exitCode,
            restartCount,
            crashTimes: crashTimes.slice(-10).map((at) => new Date(at)),
          },
        },
      )
      .exec();
    const lastLogLines = await this.driver
      .lastLogLines(event.instanceId, LOG_LINES_ON_CRASH)
      .catch(() => [] as string[]);
    const crashed: InstanceCrashedEvent = {
      appId: instance.appId,
      releaseId: instance.releaseId,
      instanceId: instance.instanceId,
      exitCode: event.exitCode,
      restartCount,
      crashLoop: crashTimes.length >= CRASH_LOOP_CRASHES,
      lastLogLines,
      occurredAt: new Date(event.at).toISOString(),
    };
    this.logger.warn(
      `${instance.instanceId} crashed (exit code ${event.exitCode ?? 'unknown'}, restart ${restartCount}${crashed.crashLoop ? ', crash loop' : ''})`,
    );
    await this.publisher.publish(EventSubjects.InstanceCrashed, crashed, {
      messageId: `instance.crashed:${instance.instanceId}:${restartCount}`,
    });
  }

  private async onStart(event: InstanceEvent): Promise<void> {
    const instance = await this.instances.findOne({ instanceId: event.instanceId }).exec();
    if (!instance) return;
    void this.logs.follow(
      { instanceId: instance.instanceId, appId: instance.appId, deploymentId: instance.deploymentId },
      event.at - 1000,
    );
    if (instance.health !== 'crashed') return;
    const release = await this.releases.findOne({ releaseId: instance.releaseId }).exec();
    if (!release) return;
    // Judged in the background: a slow start must not hold up other instances' events.
    void this.launcher
      .waitHealthy(instance.instanceId, instance.address, release.request.healthCheck, {
        afterRestart: true,
      })
      .then(async (result) => {
        if (!result.healthy) return;
        await this.instances
          .updateOne({ instanceId: instance.instanceId, health: 'crashed' }, { $set: { health: 'healthy' } })
          .exec();
      })
      .catch((error: Error) =>
        this.logger.warn(`Health of restarted ${instance.instanceId}: ${error.message}`),
      );
  }

  beforeApplicationShutdown(): void {
    this.closed = true;
    this.unsubscribe?.();
  }
}

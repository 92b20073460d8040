import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import {
  BuildDto,
  BuildFailedEvent,
  BuildProgressedEvent,
  BuildRequestedEvent,
  BuildStage,
  BuildSucceededEvent,
  EventSubjects,
} from '@slipway/contracts';
import { HeartbeatService } from '@slipway/nest-health';
import { DomainError, EventPublisher } from '@slipway/nest-messaging';
import { isDuplicateKeyError } from '@slipway/nest-mongo';
import { MetricsRegistry } from '@slipway/nest-telemetry';
import { SecretBox } from '@slipway/nest-secrets';
import { Model } from 'mongoose';
import { BuilderConfig } from '../config/builder.config';
import { BuildBookkeeping } from './build-bookkeeping';
import { BuildLog } from './build-log';
import { toBuildDto } from './build.mapper';
import { BuildFailure, BuildPipeline } from './build-pipeline';
import { BuildQueue } from './build-queue';
import { BuildAbortedError } from './docker-image-builder';
import { ImageRetention } from './image-retention';
import { Build, BuildDocument } from './schemas/build.schema';

const STAGE_PERCENT: Record<BuildStage, number> = {
  queued: 0,
  clone: 10,
  detect: 25,
  install: 40,
  build: 70,
  export: 90,
};
const MAX_ATTEMPTS = 2;

class CancelledByUser {
  constructor(readonly reason: string) {}
}
class ShuttingDown {}

/**
 * Accepts build requests (idempotently, by deployment), queues them with bounded concurrency, runs them
 * through the pipeline, and publishes progress and the result. A build never stays unfinished: builds
 * found queued or running at start-up are run again (at most twice), and every build has a timeout.
 */
@Injectable()
export class BuildsService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(BuildsService.name);
  private readonly queue: BuildQueue;
  private readonly secrets: SecretBox;
  private readonly lastPosition = new Map<string, number>();
  private readonly justAccepted = new Map<string, BuildDocument>();
  /** Image pruning runs after a build has given up its slot, one prune at a time. */
  private pruning: Promise<unknown> = Promise.resolve();
  private readonly pruneTimers = new Map<string, NodeJS.Timeout>();
  /** The bookkeeping of each build running in this process, so a cancellation is written in its turn. */
  private readonly runningBookkeeping = new Map<string, BuildBookkeeping>();

  constructor(
    @InjectModel(Build.name) private readonly builds: Model<Build>,
    private readonly pipeline: BuildPipeline,
    private readonly publisher: EventPublisher,
    private readonly retention: ImageRetention,
    private readonly metrics: MetricsRegistry,
    private readonly config: BuilderConfig,
    heartbeat: HeartbeatService,
  ) {
    this.secrets = SecretBox.fromConfig(config.SECRETS_KEYS, config.SECRETS_ACTIVE_KEY_ID);
    this.queue = new BuildQueue(
      config.BUILD_CONCURRENCY,
      (id, signal) => this.execute(id, signal),
      (positions) => void this.announcePositions(positions),
    );
    metrics.gauge('slipway_builds_queued', 'Builds waiting for a slot.', () => this.queue.length);
    metrics.gauge('slipway_builds_running', 'Builds running now.', () => this.queue.active);
    // The admin health dashboard shows the queue from the heartbeat the gateway already listens to.
    heartbeat.addReport(() => ({
      buildQueue: {
        queued: this.queue.length,
        running: this.queue.active,
        concurrency: config.BUILD_CONCURRENCY,
      },
    }));
  }

  async onApplicationBootstrap(): Promise<void> {
    const unfinished = await this.builds
      .find({ status: { $in: ['queued', 'running'] } })
      .sort({ queuedAt: 1 })
      .exec();
    for (const build of unfinished) {
      if (build.status === 'running' && build.attempts >= MAX_ATTEMPTS) {
        await this.fail(
          build,
          new BuildFailure('The builder restarted during this build twice; giving up.', build.stage),
          [],
        );
        continue;
      }
      if (build.status === 'running') {
        await this.builds
          .updateOne({ _id: build._id }, { $set: { status: 'queued', stage: 'queued' } })
          .exec();
      }
      this.queue.enqueue(build.deploymentId);
    }
    if (unfinished.length > 0) this.logger.log(`Resumed ${unfinished.length} unfinished build(s)`);
  }

  /** Stores the request once and queues it; a redelivered request changes nothing. */
  async accept(request: BuildRequestedEvent): Promise<void> {
    let created: BuildDocument;
    try {
      created = await this.builds.create({
        deploymentId: request.deploymentId,
        appId: request.appId,
        appName: request.appName,
        status: 'queued',
        stage: 'queued',
        // Plain JSON: unset optional fields must stay absent, not come back from the database as null.
        request: JSON.parse(JSON.stringify(request)) as BuildRequestedEvent,
        queuedAt: new Date(),
      });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      return;
    }
    // Handed straight to the queue, so a build that starts at once needs no second read.
    this.justAccepted.set(request.deploymentId, created);
    this.queue.enqueue(request.deploymentId);
  }

  async cancel(deploymentId: string, reason = 'cancelled by the user'): Promise<void> {
    const build = await this.builds.findOne({ deploymentId }).exec();
    if (!build || !['queued', 'running'].includes(build.status)) return;
    // A running build's record is written by its bookkeeping one change at a time: the flag joins that queue
    // (FerretDB can lose one of two concurrent writes to a document).
    const bookkeeping = this.runningBookkeeping.get(deploymentId);
    if (bookkeeping) bookkeeping.record({ cancelRequested: true });
    else await this.builds.updateOne({ _id: build._id }, { $set: { cancelRequested: true } }).exec();
    const outcome = this.queue.cancel(deploymentId, new CancelledByUser(reason));
    this.justAccepted.delete(deploymentId);
    if (outcome !== 'aborted') {
      await this.fail(
        build,
        new BuildFailure(`The build was cancelled (${reason}) before it started.`, 'queued'),
        [],
        true,
      );
    }
  }

  /**
   * The app was deleted: its queued and running builds are cancelled and its build records removed (the
   * runtime removes the images). Safe to repeat.
   */
  async forgetApp(appId: string): Promise<number> {
    const active = await this.builds.find({ appId, status: { $in: ['queued', 'running'] } }).exec();
    for (const build of active) await this.cancel(build.deploymentId, 'the app was deleted');
    const removed = await this.builds.deleteMany({ appId }).exec();
    return removed.deletedCount;
  }

  async get(deploymentId: string): Promise<BuildDto> {
    const build = await this.builds.findOne({ deploymentId }).exec();
    if (!build) throw DomainError.notFound(`No build for deployment "${deploymentId}".`);
    return toBuildDto(build);
  }

  private async execute(deploymentId: string, cancelSignal: AbortSignal): Promise<void> {
    const fresh = this.justAccepted.get(deploymentId);
    this.justAccepted.delete(deploymentId);
    const build = fresh ?? (await this.builds.findOne({ deploymentId }).exec());
    if (!build || build.status !== 'queued') return;
    if (build.cancelRequested) {
      await this.fail(
        build,
        new BuildFailure('The build was cancelled before it started.', 'queued'),
        [],
        true,
      );
      return;
    }
    const timeout = AbortSignal.timeout(this.config.BUILD_TIMEOUT_MS);
    const signal = AbortSignal.any([cancelSignal, timeout]);
    const started = Date.now();
    let stage: BuildStage = 'queued';
    let stageStarted = started;
    const timings: Array<{ stage: BuildStage; durationMs: number }> = [];
    const secretValues = build.request.source.accessToken
      ? [this.secrets.open(build.request.source.accessToken)]
      : [];
    const log = new BuildLog(
      build.appId,
      deploymentId,
      (subject, batch, messageId) =>
        this.publisher.publish(subject, batch, { messageId }).then(() => undefined),
      secretValues.flatMap((secret) => [secret, Buffer.from(`x-access-token:${secret}`).toString('base64')]),
    );
    const bookkeeping = new BuildBookkeeping(
      (update) => this.builds.updateOne({ _id: build._id }, update).exec(),
      (current) => this.publishProgress(build, current),
      (error) => this.logger.warn(`Build bookkeeping: ${error.message}`),
    );
    this.runningBookkeeping.set(deploymentId, bookkeeping);
    const enterStage = async (next: BuildStage) => {
      if (next === stage) return;
      timings.push({ stage, durationMs: Date.now() - stageStarted });
      stage = next;
      stageStarted = Date.now();
      bookkeeping.record({ stage }, { progress: stage });
    };

    let fetched: { commitSha: string | null; commitMessage: string | null } = {
      commitSha: null,
      commitMessage: null,
    };
    // First in the bookkeeping: a crash after this point counts as an attempt at the next start.
    bookkeeping.record({ status: 'running', startedAt: new Date() }, { inc: { attempts: 1 } });
    try {
      const result = await this.pipeline.run(
        build.request,
        {
          log,
          signal,
          onStage: enterStage,
          onSource: async (source) => {
            fetched = source;
            bookkeeping.record(source);
          },
          onPlan: async (detection, dockerfile) =>
            bookkeeping.record({ detection: { ...detection, port: detection.port ?? null }, dockerfile }),
        },
        this.secrets,
      );
      timings.push({ stage, durationMs: Date.now() - stageStarted });
      const totalMs = Date.now() - started;
      log.write(
        'export',
        `Build finished in ${(totalMs / 1000).toFixed(1)} s${result.dependencyCacheHit ? ' (dependencies from cache)' : ''}`,
      );
      await Promise.all([log.flush(), bookkeeping.settled()]);
      const event: BuildSucceededEvent = {
        deploymentId,
        appId: build.appId,
        imageTag: result.imageTag,
        imageId: result.imageId,
        sizeBytes: result.sizeBytes,
        commitSha: fetched.commitSha ?? undefined,
        commitMessage: fetched.commitMessage ?? undefined,
        detection: result.detection,
        dependencyCacheHit: result.dependencyCacheHit,
        timings,
        totalMs,
        occurredAt: new Date().toISOString(),
      };
      // The record and the event say the same thing and do not depend on each other.
      await Promise.all([
        this.builds
          .updateOne(
            { _id: build._id },
            {
              $set: {
                status: 'succeeded',
                imageTag: result.imageTag,
                imageId: result.imageId,
                sizeBytes: result.sizeBytes,
                dependencyCacheHit: result.dependencyCacheHit,
                timings,
                finishedAt: new Date(),
                logTail: log.lastLines(),
              },
            },
          )
          .exec(),
        this.publisher.publish(EventSubjects.BuildSucceeded, event, {
          messageId: `build.succeeded:${deploymentId}`,
        }),
      ]);
      this.metrics.increment('slipway_builds_total', 'Finished builds.', { result: 'succeeded' });
      // Not in the build's slot: the next build need not wait for old images to be removed.
      if (build.request.source.kind !== 'image') this.pruneLater(build.appId);
    } catch (error) {
      timings.push({ stage, durationMs: Date.now() - stageStarted });
      const failure = this.describeFailure(error, signal, stage);
      log.write(stage, failure.message, 'stderr');
      await Promise.all([log.flush(), bookkeeping.settled()]);
      const cancelled = error instanceof BuildAbortedError && signal.reason instanceof CancelledByUser;
      if (error instanceof BuildAbortedError && signal.reason instanceof ShuttingDown) {
        // Picked up again at the next start.
        await this.builds
          .updateOne({ _id: build._id }, { $set: { status: 'queued', stage: 'queued' } })
          .exec();
        return;
      }
      await this.fail(build, failure, log.lastLines(), cancelled, timings);
      if (!(failure instanceof BuildFailure) || failure.stage === 'queued')
        this.logger.error(failure.stack ?? failure.message);
    } finally {
      this.runningBookkeeping.delete(deploymentId);
    }
  }

  /** Once per app within IMAGE_PRUNE_DELAY_MS, and one prune at a time. */
  private pruneLater(appId: string): void {
    if (this.pruneTimers.has(appId)) return;
    const timer = setTimeout(() => {
      this.pruneTimers.delete(appId);
      this.pruning = this.pruning
        .then(() => this.retention.prune(appId))
        .catch((error: Error) => this.logger.warn(`Image retention: ${error.message}`));
    }, this.config.IMAGE_PRUNE_DELAY_MS);
    // A prune still waiting at shutdown happens after the app's next build instead.
    timer.unref();
    this.pruneTimers.set(appId, timer);
  }

  private describeFailure(error: unknown, signal: AbortSignal, stage: BuildStage): BuildFailure {
    if (error instanceof BuildAbortedError) {
      if (signal.reason instanceof CancelledByUser)
        return new BuildFailure(`The build was cancelled (${signal.reason.reason}).`, stage);
      if (signal.reason instanceof ShuttingDown)
        return new BuildFailure('The builder is shutting down.', stage);
      const limitMs = this.config.BUILD_TIMEOUT_MS;
      const limit =
        limitMs < 120_000 ? `${Math.round(limitMs / 1000)} s` : `${Math.round(limitMs / 60_000)} minutes`;
      return new BuildFailure(`The build took longer than the limit of ${limit} and was stopped.`, stage);
    }
    if (error instanceof BuildFailure) return error;
    return new BuildFailure(`The builder failed unexpectedly: ${(error as Error).message}`, stage);
  }

  private async fail(
    build: BuildDocument,
    failure: BuildFailure,
    logTail: string[],
    cancelled = false,
    timings: Array<{ stage: BuildStage; durationMs: number }> = [],
  ): Promise<void> {
    await this.builds
      .updateOne(
        { _id: build._id },
        {
          $set: {
            status: cancelled ? 'cancelled' : 'failed',
            failureReason: failure.message,
            logTail,
            finishedAt: new Date(),
            ...(timings.length ? { timings } : {}),
          },
        },
      )
      .exec();
    const event: BuildFailedEvent = {
      deploymentId: build.deploymentId,
      appId: build.appId,
      stage: failure.stage,
      reason: failure.message,
      logTail,
      cancelled,
      occurredAt: new Date().toISOString(),
    };
    await this.publisher.publish(EventSubjects.BuildFailed, event, {
      messageId: `build.failed:${build.deploymentId}`,
    });
    this.metrics.increment('slipway_builds_total', 'Finished builds.', {
      result: cancelled ? 'cancelled' : 'failed',
    });
  }

  private async publishProgress(build: Build, stage: BuildStage, queuePosition?: number): Promise<void> {
    const event: BuildProgressedEvent = {
      deploymentId: build.deploymentId,
      appId: build.appId,
      stage,
      percent: STAGE_PERCENT[stage],
      ...(queuePosition === undefined ? {} : { queuePosition }),
      occurredAt: new Date().toISOString(),
    };
    await this.publisher
      .publish(EventSubjects.BuildProgressed, event, {
        messageId: `build.progressed:${build.deploymentId}:${stage}:${queuePosition ?? '-'}`,
      })
      .catch((error: Error) => this.logger.warn(`Progress not published: ${error.message}`));
  }

  private async announcePositions(positions: ReadonlyMap<string, number>): Promise<void> {
    for (const [deploymentId, position] of positions) {
      if (this.lastPosition.get(deploymentId) === position) continue;
      this.lastPosition.set(deploymentId, position);
      // A just-accepted build is at hand: no read (a collection scan on FerretDB) as the build starts.
      const build =
        this.justAccepted.get(deploymentId) ?? (await this.builds.findOne({ deploymentId }).exec());
      if (build) await this.publishProgress(build, 'queued', position);
    }
    for (const deploymentId of this.lastPosition.keys()) {
      if (!positions.has(deploymentId)) this.lastPosition.delete(deploymentId);
    }
  }

  /** Running builds are stopped and put back in the queue, before the database connection closes. */
  async beforeApplicationShutdown(): Promise<void> {
    this.queue.abortAll(new ShuttingDown());
    for (const timer of this.pruneTimers.values()) clearTimeout(timer);
    this.pruneTimers.clear();
    const deadline = Date.now() + 5000;
    while (this.queue.active > 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 50));
    await this.pruning;
  }
}

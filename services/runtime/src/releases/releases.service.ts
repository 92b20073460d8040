import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import {
  EventSubjects,
  ReleaseFailedEvent,
  ReleaseLiveEvent,
  ReleaseProgressedEvent,
  ReleaseRequestedEvent,
  ReleaseStage,
} from '@slipway/contracts';
import { EventPublisher } from '@slipway/nest-messaging';
import { isDuplicateKeyError } from '@slipway/nest-mongo';
import { Model } from 'mongoose';
import { RuntimeConfig } from '../config/runtime.config';
import { RUNTIME_DRIVER, RuntimeDriver } from '../driver/runtime-driver';
import { AppLocks } from '../runtime/app-locks';
import { Instance, InstanceDocument } from '../state/schemas/instance.schema';
import { Release, ReleaseDocument } from '../state/schemas/release.schema';
import { RuntimeApp, RuntimeAppDocument } from '../state/schemas/runtime-app.schema';
import { AppRouting } from './app-routing';
import { InstanceLauncher, LaunchFailure } from './instance-launcher';

/** A release interrupted this many times (runtime restarts) is failed instead of tried again. */
const MAX_ATTEMPTS = 3;

/** A release request being stored as its first attempt while its roll-out starts. */
interface FreshRelease {
  request: ReleaseRequestedEvent;
  /** The stored record; undefined when it was stored before (a redelivery) or could not be stored. */
  stored: Promise<ReleaseDocument | undefined>;
}

/**
 * Runs releases with zero downtime: start the new instances → health gate → switch the app's route to them →
 * publish `release.live.v1` → drain and remove the previous instances. A release that never becomes healthy
 * is removed again and the previous one keeps serving. Requests are stored first and run in the background
 * under the app's lock, so a redelivered request, or one interrupted by a restart, is picked up exactly once.
 */
@Injectable()
export class ReleasesService {
  private readonly logger = new Logger(ReleasesService.name);
  private readonly running = new Set<string>();

  constructor(
    @InjectModel(Release.name) private readonly releases: Model<Release>,
    @InjectModel(RuntimeApp.name) private readonly apps: Model<RuntimeApp>,
    @InjectModel(Instance.name) private readonly instances: Model<Instance>,
    @Inject(RUNTIME_DRIVER) private readonly driver: RuntimeDriver,
    private readonly launcher: InstanceLauncher,
    private readonly routing: AppRouting,
    private readonly publisher: EventPublisher,
    private readonly locks: AppLocks,
    private readonly config: RuntimeConfig,
  ) {}

  /**
   * Stores the request once and runs it; a redelivered request changes nothing. The roll-out starts while
   * the record is being stored (its first steps need only the request); the message is acknowledged once
   * the record is stored.
   */
  async accept(request: ReleaseRequestedEvent): Promise<void> {
    const stored = this.releases
      .create({
        releaseId: request.releaseId,
        appId: request.appId,
        deploymentId: request.deploymentId,
        // Plain JSON: unset optional fields stay absent. Env values are still sealed.
        request: JSON.parse(JSON.stringify(request)) as ReleaseRequestedEvent,
        status: 'starting',
        // Stored as this process's first attempt, so the roll-out needs no second write to claim it.
        attempts: 1,
      })
      .then(
        (created): ReleaseDocument | undefined => created,
        (error: unknown) => {
          if (isDuplicateKeyError(error)) return undefined;
          throw error;
        },
      );
    void this.run(request.releaseId, request.appId, {
      request,
      stored: stored.catch(() => undefined),
    });
    await stored;
  }

  /**
   * Runs a stored release that is still `starting`, unless this process already runs it. `fresh` is a
   * request being stored right now as its first attempt; any other run counts its attempt first.
   */
  async run(releaseId: string, knownAppId?: string, fresh?: FreshRelease): Promise<void> {
    if (this.running.has(releaseId)) return;
    this.running.add(releaseId);
    try {
      const appId = knownAppId ?? (await this.releases.findOne({ releaseId }).exec())?.appId;
      if (appId === undefined) return;
      await this.locks.run(appId, () => this.rollOut(releaseId, fresh));
    } catch (error) {
      // Left `starting`: reconciliation runs it again.
      this.logger.error(`Release ${releaseId} interrupted: ${(error as Error).message}`);
    } finally {
      this.running.delete(releaseId);
    }
  }

  isRunning(releaseId: string): boolean {
    return this.running.has(releaseId);
  }

  /** Releases left `starting` (the runtime stopped during them, or an error interrupted them). */
  async unfinished(): Promise<string[]> {
    const releases = await this.releases.find({ status: 'starting' }).sort({ createdAt: 1 }).exec();
    return releases.map((release) => release.releaseId);
  }

  private async rollOut(releaseId: string, fresh?: FreshRelease): Promise<void> {
    const claimed = await this.claim(releaseId, fresh);
    if (!claimed) return;
    const { release, app, leftovers } = claimed;
    const request = release.request;
    const requestedAt = Date.parse(request.requestedAt);
    if (app.currentReleaseId === releaseId) {
      // Interrupted after the switch was recorded: only the finishing steps are left.
      await this.finish(release, app.previousReleaseId, { startMs: 0, healthyMs: 0, switchMs: 0 });
      return;
    }
    // Instances of an earlier, interrupted attempt never received traffic.
    await this.launcher.remove(leftovers, 0);
    if (release.attempts > MAX_ATTEMPTS) {
      await this.fail(
        release,
        `The runtime was interrupted during this release ${MAX_ATTEMPTS} times; giving up.`,
        [],
      );
      return;
    }
    // Whether a newer release went live first is looked up while the instances start (it almost never
    // happens, and the lookup would otherwise delay every release); it is settled before the switch.
    const newerLive: Promise<{ newer: ReleaseDocument | null } | { error: unknown }> = (
      app.currentReleaseId
        ? this.releases.findOne({ releaseId: app.currentReleaseId }).exec()
        : Promise.resolve(null)
    ).then(
      (current) => ({
        newer: current && Date.parse(current.request.requestedAt) > requestedAt ? current : null,
      }),
      (error: unknown) => ({ error }),
    );

    const started = Date.now();
    let startMs = 0;
    let healthyMs = 0;
    this.progress(
      release,
      'starting',
      `Starting ${plural(request.replicas, 'instance')} of ${request.image}.`,
    );
    let launched;
    try {
      launched = await this.launcher.launch(
        request,
        request.replicas,
        async () => {
          startMs = Date.now() - started;
          this.progress(
            release,
            'health-check',
            `Waiting for ${plural(request.replicas, 'instance')} to pass the health check.`,
          );
        },
        // Recorded while the route switches: nothing reads it on the way to the first request.
        { recordHealthy: false },
      );
      healthyMs = Date.now() - started;
    } catch (error) {
      if (!(error instanceof LaunchFailure)) throw error;
      await this.fail(release, error.message, error.lastLogLines);
      return;
    }
    const lookup = await newerLive;
    if ('error' in lookup) {
      await this.launcher.remove(launched, 0);
      throw lookup.error;
    }
    if (lookup.newer) {
      await this.launcher.remove(launched, 0);
      await this.fail(release, `A newer release (${lookup.newer.releaseId}) went live first.`, []);
      return;
    }

    this.progress(
      release,
      'switching',
      `Routing ${this.routing.hostsFor(app).join(', ')} to the new release.`,
    );
    const previousReleaseId =
      app.currentReleaseId !== releaseId ? app.currentReleaseId : app.previousReleaseId;
    try {
      await Promise.all([
        this.launcher.recordHealthy(launched),
        this.routing.switchTo(
          app,
          this.routing.proxyRoute(
            app,
            launched.map((instance) => instance.address),
            this.routing.healthPathFor(request.healthCheck),
          ),
          {
            currentReleaseId: releaseId,
            previousReleaseId,
            desiredReplicas: request.replicas,
            stopped: false,
          },
        ),
      ]);
    } catch (error) {
      // The switch failed in the database or in Caddy (either may have happened): the previous route goes back
      // into both before the new instances go, so Caddy never points at removed instances. If Caddy is
      // unreachable now, reconciliation puts the recorded route back later.
      await this.apps
        .updateOne(
          { appId: app.appId },
          {
            $set: {
              route: app.route,
              currentReleaseId: app.currentReleaseId,
              previousReleaseId: app.previousReleaseId,
              desiredReplicas: app.desiredReplicas,
              stopped: app.stopped,
            },
          },
        )
        .exec();
      const restored = app.route
        ? this.routing.applyToCaddy(app.appName, app.route)
        : this.routing.remove(app.appName);
      await restored.catch((restoreError: Error) =>
        this.logger.warn(`Route of ${app.appName} not restored yet: ${restoreError.message}`),
      );
      await this.launcher.remove(launched, 0);
      await this.fail(release, `The app's route could not be switched: ${(error as Error).message}`, []);
      return;
    }
    const switchMs = Date.now() - started;
    await this.finish(release, previousReleaseId, { startMs, healthyMs, switchMs });
  }

  /**
   * Counts this attempt at the release and reads what the roll-out starts from: the app (recorded with the
   * request's name and domains) and instances left by an interrupted attempt. A fresh release is stored as
   * its first attempt while the app is recorded, and has no instances yet.
   */
  private async claim(
    releaseId: string,
    fresh?: FreshRelease,
  ): Promise<{ release: ReleaseDocument; app: RuntimeAppDocument; leftovers: InstanceDocument[] } | null> {
    if (fresh) {
      const [stored, app] = await Promise.all([fresh.stored, this.recordApp(fresh.request)]);
      if (stored) return { release: stored, app, leftovers: [] };
    }
    const release = await this.releases
      .findOneAndUpdate({ releaseId, status: 'starting' }, { $inc: { attempts: 1 } }, { new: true })
      .exec();
    if (!release) return null;
    const [app, leftovers] = await Promise.all([
      this.recordApp(release.request),
      this.instances.find({ releaseId }).exec(),
    ]);
    return { release, app, leftovers };
  }

  private recordApp(request: ReleaseRequestedEvent): Promise<RuntimeAppDocument> {
    return this.apps
      .findOneAndUpdate(
        { appId: request.appId },
        {
          $set: { appName: request.appName, domains: request.domains },
          $setOnInsert: { appId: request.appId, desiredReplicas: request.replicas, stopped: false },
        },
        { upsert: true, new: true },
      )
      .exec();
  }

  /** After the switch: live event, drain of every other instance, retirement of older releases. */
  private async finish(
    release: ReleaseDocument,
    previousReleaseId: string | null,
    timings: ReleaseLiveEvent['timings'],
  ): Promise<void> {
    const request = release.request;
    await this.releases
      .updateOne({ _id: release._id }, { $set: { status: 'live', liveAt: new Date() } })
      .exec();
    const live: ReleaseLiveEvent = {
      releaseId: release.releaseId,
      deploymentId: release.deploymentId,
      appId: release.appId,
      url: this.routing.urlFor(request.appName),
      replicas: request.replicas,
      ...(previousReleaseId ? { previousReleaseId } : {}),
      timings,
      occurredAt: new Date().toISOString(),
    };
    await this.publisher.publish(EventSubjects.ReleaseLive, live, {
      messageId: `release.live:${release.releaseId}`,
    });
    await this.releases
      .updateMany(
        { appId: release.appId, status: 'live', releaseId: { $ne: release.releaseId } },
        { $set: { status: 'retired' } },
      )
      .exec();
    const others = await this.instances
      .find({ appId: release.appId, releaseId: { $ne: release.releaseId } })
      .exec();
    if (others.length > 0) {
      this.progress(release, 'draining', `Draining ${plural(others.length, 'previous instance')}.`);
    }
    // Outside the app's lock: the next release (a quick rollback) need not wait for this one's drain.
    // Instances are marked draining first, so a restart in between leaves reconciliation to finish it.
    const { done } = await this.launcher.beginDrain(others);
    void done
      .then(() => this.pruneOldReleases(release.appId))
      .catch((error: Error) => this.logger.warn(`After release ${release.releaseId}: ${error.message}`));
  }

  /** Keeps the newest KEEP_RELEASES_PER_APP successful releases (their images are rollback targets). */
  private async pruneOldReleases(appId: string): Promise<void> {
    const successful = await this.releases
      .find({ appId, status: { $in: ['live', 'retired'] } })
      .sort({ liveAt: -1 })
      .exec();
    const kept = successful.slice(0, this.config.KEEP_RELEASES_PER_APP);
    const dropped = successful.slice(this.config.KEEP_RELEASES_PER_APP);
    if (dropped.length === 0) return;
    await this.driver.removeAppImages(
      appId,
      kept.map((release) => release.request.image),
    );
    await this.releases.deleteMany({ _id: { $in: dropped.map((release) => release._id) } }).exec();
  }

  private async fail(release: ReleaseDocument, reason: string, lastLogLines: string[]): Promise<void> {
    await this.releases
      .updateOne({ _id: release._id }, { $set: { status: 'failed', failureReason: reason, lastLogLines } })
      .exec();
    const failed: ReleaseFailedEvent = {
      releaseId: release.releaseId,
      deploymentId: release.deploymentId,
      appId: release.appId,
      reason,
      lastLogLines,
      occurredAt: new Date().toISOString(),
    };
    await this.publisher.publish(EventSubjects.ReleaseFailed, failed, {
      messageId: `release.failed:${release.releaseId}`,
    });
    this.logger.warn(`Release ${release.releaseId} of ${release.appId} failed: ${reason}`);
  }

  /**
   * Not awaited by the flow: progress is for people watching, and one connection publishes in order, so
   * progress still reaches the stream before the result that follows it.
   */
  private progress(release: ReleaseDocument, stage: ReleaseStage, message: string): void {
    const event: ReleaseProgressedEvent = {
      releaseId: release.releaseId,
      deploymentId: release.deploymentId,
      appId: release.appId,
      stage,
      message,
      occurredAt: new Date().toISOString(),
    };
    void this.publisher
      .publish(EventSubjects.ReleaseProgressed, event, {
        messageId: `release.progressed:${release.releaseId}:${stage}:${release.attempts}`,
      })
      .catch((error: Error) => this.logger.warn(`Progress not published: ${error.message}`));
  }
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

import { Injectable, Logger } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import {
  AppLifecycleResultEvent,
  BuildFailedEvent,
  BuildProgressedEvent,
  BuildSucceededEvent,
  ReleaseFailedEvent,
  ReleaseLiveEvent,
  ReleaseProgressedEvent,
} from '@slipway/contracts';
import { isObjectId } from '@slipway/nest-mongo';
import { Model } from 'mongoose';
import { AppsService } from '../apps/apps.service';
import { AppLocks } from './app-locks';
import { stateForBuildStage } from './deployment-state-machine';
import { DeploymentTransitions } from './deployment-transitions';
import { Deployment, DeploymentDocument } from './schemas/deployment.schema';
import { Release } from './schemas/release.schema';

const DEFAULT_PORT = 8080;
const BUILD_STATES = ['queued', 'cloning', 'building'];

/**
 * How build and release results move deployments. Every reaction is idempotent: a redelivered or late
 * event finds the deployment already past that point and changes nothing.
 */
@Injectable()
export class DeploymentEventsService {
  private readonly logger = new Logger(DeploymentEventsService.name);
  /**
   * Per deployment, how many build events have arrived. A progress event that finds a later one waiting
   * behind it (the app's events take turns, and every write here is a FerretDB round trip) skips its
   * percentage, which the later event overwrites anyway, so the build's result is not kept waiting; the
   * state it moves the deployment to is still recorded.
   */
  private readonly buildEventsArrived = new Map<string, number>();

  constructor(
    @InjectModel(Deployment.name) private readonly deployments: Model<Deployment>,
    @InjectModel(Release.name) private readonly releases: Model<Release>,
    private readonly apps: AppsService,
    private readonly transitions: DeploymentTransitions,
    private readonly locks: AppLocks,
  ) {}

  onBuildProgressed(event: BuildProgressedEvent): Promise<void> {
    const arrival = this.noteBuildEvent(event.deploymentId);
    return this.locks.run(event.appId, () =>
      this.onBuildProgressedLocked(event, arrival !== this.buildEventsArrived.get(event.deploymentId)),
    );
  }

  onBuildSucceeded(event: BuildSucceededEvent): Promise<void> {
    this.noteBuildEvent(event.deploymentId);
    return this.locks.run(event.appId, () =>
      this.onBuildSucceededLocked(event).finally(() => this.forgetBuildEvents(event.deploymentId)),
    );
  }

  onBuildFailed(event: BuildFailedEvent): Promise<void> {
    this.noteBuildEvent(event.deploymentId);
    return this.locks.run(event.appId, () =>
      this.onBuildFailedLocked(event).finally(() => this.forgetBuildEvents(event.deploymentId)),
    );
  }

  private noteBuildEvent(deploymentId: string): number {
    const arrival = (this.buildEventsArrived.get(deploymentId) ?? 0) + 1;
    this.buildEventsArrived.set(deploymentId, arrival);
    return arrival;
  }

  private forgetBuildEvents(deploymentId: string): void {
    this.buildEventsArrived.delete(deploymentId);
  }

  onReleaseProgressed(event: ReleaseProgressedEvent): Promise<void> {
    return this.locks.run(event.appId, () => this.onReleaseProgressedLocked(event));
  }

  onReleaseLive(event: ReleaseLiveEvent): Promise<void> {
    return this.locks.run(event.appId, () => this.onReleaseLiveLocked(event));
  }

  onReleaseFailed(event: ReleaseFailedEvent): Promise<void> {
    return this.locks.run(event.appId, () => this.onReleaseFailedLocked(event));
  }

  onAppScaled(event: AppLifecycleResultEvent): Promise<void> {
    return this.locks.run(event.appId, () => this.onAppScaledLocked(event));
  }

  onLifecycleFailed(event: AppLifecycleResultEvent): Promise<void> {
    return this.locks.run(event.appId, () => this.onLifecycleFailedLocked(event));
  }

  onAppPower(event: AppLifecycleResultEvent, running: boolean): Promise<void> {
    return this.locks.run(event.appId, () => this.onAppPowerLocked(event, running));
  }

  private async find(deploymentId: string): Promise<DeploymentDocument | null> {
    // Builds requested by other systems carry ids the apps service never issued: not ours, ignore them.
    return isObjectId(deploymentId) ? this.deployments.findById(deploymentId).exec() : null;
  }

  private async onBuildProgressedLocked(event: BuildProgressedEvent, superseded: boolean): Promise<void> {
    const deployment = await this.find(event.deploymentId);
    if (!deployment || !BUILD_STATES.includes(deployment.state)) return;
    const progress = {
      stage: event.stage,
      percent: event.percent,
      queuePosition: event.queuePosition ?? null,
      message: null,
    };
    const target = stateForBuildStage(event.stage);
    if (target && target !== deployment.state) {
      // One write: the move and the percentage together.
      const reason = target === 'cloning' ? 'Fetching the source' : `Building (${event.stage})`;
      const moved = await this.transitions.transition(
        deployment,
        target,
        reason,
        superseded ? {} : { set: { progress } },
      );
      if (moved) return;
    }
    if (superseded) return;
    await this.deployments
      .updateOne(
        { _id: deployment._id, state: { $in: BUILD_STATES } },
        { $set: { progress } },
        { timestamps: false },
      )
      .exec();
  }

  private async onBuildSucceededLocked(event: BuildSucceededEvent): Promise<void> {
    // Both at once: the event names the app, and the release waits on every round trip here.
    const [deployment, eventApp] = await Promise.all([
      this.find(event.deploymentId),
      this.apps.findById(event.appId),
    ]);
    if (!deployment || !BUILD_STATES.includes(deployment.state)) return;
    const app =
      eventApp?._id.toHexString() === deployment.appId
        ? eventApp
        : await this.apps.findById(deployment.appId);
    if (!app) {
      await this.transitions.transition(deployment, 'failed', 'The app was deleted during the build.');
      return;
    }
    await this.transitions.startRelease(deployment, app, {
      image: event.imageTag,
      port: app.port ?? event.detection.port ?? DEFAULT_PORT,
      commitSha: event.commitSha ?? null,
      reason: 'deploy',
      set: {
        commitSha: event.commitSha ?? null,
        commitMessage: event.commitMessage ?? null,
        detectedPort: event.detection.port ?? null,
        progress: { stage: 'starting', percent: 100, queuePosition: null, message: null },
      },
    });
  }

  private async onBuildFailedLocked(event: BuildFailedEvent): Promise<void> {
    const deployment = await this.find(event.deploymentId);
    if (!deployment) return;
    const moved = event.cancelled
      ? await this.transitions.transition(deployment, 'cancelled', event.reason, {
          set: { reason: event.reason, logTail: event.logTail },
        })
      : await this.transitions.transition(
          deployment,
          'failed',
          `The build failed while in stage ${event.stage}: ${event.reason}`,
          { set: { reason: event.reason, logTail: event.logTail } },
        );
    if (moved) await this.transitions.dispatchNext(deployment.appId);
  }

  private async onReleaseProgressedLocked(event: ReleaseProgressedEvent): Promise<void> {
    if (!isObjectId(event.deploymentId)) return;
    await this.deployments
      .updateOne(
        { _id: event.deploymentId, state: 'releasing' },
        {
          $set: {
            progress: { stage: event.stage, percent: 100, queuePosition: null, message: event.message },
          },
        },
        { timestamps: false },
      )
      .exec();
  }

  private async onReleaseLiveLocked(event: ReleaseLiveEvent): Promise<void> {
    const deployment = await this.find(event.deploymentId);
    if (!deployment) return;
    if (deployment.state !== 'releasing') return; // a redelivery, or a release this deployment no longer waits for
    const id = deployment._id.toHexString();
    // Release, app and the replaced deployment first, so whoever sees this one running sees the rest too.
    // Everything by id (a release shares its deployment's id): FerretDB scans for any other query.
    const app = await this.apps.findById(deployment.appId);
    const previousId =
      app?.currentDeploymentId && app.currentDeploymentId !== id ? app.currentDeploymentId : null;
    if (previousId) {
      await this.releases
        .updateOne({ _id: previousId, state: 'live' }, { $set: { state: 'retired' } })
        .exec();
    }
    await this.releases.updateOne({ _id: id }, { $set: { state: 'live', liveAt: new Date() } }).exec();
    await this.apps.setFields(deployment.appId, {
      currentDeploymentId: id,
      url: event.url,
      desiredState: 'running',
    });
    const previous = previousId ? await this.find(previousId) : null;
    if (previous) await this.transitions.transition(previous, 'stopped', `Replaced by deployment ${id}`);
    const live = await this.transitions.transition(deployment, 'running', `Live at ${event.url}`, {
      set: { url: event.url, reason: null },
    });
    if (!live) return;
    await this.transitions.dispatchNext(deployment.appId);
  }

  private async onReleaseFailedLocked(event: ReleaseFailedEvent): Promise<void> {
    const deployment = await this.find(event.deploymentId);
    if (!deployment) return;
    const failed = await this.transitions.transition(
      deployment,
      'failed',
      `The release failed: ${event.reason}`,
      { set: { reason: event.reason, logTail: event.lastLogLines } },
    );
    if (!failed) return;
    await this.releases.updateOne({ _id: deployment._id }, { $set: { state: 'failed' } }).exec();
    await this.transitions.dispatchNext(deployment.appId);
  }

  /** The runtime stopped or started the app: its current deployment follows. */
  private async onAppPowerLocked(event: AppLifecycleResultEvent, running: boolean): Promise<void> {
    const app = await this.apps.findById(event.appId);
    if (!app?.currentDeploymentId) return;
    const current = await this.find(app.currentDeploymentId);
    if (!current) return;
    if (running) await this.transitions.transition(current, 'running', 'The app was started');
    else await this.transitions.transition(current, 'stopped', 'The app was stopped');
  }

  private async onAppScaledLocked(event: AppLifecycleResultEvent): Promise<void> {
    await this.apps.setFields(event.appId, { replicas: event.replicas, lastLifecycleError: null });
  }

  private async onLifecycleFailedLocked(event: AppLifecycleResultEvent): Promise<void> {
    this.logger.warn(`${event.operation} of app ${event.appId} failed: ${event.reason ?? 'no reason given'}`);
    await this.apps.setFields(event.appId, {
      lastLifecycleError: `${event.operation} failed: ${event.reason ?? 'no reason given'}`,
    });
  }
}

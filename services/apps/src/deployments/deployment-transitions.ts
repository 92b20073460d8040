import { Injectable, Logger } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import {
  BuildCancelRequestedEvent,
  BuildRequestedEvent,
  DEFAULT_HEALTH_CHECK,
  DeploymentState,
  DeploymentTransitionedEvent,
  EventSubjects,
  ReleaseReason,
  ReleaseRequestedEvent,
} from '@slipway/contracts';
import { EventPublisher } from '@slipway/nest-messaging';
import { isDuplicateKeyError } from '@slipway/nest-mongo';
import { Model } from 'mongoose';
import { AppsService } from '../apps/apps.service';
import { AppDocument } from '../apps/schemas/app.schema';
import { AppsConfig } from '../config/apps.config';
import { EnvVarStore } from '../env-vars/env-var.store';
import { NotificationsService } from '../notifications/notifications.service';
import { PendingEvent } from '../outbox/outbox.service';
import {
  canTransition,
  deadlineFor,
  DeploymentTimeouts,
  isFinal,
  isInProgress,
} from './deployment-state-machine';
import { DeploymentWatch } from './deployment-watch';
import { Deployment, DeploymentDocument } from './schemas/deployment.schema';
import { Release, ReleaseDocument } from './schemas/release.schema';

export interface TransitionOptions {
  set?: Partial<Deployment>;
  /** Events owed with this change, stored with it and published after it. */
  events?: PendingEvent[];
}

const DEFAULT_PORT = 8080;

export function buildCancelEvent(deployment: DeploymentDocument, reason: string): PendingEvent {
  const payload: BuildCancelRequestedEvent = { deploymentId: deployment._id.toHexString(), reason };
  return {
    subject: EventSubjects.BuildCancelRequested,
    payload,
    messageId: `build.cancel-requested:${payload.deploymentId}`,
  };
}

/**
 * The one place a deployment changes state: every change is checked against the state machine, stored
 * with its transition record and owed events in one conditional update, then published. Also starts the
 * app's next waiting deployment when the current one settles (one deployment in progress per app).
 */
@Injectable()
export class DeploymentTransitions {
  private readonly logger = new Logger(DeploymentTransitions.name);
  readonly timeouts: DeploymentTimeouts;

  constructor(
    @InjectModel(Deployment.name) private readonly deployments: Model<Deployment>,
    @InjectModel(Release.name) private readonly releases: Model<Release>,
    private readonly apps: AppsService,
    private readonly envVars: EnvVarStore,
    private readonly publisher: EventPublisher,
    private readonly notifications: NotificationsService,
    private readonly watch: DeploymentWatch,
    config: AppsConfig,
  ) {
    this.timeouts = {
      queueMs: config.DEPLOYMENT_QUEUE_TIMEOUT_MS,
      buildMs: config.DEPLOYMENT_BUILD_TIMEOUT_MS,
      releaseMs: config.DEPLOYMENT_RELEASE_TIMEOUT_MS,
    };
  }

  /**
   * Moves the deployment to `to` if the state machine allows it from its current state; returns the
   * updated deployment, or null when the move does not apply (already there, or a stale report).
   */
  async transition(
    deployment: DeploymentDocument,
    to: DeploymentState,
    reason: string,
    options: TransitionOptions = {},
  ): Promise<DeploymentDocument | null> {
    let current: DeploymentDocument | null = deployment;
    for (let attempt = 0; attempt < 8 && current; attempt += 1) {
      if (!canTransition(current.state, to)) return null;
      const now = new Date();
      const sequence = current.transitions.length + 1;
      const id = current._id.toHexString();
      const url = options.set?.url ?? current.url;
      const transitioned: DeploymentTransitionedEvent = {
        deploymentId: id,
        appId: current.appId,
        appName: current.appName,
        sequence,
        from: current.state,
        to,
        reason,
        ...(url ? { url } : {}),
        occurredAt: now.toISOString(),
      };
      const settles = to === 'running' || isFinal(to);
      // One round trip: the conditional update answers with the document as it now is.
      const updated = await this.deployments
        .findOneAndUpdate(
          { _id: current._id, revision: current.revision },
          {
            $set: {
              ...options.set,
              state: to,
              deadlineAt: deadlineFor(to, now, this.timeouts, {
                state: current.state,
                deadlineAt: current.deadlineAt,
                dispatched: (options.set?.dispatchedAt ?? current.dispatchedAt) !== null,
              }),
              hasPendingEvents: true,
              ...(settles && !current.finishedAt ? { finishedAt: now } : {}),
            },
            $inc: { revision: 1 },
            $push: {
              transitions: { from: current.state, to, at: now.toISOString(), reason },
              pendingEvents: {
                $each: [
                  {
                    subject: EventSubjects.DeploymentTransitioned,
                    payload: transitioned,
                    messageId: `deployment.transitioned:${id}:${sequence}`,
                  },
                  ...(options.events ?? []),
                ],
              },
            },
          },
          { new: true },
        )
        .exec();
      if (updated) {
        this.watch.track(updated);
        await this.flush(updated);
        await this.notify(current.state, updated);
        return updated;
      }
      current = await this.deployments.findById(current._id).exec();
    }
    if (!current) return null;
    throw new Error(`Deployment ${current._id.toHexString()} kept changing under a concurrent update`);
  }

  /** A deployment that went live or failed tells the app's notification webhooks. */
  private async notify(from: DeploymentState, deployment: DeploymentDocument): Promise<void> {
    const event =
      deployment.state === 'running' && from === 'releasing'
        ? 'deployment.succeeded'
        : deployment.state === 'failed'
          ? 'deployment.failed'
          : null;
    if (!event) return;
    await this.notifications.deploymentSettled(event, {
      id: deployment._id.toHexString(),
      appId: deployment.appId,
      appName: deployment.appName,
      state: deployment.state,
      trigger: deployment.trigger,
      url: deployment.url,
      commitSha: deployment.commitSha,
      reason: deployment.reason,
    });
  }

  /** Publishes the events a deployment owes; on failure they stay for the sweeper. */
  async flush(deployment: DeploymentDocument): Promise<void> {
    if (!deployment.hasPendingEvents) return;
    try {
      for (const event of deployment.pendingEvents) {
        await this.publisher.publish(event.subject, event.payload, { messageId: event.messageId });
      }
    } catch (error) {
      this.logger.warn(
        `Events of deployment ${deployment._id.toHexString()} deferred: ${(error as Error).message}`,
      );
      return;
    }
    // Only if nothing was added meanwhile; otherwise the sweeper publishes the lot again (same ids).
    const cleared = await this.deployments
      .updateOne(
        { _id: deployment._id, revision: deployment.revision },
        { $set: { pendingEvents: [], hasPendingEvents: false } },
        { timestamps: false },
      )
      .exec();
    if (cleared.modifiedCount === 1) this.watch.published(deployment._id.toHexString());
  }

  /**
   * Starts the app's oldest waiting deployment unless one is already in progress: a build for a source, or
   * straight a release for a rollback or an env change.
   */
  async dispatchNext(appId: string): Promise<void> {
    if (!(await this.canStartNow(appId))) return;
    const waiting = this.watch.ofApp(appId).find((entry) => entry.state === 'queued' && !entry.dispatched);
    const next = waiting ? await this.deployments.findById(waiting.id).exec() : null;
    if (!next) return;
    const app = await this.apps.findById(appId);
    if (!app) {
      await this.transition(next, 'failed', 'The app was deleted before this deployment started.');
      return;
    }
    if (next.source.kind === 'release') {
      await this.startRelease(next, app, {
        image: next.source.image ?? '',
        port: next.detectedPort ?? app.port ?? DEFAULT_PORT,
        commitSha: next.commitSha,
        reason: next.trigger === 'rollback' ? 'rollback' : 'env-change',
        set: { dispatchedAt: new Date() },
      });
      return;
    }
    await this.requestBuild(next, app);
  }

  /**
   * Whether a deployment of the app may start now: nothing of the app is dispatched and still in progress
   * (one deployment in progress per app).
   */
  async canStartNow(appId: string): Promise<boolean> {
    await this.watch.ready();
    return !this.watch.ofApp(appId).some((entry) => isInProgress(entry.state) && entry.dispatched);
  }

  /** The fields that mark a deployment's build as asked for, and the request owed with them. */
  buildDispatch(
    deployment: Pick<Deployment, 'appId' | 'appName' | 'source'> & { id: string },
    app: AppDocument,
    now: Date,
  ): { set: Pick<Deployment, 'dispatchedAt' | 'deadlineAt'>; event: PendingEvent } {
    const { source } = deployment;
    const request: BuildRequestedEvent = {
      deploymentId: deployment.id,
      appId: deployment.appId,
      appName: deployment.appName,
      source: {
        kind: source.kind === 'release' ? 'image' : source.kind,
        ...(source.repoUrl ? { repoUrl: source.repoUrl } : {}),
        ...(source.ref ? { ref: source.ref } : {}),
        ...(source.image ? { image: source.image } : {}),
        ...(source.archiveObject ? { archiveObject: source.archiveObject } : {}),
      },
      settings: {
        ...(app.rootDirectory ? { rootDirectory: app.rootDirectory } : {}),
        ...(app.installCommand ? { installCommand: app.installCommand } : {}),
        ...(app.buildCommand ? { buildCommand: app.buildCommand } : {}),
        ...(app.startCommand ? { startCommand: app.startCommand } : {}),
        ...(app.port ? { port: app.port } : {}),
      },
      requestedAt: now.toISOString(),
    };
    return {
      set: { dispatchedAt: now, deadlineAt: new Date(now.getTime() + this.timeouts.queueMs) },
      event: {
        subject: EventSubjects.BuildRequested,
        payload: request,
        messageId: `build.requested:${deployment.id}`,
      },
    };
  }

  private async requestBuild(deployment: DeploymentDocument, app: AppDocument): Promise<void> {
    const dispatch = this.buildDispatch(
      {
        id: deployment._id.toHexString(),
        appId: deployment.appId,
        appName: deployment.appName,
        source: deployment.source,
      },
      app,
      new Date(),
    );
    const result = await this.deployments
      .updateOne(
        { _id: deployment._id, revision: deployment.revision, state: 'queued', dispatchedAt: null },
        {
          $set: { ...dispatch.set, hasPendingEvents: true },
          $inc: { revision: 1 },
          $push: { pendingEvents: dispatch.event },
        },
      )
      .exec();
    if (result.modifiedCount !== 1) return; // someone else dispatched or changed it first
    const updated = await this.deployments.findById(deployment._id).exec();
    if (!updated) return;
    this.watch.track(updated);
    await this.flush(updated);
  }

  /**
   * Records the release (once per deployment) and asks the runtime for it, with the app's env sealed and
   * its current settings. The deployment moves to `releasing`.
   */
  async startRelease(
    deployment: DeploymentDocument,
    app: AppDocument,
    params: {
      image: string;
      port: number;
      commitSha: string | null;
      reason: ReleaseReason;
      set?: Partial<Deployment>;
    },
  ): Promise<DeploymentDocument | null> {
    const [release, env] = await Promise.all([
      this.recordRelease(deployment, app, params),
      this.envVars.sealedForRelease(deployment.appId),
    ]);
    const releaseId = release._id.toHexString();
    const request: ReleaseRequestedEvent = {
      releaseId,
      deploymentId: deployment._id.toHexString(),
      appId: deployment.appId,
      appName: app.name,
      image: params.image,
      port: params.port,
      env,
      plan: app.plan ?? 'starter',
      replicas: app.replicas ?? 1,
      healthCheck: app.healthCheck ?? DEFAULT_HEALTH_CHECK,
      domains: app.domains ?? [],
      // Built images carry the start command already; a prebuilt image needs it as an override.
      ...(app.startCommand && app.sourceKind === 'image' ? { command: app.startCommand } : {}),
      reason: params.reason,
      requestedAt: new Date().toISOString(),
    };
    const what = params.reason === 'deploy' ? 'the new image' : `${params.image} (${params.reason})`;
    return this.transition(deployment, 'releasing', `Releasing ${what}`, {
      set: { ...params.set, releaseId, imageTag: params.image },
      events: [
        {
          subject: EventSubjects.ReleaseRequested,
          payload: request,
          messageId: `release.requested:${releaseId}`,
        },
      ],
    });
  }

  private async recordRelease(
    deployment: DeploymentDocument,
    app: AppDocument,
    params: { image: string; port: number; commitSha: string | null; reason: ReleaseReason },
  ): Promise<ReleaseDocument> {
    const deploymentId = deployment._id.toHexString();
    try {
      // The release shares the deployment's id (one release per deployment), so it is found by id: FerretDB
      // scans the collection for anything else.
      return await this.releases.create({
        _id: deployment._id,
        appId: deployment.appId,
        ownerId: deployment.ownerId,
        deploymentId,
        image: params.image,
        reason: params.reason,
        commitSha: params.commitSha,
        port: params.port,
        envRevision: app.envRevision ?? 0,
      });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      const existing = await this.releases.findById(deployment._id).exec();
      if (!existing) throw error;
      return existing;
    }
  }
}

import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import {
  Actor,
  DeployAppRequest,
  DeploymentDto,
  DeploymentListDto,
  DeploymentStatusDto,
  DeploymentTrigger,
  EventSubjects,
  LIST_DEFAULT_LIMIT,
  ListAppDeploymentsRequest,
  ReleaseListDto,
} from '@slipway/contracts';
import { DomainError } from '@slipway/nest-messaging';
import { isDuplicateKeyError, isObjectId } from '@slipway/nest-mongo';
import { Model, Types } from 'mongoose';
import { AppsService } from '../apps/apps.service';
import { AppDocument } from '../apps/schemas/app.schema';
import { nextCursorOf, ownedBy, pageFilter } from '../apps/tenancy';
import { AppLocks } from './app-locks';
import { buildCancelEvent, DeploymentTransitions } from './deployment-transitions';
import { isCancellable, isInProgress } from './deployment-state-machine';
import { DeploymentWatch } from './deployment-watch';
import { toDeploymentDto, toDeploymentStatusDto, toReleaseDto } from './deployment.mapper';
import { Deployment, DeploymentDocument, DeploymentSource } from './schemas/deployment.schema';
import { Release } from './schemas/release.schema';

/** What to deploy and why; the source is checked against the app's kind before anything is stored. */
export interface NewDeployment {
  app: AppDocument;
  trigger: DeploymentTrigger;
  requestedBy: string;
  idempotencyKey: string;
  message?: string | null;
  ref?: string;
  image?: string;
  archiveObject?: string;
  /** Rollbacks and env changes: release this image again, no build. */
  release?: {
    image: string;
    port: number | null;
    commitSha: string | null;
    rollbackOfReleaseId: string | null;
  };
}

/** The problems with a requested source, in sentences; empty when it can be deployed. */
export function sourceProblems(
  app: AppDocument,
  request: { ref?: string; image?: string; archiveObject?: string },
): string[] {
  const problems: string[] = [];
  if (request.ref && request.image) problems.push('give a git ref or an image, not both');
  if (request.ref && app.sourceKind !== 'git')
    problems.push(`app ${app.name} is not built from git, so a ref does not apply`);
  if (request.archiveObject && app.sourceKind !== 'archive') {
    problems.push(`app ${app.name} is not deployed from uploads, so an archive does not apply`);
  }
  if (app.sourceKind === 'archive' && !request.archiveObject && !request.image) {
    problems.push(`app ${app.name} is deployed from uploads: give the uploaded archive's object name`);
  }
  return problems;
}

function sourceFor(app: AppDocument, input: NewDeployment): DeploymentSource {
  if (input.release) {
    return { kind: 'release', repoUrl: null, ref: null, image: input.release.image, archiveObject: null };
  }
  if (input.image || app.sourceKind === 'image') {
    return { kind: 'image', repoUrl: null, ref: null, image: input.image ?? app.image, archiveObject: null };
  }
  if (app.sourceKind === 'archive') {
    return {
      kind: 'archive',
      repoUrl: null,
      ref: null,
      image: null,
      archiveObject: input.archiveObject ?? null,
    };
  }
  return {
    kind: 'git',
    repoUrl: app.repoUrl,
    ref: input.ref ?? app.branch,
    image: null,
    archiveObject: null,
  };
}

/** Deployments as users and other systems ask for them, and the queries about them. */
@Injectable()
export class DeploymentsService {
  constructor(
    @InjectModel(Deployment.name) private readonly deployments: Model<Deployment>,
    @InjectModel(Release.name) private readonly releases: Model<Release>,
    private readonly apps: AppsService,
    private readonly transitions: DeploymentTransitions,
    private readonly locks: AppLocks,
    private readonly watch: DeploymentWatch,
  ) {}

  /**
   * Stores a new deployment (once per idempotency key), supersedes the app's older ones still queued and
   * starts the next one if nothing else of the app is in progress.
   */
  request(input: NewDeployment): Promise<DeploymentDocument> {
    return this.locks.run(input.app._id.toHexString(), () => this.requestLocked(input));
  }

  private async requestLocked(input: NewDeployment): Promise<DeploymentDocument> {
    // No lookup first: the unique index on idempotencyKey refuses a repeat (a FerretDB query on that field
    // would scan every deployment), and only then is the first deployment looked up.
    const { app } = input;
    const now = new Date();
    const id = new Types.ObjectId();
    const requestedVia = input.trigger === 'event' ? 'deploy.requested.v1' : input.trigger;
    const reason = `Requested by ${input.requestedBy} (${requestedVia})`;
    const source = sourceFor(app, input);
    const appId = app._id.toHexString();
    // The usual case, nothing of the app in progress: stored already dispatched with its build request, so
    // the builder hears of it after one write instead of the several a queued start takes.
    const dispatch =
      source.kind !== 'release' && (await this.transitions.canStartNow(appId))
        ? this.transitions.buildDispatch({ id: id.toHexString(), appId, appName: app.name, source }, app, now)
        : undefined;
    let created: DeploymentDocument;
    try {
      created = await this.deployments.create({
        _id: id,
        appId: app._id.toHexString(),
        ownerId: app.ownerId,
        appName: app.name,
        state: 'queued',
        trigger: input.trigger,
        requestedBy: input.requestedBy,
        message: input.message ?? null,
        idempotencyKey: input.idempotencyKey,
        source,
        rollbackOfReleaseId: input.release?.rollbackOfReleaseId ?? null,
        commitSha: input.release?.commitSha ?? null,
        detectedPort: input.release?.port ?? null,
        transitions: [{ from: null, to: 'queued', at: now.toISOString(), reason }],
        hasPendingEvents: true,
        pendingEvents: [
          {
            subject: EventSubjects.DeploymentTransitioned,
            payload: {
              deploymentId: id.toHexString(),
              appId: app._id.toHexString(),
              appName: app.name,
              sequence: 1,
              to: 'queued',
              reason,
              occurredAt: now.toISOString(),
            },
            messageId: `deployment.transitioned:${id.toHexString()}:1`,
          },
          ...(dispatch ? [dispatch.event] : []),
        ],
        ...dispatch?.set,
      });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      const winner = await this.deployments.findOne({ idempotencyKey: input.idempotencyKey }).exec();
      if (!winner) throw error;
      return winner;
    }
    this.watch.track(created);
    await Promise.all([
      this.apps.setFields(created.appId, { latestDeploymentId: created._id.toHexString() }),
      this.transitions.flush(created),
    ]);
    await this.supersedeQueued(created);
    if (dispatch) return created;
    await this.transitions.dispatchNext(created.appId);
    return (await this.deployments.findById(id).exec()) ?? created;
  }

  /** A newer deployment makes the app's older queued ones pointless: they end as superseded. */
  private async supersedeQueued(newer: DeploymentDocument): Promise<void> {
    await this.watch.ready();
    const newerId = newer._id.toHexString();
    const older: DeploymentDocument[] = [];
    for (const entry of this.watch.ofApp(newer.appId)) {
      if (entry.state !== 'queued' || entry.id >= newerId) continue;
      const deployment = await this.deployments.findById(entry.id).exec();
      if (deployment) older.push(deployment);
    }
    for (const deployment of older) {
      const reason = `Superseded by the newer deployment ${newerId}`;
      await this.transitions.transition(deployment, 'superseded', reason, {
        set: { reason },
        events: deployment.dispatchedAt ? [buildCancelEvent(deployment, reason)] : [],
      });
    }
  }

  async deploy(request: DeployAppRequest): Promise<DeploymentDto> {
    const app = await this.apps.findOwned(request.actor, request.appId);
    const problems = sourceProblems(app, request);
    if (problems.length > 0)
      throw new DomainError('VALIDATION', `Cannot deploy: ${problems.join('; ')}`, problems);
    const deployment = await this.request({
      app,
      trigger: 'api',
      requestedBy: request.actor.userId,
      idempotencyKey: `api:${request.actor.userId}:${request.idempotencyKey ?? new Types.ObjectId().toHexString()}`,
      message: request.message ?? null,
      ...(request.ref ? { ref: request.ref } : {}),
      ...(request.image ? { image: request.image } : {}),
      ...(request.archiveObject ? { archiveObject: request.archiveObject } : {}),
    });
    return toDeploymentDto(deployment);
  }

  /** The source of the app's latest build again: the same branch (its new head) or the same image. */
  async redeploy(actor: Actor, appId: string, idempotencyKey?: string): Promise<DeploymentDto> {
    const app = await this.apps.findOwned(actor, appId);
    const latest = await this.deployments
      .findOne({ appId, 'source.kind': { $in: ['git', 'image', 'archive'] } })
      .sort({ _id: -1 })
      .exec();
    const source = latest?.source;
    if (app.sourceKind === 'archive' && !source?.archiveObject) {
      throw DomainError.conflict(`App ${app.name} has no uploaded archive deployed yet; deploy one first.`);
    }
    const deployment = await this.request({
      app,
      trigger: 'redeploy',
      requestedBy: actor.userId,
      idempotencyKey: `api:${actor.userId}:${idempotencyKey ?? new Types.ObjectId().toHexString()}`,
      ...(source?.kind === 'git' && source.ref ? { ref: source.ref } : {}),
      ...(source?.kind === 'image' && source.image ? { image: source.image } : {}),
      ...(source?.archiveObject ? { archiveObject: source.archiveObject } : {}),
    });
    return toDeploymentDto(deployment);
  }

  /** Releases a kept release's image again (no build), as a new deployment. */
  async rollback(actor: Actor, appId: string, releaseId: string): Promise<DeploymentDto> {
    const app = await this.apps.findOwned(actor, appId);
    const release = isObjectId(releaseId)
      ? await this.releases.findOne({ _id: releaseId, appId }).exec()
      : null;
    if (!release) throw DomainError.notFound(`App ${app.name} has no release "${releaseId}".`);
    if (!release.liveAt) {
      throw DomainError.conflict(
        `Release ${releaseId} never went live, so there is nothing to roll back to.`,
      );
    }
    const deployment = await this.request({
      app,
      trigger: 'rollback',
      requestedBy: actor.userId,
      idempotencyKey: `rollback:${new Types.ObjectId().toHexString()}`,
      message: `Rollback to release ${releaseId}`,
      release: {
        image: release.image,
        port: release.port,
        commitSha: release.commitSha,
        rollbackOfReleaseId: releaseId,
      },
    });
    return toDeploymentDto(deployment);
  }

  /**
   * Env vars changed with "apply now": the running image is released again with the new values. Null when
   * nothing runs yet (the values then apply to the first deployment).
   */
  async applyEnvChange(app: AppDocument, actor: Actor): Promise<string | null> {
    const release = await this.currentRelease(app);
    if (!release) return null;
    const deployment = await this.request({
      app,
      trigger: 'env-change',
      requestedBy: actor.userId,
      idempotencyKey: `env-change:${new Types.ObjectId().toHexString()}`,
      message: 'Apply changed environment variables',
      release: {
        image: release.image,
        port: release.port,
        commitSha: release.commitSha,
        rollbackOfReleaseId: null,
      },
    });
    return deployment._id.toHexString();
  }

  async currentRelease(app: AppDocument) {
    if (!app.currentDeploymentId) return null;
    return isObjectId(app.currentDeploymentId)
      ? this.releases.findById(app.currentDeploymentId).exec()
      : null;
  }

  async cancel(actor: Actor, deploymentId: string): Promise<DeploymentDto> {
    const { appId } = await this.findOwned(actor, deploymentId);
    return this.locks.run(appId, () => this.cancelLocked(actor, deploymentId));
  }

  private async cancelLocked(actor: Actor, deploymentId: string): Promise<DeploymentDto> {
    const deployment = await this.findOwned(actor, deploymentId);
    if (!isCancellable(deployment.state)) {
      throw DomainError.conflict(
        deployment.state === 'releasing'
          ? 'The deployment is already releasing; the runtime finishes or fails it shortly. Roll back afterwards if needed.'
          : `The deployment is already ${deployment.state}; there is nothing to cancel.`,
      );
    }
    const reason = `Cancelled by ${actor.userId}`;
    const cancelled = await this.transitions.transition(deployment, 'cancelled', reason, {
      set: { reason },
      events: deployment.dispatchedAt ? [buildCancelEvent(deployment, reason)] : [],
    });
    if (!cancelled) {
      const now = await this.findOwned(actor, deploymentId);
      throw DomainError.conflict(`The deployment is already ${now.state}; there is nothing to cancel.`);
    }
    await this.transitions.dispatchNext(deployment.appId);
    return toDeploymentDto(cancelled);
  }

  async list(request: ListAppDeploymentsRequest): Promise<DeploymentListDto> {
    const app = await this.apps.findOwned(request.actor, request.appId);
    const limit = request.limit ?? LIST_DEFAULT_LIMIT;
    // The newest one alone (what a status poll asks for) is found by id, not by scanning the history.
    if (limit === 1 && !request.cursor && app.latestDeploymentId) {
      const latest = await this.deployments.findById(app.latestDeploymentId, { pendingEvents: 0 }).exec();
      if (latest) return { items: [toDeploymentDto(latest)], nextCursor: latest._id.toHexString() };
    }
    const items = await this.deployments
      .find({ appId: request.appId, ...pageFilter<Deployment>(request.cursor) }, { pendingEvents: 0 })
      .sort({ _id: -1 })
      .limit(limit)
      .exec();
    return { items: items.map(toDeploymentDto), nextCursor: nextCursorOf(items, limit) };
  }

  async releasesOf(request: ListAppDeploymentsRequest): Promise<ReleaseListDto> {
    await this.apps.findOwned(request.actor, request.appId);
    const limit = request.limit ?? LIST_DEFAULT_LIMIT;
    const items = await this.releases
      .find({ appId: request.appId, ...pageFilter<Release>(request.cursor) })
      .sort({ _id: -1 })
      .limit(limit)
      .exec();
    return { items: items.map(toReleaseDto), nextCursor: nextCursorOf(items, limit) };
  }

  async get(actor: Actor, deploymentId: string): Promise<DeploymentDto> {
    return toDeploymentDto(await this.findOwned(actor, deploymentId));
  }

  async status(actor: Actor, deploymentId: string): Promise<DeploymentStatusDto> {
    return toDeploymentStatusDto(await this.findOwned(actor, deploymentId));
  }

  private async findOwned(actor: Actor, deploymentId: string): Promise<DeploymentDocument> {
    const deployment = isObjectId(deploymentId)
      ? await this.deployments.findOne({ _id: deploymentId, ...ownedBy<Deployment>(actor) }).exec()
      : null;
    if (!deployment) throw DomainError.notFound(`No deployment with id "${deploymentId}".`);
    return deployment;
  }

  /** Part of deleting an app: builds still running are cancelled, then its history goes. */
  removeForApp(appId: string): Promise<void> {
    return this.locks.run(appId, () => this.removeForAppLocked(appId));
  }

  private async removeForAppLocked(appId: string): Promise<void> {
    await this.watch.ready();
    const unfinished: DeploymentDocument[] = [];
    for (const entry of this.watch.ofApp(appId)) {
      const deployment = await this.deployments.findById(entry.id).exec();
      if (deployment) unfinished.push(deployment);
    }
    for (const deployment of unfinished) {
      if (!isInProgress(deployment.state)) continue;
      const reason = 'The app was deleted';
      await this.transitions.transition(
        deployment,
        deployment.state === 'releasing' ? 'failed' : 'cancelled',
        reason,
        {
          set: { reason },
          events:
            deployment.dispatchedAt && deployment.state !== 'releasing'
              ? [buildCancelEvent(deployment, reason)]
              : [],
        },
      );
    }
    await this.deployments.deleteMany({ appId, hasPendingEvents: false }).exec();
    await this.releases.deleteMany({ appId }).exec();
  }
}

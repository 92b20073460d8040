import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { DeploymentState, IN_PROGRESS_DEPLOYMENT_STATES } from '@slipway/contracts';
import { Model } from 'mongoose';
import { isInProgress } from './deployment-state-machine';
import { Deployment, DeploymentDocument } from './schemas/deployment.schema';

export interface WatchedDeployment {
  id: string;
  appId: string;
  state: DeploymentState;
  dispatched: boolean;
  deadlineAt: Date | null;
  hasPendingEvents: boolean;
}

/**
 * The deployments that still need attention (in progress, or owing events), in memory. FerretDB scans the
 * whole collection for any query not by id — measured here at ~0.5-0.9 s for 1,000 deployments and
 * several seconds for 5,000 — so the sweeper and the per-app dispatch, which run all the time, look here
 * and load the few documents they need by id. Loaded once at start-up (one scan); the apps service is
 * the only writer and passes every written deployment through `track`.
 */
@Injectable()
export class DeploymentWatch {
  private readonly entries = new Map<string, WatchedDeployment>();
  private loading: Promise<void> | null = null;
  private loaded = false;

  constructor(@InjectModel(Deployment.name) private readonly deployments: Model<Deployment>) {}

  async ready(): Promise<void> {
    if (this.loaded) return;
    this.loading ??= (async () => {
      const unfinished = await this.deployments
        .find(
          { $or: [{ state: { $in: [...IN_PROGRESS_DEPLOYMENT_STATES] } }, { hasPendingEvents: true }] },
          { pendingEvents: 0, transitions: 0, logTail: 0 },
        )
        .exec();
      // Entries tracked while the scan ran are newer than what it read.
      for (const deployment of unfinished) {
        if (!this.entries.has(deployment._id.toHexString())) this.track(deployment);
      }
      this.loaded = true;
      this.loading = null;
    })();
    await this.loading;
  }

  track(deployment: DeploymentDocument): void {
    const id = deployment._id.toHexString();
    if (!isInProgress(deployment.state) && !deployment.hasPendingEvents) {
      this.entries.delete(id);
      return;
    }
    this.entries.set(id, {
      id,
      appId: deployment.appId,
      state: deployment.state,
      dispatched: deployment.dispatchedAt !== null,
      deadlineAt: deployment.deadlineAt,
      hasPendingEvents: deployment.hasPendingEvents,
    });
  }

  /** Its owed events were published. */
  published(id: string): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    entry.hasPendingEvents = false;
    if (!isInProgress(entry.state)) this.entries.delete(id);
  }

  ofApp(appId: string): WatchedDeployment[] {
    return [...this.entries.values()].filter((entry) => entry.appId === appId).sort(byId);
  }

  expired(now: Date): WatchedDeployment[] {
    return [...this.entries.values()].filter(
      (entry) => isInProgress(entry.state) && entry.deadlineAt !== null && entry.deadlineAt < now,
    );
  }

  withPendingEvents(): WatchedDeployment[] {
    return [...this.entries.values()].filter((entry) => entry.hasPendingEvents).sort(byId);
  }

  appsWithWaitingDeployments(): string[] {
    const waiting = [...this.entries.values()].filter(
      (entry) => entry.state === 'queued' && !entry.dispatched,
    );
    return [...new Set(waiting.map((entry) => entry.appId))];
  }
}

function byId(a: WatchedDeployment, b: WatchedDeployment): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

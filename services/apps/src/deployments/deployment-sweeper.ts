import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { AppsConfig } from '../config/apps.config';
import { AppLocks } from './app-locks';
import { buildCancelEvent, DeploymentTransitions } from './deployment-transitions';
import { DeploymentWatch } from './deployment-watch';
import { Deployment } from './schemas/deployment.schema';

const STATE_WAITS_FOR: Record<string, string> = {
  queued: 'the builder to start it',
  cloning: 'the build to finish',
  building: 'the build to finish',
  releasing: 'the runtime to report the release live or failed',
};

/**
 * Guarantees that no deployment stays unfinished: fails those past their deadline (cancelling their
 * build), publishes events a crash or a NATS outage left unpublished, and starts deployments left waiting
 * (the service died between storing and dispatching them). Runs at start-up and then periodically.
 */
@Injectable()
export class DeploymentSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(DeploymentSweeper.name);
  private timer?: NodeJS.Timeout;
  private running = false;

  constructor(
    @InjectModel(Deployment.name) private readonly deployments: Model<Deployment>,
    private readonly transitions: DeploymentTransitions,
    private readonly locks: AppLocks,
    private readonly watch: DeploymentWatch,
    private readonly config: AppsConfig,
  ) {}

  onApplicationBootstrap(): void {
    void this.sweep();
    this.timer = setInterval(() => void this.sweep(), this.config.DEPLOYMENT_SWEEP_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async sweep(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      await this.watch.ready();
      await this.failExpired();
      await this.publishPending();
      await this.dispatchWaiting();
    } catch (error) {
      this.logger.warn(`Deployment sweep failed, will retry: ${(error as Error).message}`);
    } finally {
      this.running = false;
    }
  }

  private async failExpired(): Promise<void> {
    const now = new Date();
    const expired = this.watch.expired(now);
    for (const candidate of expired) {
      await this.locks.run(candidate.appId, () => this.failIfExpired(candidate.id, now));
    }
  }

  private async failIfExpired(deploymentId: string, now: Date): Promise<void> {
    const deployment = await this.deployments.findById(deploymentId).exec();
    if (!deployment?.deadlineAt || deployment.deadlineAt >= now) return;
    const startedAt = deployment.transitions[deployment.transitions.length - 1]?.at;
    const waited = startedAt ? Math.round((now.getTime() - new Date(startedAt).getTime()) / 1000) : 0;
    const reason = `Timed out after ${waited} s in ${deployment.state}, waiting for ${STATE_WAITS_FOR[deployment.state] ?? 'progress'}`;
    const buildMayRun = deployment.dispatchedAt !== null && deployment.state !== 'releasing';
    const failed = await this.transitions.transition(deployment, 'failed', reason, {
      set: { reason },
      events: buildMayRun ? [buildCancelEvent(deployment, reason)] : [],
    });
    if (failed) {
      this.logger.warn(`Deployment ${deployment._id.toHexString()} of ${deployment.appName}: ${reason}`);
      await this.transitions.dispatchNext(deployment.appId);
    }
  }

  private async publishPending(): Promise<void> {
    const pending = this.watch.withPendingEvents().slice(0, 100);
    for (const candidate of pending) {
      await this.locks.run(candidate.appId, async () => {
        const deployment = await this.deployments.findById(candidate.id).exec();
        if (deployment) await this.transitions.flush(deployment);
      });
    }
  }

  private async dispatchWaiting(): Promise<void> {
    for (const appId of this.watch.appsWithWaitingDeployments()) {
      await this.locks.run(appId, () => this.transitions.dispatchNext(appId));
    }
  }
}

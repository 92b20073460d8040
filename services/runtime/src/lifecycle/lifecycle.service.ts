import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import {
  AppDeletedEvent,
  AppDomainsUpdatedEvent,
  AppLifecycleRequestedEvent,
  AppLifecycleResultEvent,
  AppScaleRequestedEvent,
  EventSubjects,
  LifecycleOperation,
} from '@slipway/contracts';
import { EventPublisher } from '@slipway/nest-messaging';
import { Model } from 'mongoose';
import { RUNTIME_DRIVER, RuntimeDriver } from '../driver/runtime-driver';
import { AppRouting } from '../releases/app-routing';
import { InstanceLauncher, LaunchFailure } from '../releases/instance-launcher';
import { AppLocks } from '../runtime/app-locks';
import { Instance, InstanceDocument } from '../state/schemas/instance.schema';
import { Release } from '../state/schemas/release.schema';
import { RuntimeApp, RuntimeAppDocument } from '../state/schemas/runtime-app.schema';

const RESULT_SUBJECTS: Record<LifecycleOperation, string> = {
  stop: EventSubjects.AppStopped,
  start: EventSubjects.AppStarted,
  restart: EventSubjects.AppRestarted,
  scale: EventSubjects.AppScaled,
  delete: EventSubjects.AppRuntimeRemoved,
  domains: EventSubjects.AppDomainsApplied,
};

/** The operation cannot be done in the app's current state; reported as `app.lifecycle-failed.v1`. */
class LifecycleRefusal extends Error {}

/** Instances serving or about to serve (not being taken out of service). */
const IN_SERVICE = ['starting', 'healthy', 'crashed', 'unhealthy'];

/**
 * Stop, start, rolling restart, scale, custom domains and removal of an app's runtime. Each runs under the
 * app's lock, is idempotent (doing it twice leaves the same state and reports success twice), and ends with a
 * result event carrying the request's operation id.
 */
@Injectable()
export class LifecycleService {
  private readonly logger = new Logger(LifecycleService.name);

  constructor(
    @InjectModel(RuntimeApp.name) private readonly apps: Model<RuntimeApp>,
    @InjectModel(Release.name) private readonly releases: Model<Release>,
    @InjectModel(Instance.name) private readonly instances: Model<Instance>,
    @Inject(RUNTIME_DRIVER) private readonly driver: RuntimeDriver,
    private readonly launcher: InstanceLauncher,
    private readonly routing: AppRouting,
    private readonly publisher: EventPublisher,
    private readonly locks: AppLocks,
  ) {}

  stop(request: AppLifecycleRequestedEvent): Promise<void> {
    return this.operate('stop', request, async (app) => {
      await this.routing.apply(app, this.routing.stoppedRoute(app), { stopped: true });
      await this.launcher.remove(await this.inService(app.appId));
      return 0;
    });
  }

  start(request: AppLifecycleRequestedEvent): Promise<void> {
    return this.operate('start', request, async (app) => {
      const running = await this.inService(app.appId);
      if (!app.stopped && running.length > 0) return running.length;
      const release = await this.currentRelease(app);
      const count = Math.max(1, app.desiredReplicas);
      const launched = await this.launcher.launch(release.request, count);
      await this.switchTo(app, release.request.healthCheck, launched, {
        stopped: false,
        desiredReplicas: count,
      });
      await this.launcher.remove(running);
      return launched.length;
    });
  }

  /** Rolling: new instances of the current release take over before the old ones stop, so nothing fails. */
  restart(request: AppLifecycleRequestedEvent): Promise<void> {
    return this.operate('restart', request, async (app) => {
      if (app.stopped) throw new LifecycleRefusal(`App "${app.appName}" is stopped; start it instead.`);
      const release = await this.currentRelease(app);
      const old = await this.inService(app.appId);
      const launched = await this.launcher.launch(release.request, Math.max(1, app.desiredReplicas));
      await this.switchTo(app, release.request.healthCheck, launched);
      await this.launcher.drain(old);
      return launched.length;
    });
  }

  scale(request: AppScaleRequestedEvent): Promise<void> {
    return this.operate('scale', request, async (app) => {
      await this.apps.updateOne({ appId: app.appId }, { $set: { desiredReplicas: request.replicas } }).exec();
      app.desiredReplicas = request.replicas;
      const running = await this.inService(app.appId);
      if (app.stopped) return 0;
      if (request.replicas === 0) {
        await this.routing.apply(app, this.routing.stoppedRoute(app));
        await this.launcher.drain(running);
        return 0;
      }
      if (running.length === request.replicas) return running.length;
      const release = await this.currentRelease(app);
      if (running.length < request.replicas) {
        const added = await this.launcher.launch(release.request, request.replicas - running.length);
        await this.switchTo(app, release.request.healthCheck, [...running, ...added]);
        return running.length + added.length;
      }
      // Newest first out: the longest-running instances have proven themselves.
      const ordered = [...running].sort(
        (a, b) => (a.startedAt?.getTime() ?? 0) - (b.startedAt?.getTime() ?? 0),
      );
      const kept = ordered.slice(0, request.replicas);
      await this.switchTo(app, release.request.healthCheck, kept);
      await this.launcher.drain(ordered.slice(request.replicas));
      return kept.length;
    });
  }

  updateDomains(request: AppDomainsUpdatedEvent): Promise<void> {
    return this.operate('domains', request, async (app) => {
      await this.apps.updateOne({ appId: app.appId }, { $set: { domains: request.domains } }).exec();
      app.domains = request.domains;
      const route = app.route;
      if (route) {
        // Field by field: spreading a mongoose sub-document would copy its internals, not its values.
        await this.routing.apply(app, {
          hosts: this.routing.hostsFor(app),
          upstreams: [...route.upstreams],
          healthPath: route.healthPath ?? null,
          stopped: route.stopped,
        });
      }
      return (await this.inService(app.appId)).length;
    });
  }

  /** Removes everything the runtime holds for the app: instances, route, kept images, records. */
  async remove(event: AppDeletedEvent): Promise<void> {
    await this.locks.run(event.appId, async () => {
      const app = await this.apps.findOne({ appId: event.appId }).exec();
      const appName = app?.appName ?? event.appName;
      await this.routing.remove(appName);
      await this.launcher.drainsSettled(event.appId);
      await this.launcher.remove(await this.instances.find({ appId: event.appId }).exec(), 1000);
      const leftovers = await this.driver.listManagedInstances({ appId: event.appId });
      await Promise.all(
        leftovers.map((instance) => this.driver.removeInstance(instance.id).catch(() => undefined)),
      );
      await this.driver.removeAppImages(event.appId, []);
      await this.releases.deleteMany({ appId: event.appId }).exec();
      await this.instances.deleteMany({ appId: event.appId }).exec();
      await this.apps.deleteOne({ appId: event.appId }).exec();
    });
    await this.publishResult(
      { appId: event.appId, operation: 'delete', replicas: 0 },
      `app.runtime-removed:${event.appId}`,
    );
  }

  private async operate(
    operation: LifecycleOperation,
    request: AppLifecycleRequestedEvent,
    work: (app: RuntimeAppDocument) => Promise<number>,
  ): Promise<void> {
    let replicas: number;
    try {
      replicas = await this.locks.run(request.appId, async () => {
        const app = await this.apps.findOne({ appId: request.appId }).exec();
        if (!app) throw new LifecycleRefusal(`App "${request.appName}" has never been released.`);
        return work(app);
      });
    } catch (error) {
      if (!(error instanceof LifecycleRefusal) && !(error instanceof LaunchFailure)) throw error;
      this.logger.warn(`${operation} of ${request.appId} failed: ${error.message}`);
      await this.publishFailure(operation, request, error.message);
      return;
    }
    await this.publishResult(
      { operationId: request.operationId, appId: request.appId, operation, replicas },
      `app.${operation}:${request.operationId}`,
    );
  }

  private async currentRelease(app: RuntimeApp) {
    const release = app.currentReleaseId
      ? await this.releases.findOne({ releaseId: app.currentReleaseId }).exec()
      : null;
    if (!release) throw new LifecycleRefusal(`App "${app.appName}" has no live release to run.`);
    return release;
  }

  private inService(appId: string): Promise<InstanceDocument[]> {
    return this.instances.find({ appId, health: { $in: IN_SERVICE } }).exec();
  }

  private async switchTo(
    app: RuntimeAppDocument,
    healthCheck: Release['request']['healthCheck'],
    instances: InstanceDocument[],
    alsoSet: Partial<RuntimeApp> = {},
  ): Promise<void> {
    await this.routing.apply(
      app,
      this.routing.proxyRoute(
        app,
        instances.map((instance) => instance.address),
        this.routing.healthPathFor(healthCheck),
      ),
      alsoSet,
    );
  }

  private async publishResult(
    result: Omit<AppLifecycleResultEvent, 'occurredAt'>,
    messageId: string,
  ): Promise<void> {
    const event: AppLifecycleResultEvent = { ...result, occurredAt: new Date().toISOString() };
    await this.publisher.publish(RESULT_SUBJECTS[result.operation], event, { messageId });
  }

  private async publishFailure(
    operation: LifecycleOperation,
    request: AppLifecycleRequestedEvent,
    reason: string,
  ): Promise<void> {
    const replicas = (await this.inService(request.appId)).length;
    const event: AppLifecycleResultEvent = {
      operationId: request.operationId,
      appId: request.appId,
      operation,
      replicas,
      reason,
      occurredAt: new Date().toISOString(),
    };
    await this.publisher.publish(EventSubjects.AppLifecycleFailed, event, {
      messageId: `app.lifecycle-failed:${request.operationId}`,
    });
  }
}

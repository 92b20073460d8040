import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { RuntimeConfig } from '../config/runtime.config';
import { PersistentPortAllocator } from '../driver/persistent-port-allocator';
import { ManagedInstance, RUNTIME_DRIVER, RuntimeDriver } from '../driver/runtime-driver';
import { AppRouting } from '../releases/app-routing';
import { InstanceLauncher, LaunchFailure, SCOPE_LABEL } from '../releases/instance-launcher';
import { ReleasesService } from '../releases/releases.service';
import { AppRoute, CaddyRoutes } from '../routing/caddy-routes';
import { AppLocks } from '../runtime/app-locks';
import { Instance, InstanceDocument } from '../state/schemas/instance.schema';
import { Release } from '../state/schemas/release.schema';
import { PersistedRoute, RuntimeApp } from '../state/schemas/runtime-app.schema';
import { LogForwarder } from './log-forwarder';

const IN_SERVICE = ['healthy', 'crashed', 'unhealthy'];
const MAX_REPLACE_BACKOFF_MS = 5 * 60_000;
const FIRST_REPLACE_BACKOFF_MS = 5_000;
/** A port recorded this long ago that no instance holds was left by a start that never finished. */
const STALE_PORT_MS = 2 * 60_000;

export interface ReconcileReport {
  removedContainers: string[];
  replacedInstances: string[];
  restoredRoutes: string[];
  removedRoutes: string[];
  resumedReleases: string[];
}

/**
 * Makes what runs match what the runtime's database says should run, at start-up and every
 * RECONCILE_INTERVAL_MS: containers of this runtime's scope that nothing wants are removed (containers
 * without Slipway's labels are never looked at), instances whose container is gone or dead are replaced
 * (with backoff), interrupted drains are finished, interrupted releases are resumed, and Caddy gets back any
 * route it lost (e.g. it restarted). Instances that are fine are left exactly as they are.
 */
@Injectable()
export class Reconciler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(Reconciler.name);
  private timer?: NodeJS.Timeout;
  private pass?: Promise<ReconcileReport>;

  constructor(
    @InjectModel(RuntimeApp.name) private readonly apps: Model<RuntimeApp>,
    @InjectModel(Instance.name) private readonly instances: Model<Instance>,
    @InjectModel(Release.name) private readonly releases: Model<Release>,
    @Inject(RUNTIME_DRIVER) private readonly driver: RuntimeDriver,
    private readonly ports: PersistentPortAllocator,
    private readonly launcher: InstanceLauncher,
    private readonly routing: AppRouting,
    private readonly caddy: CaddyRoutes,
    private readonly releaseRunner: ReleasesService,
    private readonly logs: LogForwarder,
    private readonly locks: AppLocks,
    private readonly config: RuntimeConfig,
  ) {}

  onApplicationBootstrap(): void {
    void this.reconcile();
    this.timer = setInterval(() => void this.reconcile(), this.config.RECONCILE_INTERVAL_MS);
    this.timer.unref();
  }

  beforeApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** One pass; a pass asked for while one runs shares its result. */
  reconcile(): Promise<ReconcileReport> {
    this.pass ??= this.reconcileOnce()
      .catch((error: Error) => {
        this.logger.warn(`Reconciliation incomplete: ${error.message}`);
        return emptyReport();
      })
      .finally(() => (this.pass = undefined));
    return this.pass;
  }

  private async reconcileOnce(): Promise<ReconcileReport> {
    const report = emptyReport();
    const [apps, docs, actual] = await Promise.all([
      this.apps.find().exec(),
      this.instances.find().exec(),
      this.driver.listManagedInstances({ labels: { [SCOPE_LABEL]: this.launcher.scope } }),
    ]);
    let caddyRoutes: Map<string, AppRoute> | undefined;
    try {
      if (this.config.APPS_HTTPS) {
        const https = await this.caddy.ensureHttps({
          httpsPort: this.config.CADDY_HTTPS_PORT,
          httpPort: this.config.CADDY_HTTP_PORT,
          issuer: this.config.TLS_ISSUER,
          acmeEmail: this.config.ACME_EMAIL,
        });
        if (https === 'applied')
          this.logger.log(`Caddy serves apps over HTTPS on port ${this.config.CADDY_HTTPS_PORT}`);
      }
      caddyRoutes = new Map((await this.caddy.listAppRoutes()).map((route) => [route.appName, route]));
    } catch (error) {
      this.logger.warn(`Caddy's routes could not be read: ${(error as Error).message}`);
    }
    const appIds = new Set([
      ...apps.map((app) => app.appId),
      ...docs.map((doc) => doc.appId),
      ...actual.map((instance) => instance.appId),
    ]);
    for (const appId of appIds) {
      await this.locks
        .run(appId, () => this.reconcileApp(appId, caddyRoutes, report))
        .catch((error: Error) => this.logger.warn(`Reconciling ${appId}: ${error.message}`));
    }
    if (caddyRoutes) {
      const known = new Set(apps.map((app) => app.appName));
      for (const appName of caddyRoutes.keys()) {
        if (known.has(appName)) continue;
        await this.caddy.removeAppRoute(appName);
        report.removedRoutes.push(appName);
      }
    }
    for (const releaseId of await this.releaseRunner.unfinished()) {
      if (this.releaseRunner.isRunning(releaseId)) continue;
      report.resumedReleases.push(releaseId);
      void this.releaseRunner.run(releaseId);
    }
    const held = new Set<number>([
      ...docs.map((doc) => doc.hostPort),
      ...actual.flatMap((instance) => (instance.hostPort ? [instance.hostPort] : [])),
    ]);
    await this.ports.releaseUnused(held, new Date(Date.now() - STALE_PORT_MS));
    const changed = Object.entries(report).filter(([, items]) => (items as string[]).length > 0);
    if (changed.length > 0) {
      this.logger.log(
        `Reconciled: ${changed.map(([what, items]) => `${what} ${(items as string[]).join(', ')}`).join('; ')}`,
      );
    }
    return report;
  }

  private async reconcileApp(
    appId: string,
    caddyRoutes: Map<string, AppRoute> | undefined,
    report: ReconcileReport,
  ): Promise<void> {
    const app = await this.apps.findOne({ appId }).exec();
    const docs = await this.instances.find({ appId }).exec();
    const actual = await this.driver.listManagedInstances({
      appId,
      labels: { [SCOPE_LABEL]: this.launcher.scope },
    });
    const actualById = new Map<string, ManagedInstance>(actual.map((instance) => [instance.id, instance]));
    const recorded = new Set(docs.map((doc) => doc.instanceId));

    for (const instance of actual) {
      if (recorded.has(instance.id)) continue;
      await this.driver.removeInstance(instance.id);
      report.removedContainers.push(instance.id);
    }
    const drainStarted = (doc: InstanceDocument) =>
      (doc as InstanceDocument & { updatedAt?: Date }).updatedAt?.getTime() ?? 0;
    const outOfService = docs.filter(
      (doc) =>
        doc.health === 'stopped' ||
        (doc.health === 'draining' && Date.now() - drainStarted(doc) > this.launcher.drainAllowanceMs),
    );
    if (outOfService.length > 0) await this.launcher.remove(outOfService, 0);

    if (!app) {
      await this.launcher.remove(docs, 0);
      return;
    }
    if (!app.stopped) {
      for (const doc of docs.filter((candidate) => IN_SERVICE.includes(candidate.health))) {
        const container = actualById.get(doc.instanceId);
        if (container && !['exited', 'dead', 'created'].includes(container.status)) {
          if (container.status === 'running') {
            void this.logs.follow({ instanceId: doc.instanceId, appId, deploymentId: doc.deploymentId });
          }
          continue;
        }
        if (container && !this.backoffOver(doc)) continue;
        const instanceId = doc.instanceId;
        if (!container) {
          // Its name is free again and the replacement may take it: the record steps aside.
          doc.instanceId = `${instanceId}-gone-${Date.now().toString(36)}`;
          await this.instances.updateOne({ _id: doc._id }, { $set: { instanceId: doc.instanceId } }).exec();
        }
        if (await this.replace(app, doc)) report.replacedInstances.push(instanceId);
      }
    }

    const fresh = await this.apps.findOne({ appId }).exec();
    if (caddyRoutes && fresh?.route && !sameRoute(caddyRoutes.get(fresh.appName), fresh.route)) {
      await this.routing.applyToCaddy(fresh.appName, fresh.route);
      report.restoredRoutes.push(fresh.appName);
    }
  }

  /** Docker's restart policy gave up on it; replacing it waits longer after every crash. */
  private backoffOver(doc: InstanceDocument): boolean {
    const crashes = doc.crashTimes.length;
    const last = doc.crashTimes.at(-1)?.getTime() ?? 0;
    const delay = Math.min(MAX_REPLACE_BACKOFF_MS, FIRST_REPLACE_BACKOFF_MS * 2 ** Math.max(0, crashes - 1));
    return Date.now() - last >= delay;
  }

  /** Starts a healthy replacement of the same release, routes to it, then removes the old instance. */
  private async replace(app: RuntimeApp, doc: InstanceDocument): Promise<boolean> {
    const release = await this.releases.findOne({ releaseId: doc.releaseId }).exec();
    if (!release) {
      await this.launcher.remove([doc], 0);
      return false;
    }
    let fresh: InstanceDocument | undefined;
    try {
      [fresh] = await this.launcher.launch(release.request, 1);
    } catch (error) {
      if (!(error instanceof LaunchFailure)) throw error;
      await this.instances
        .updateOne({ _id: doc._id }, { $push: { crashTimes: new Date() }, $set: { health: 'crashed' } })
        .exec();
      this.logger.warn(`Replacement for ${doc.instanceId} did not become healthy: ${error.message}`);
      return false;
    }
    if (!fresh) return false;
    // The replacement inherits the crash history, so a crash loop stays visible across replacements. Read
    // it again: the crash that made Docker give up may have been recorded (by the event watcher) after this
    // pass read the instance.
    const history = (await this.instances.findOne({ _id: doc._id }).exec()) ?? doc;
    await this.instances
      .updateOne(
        { _id: fresh._id },
        {
          $set: {
            crashTimes: history.crashTimes,
            restartCount: history.restartCount,
            exitCode: history.exitCode,
          },
        },
      )
      .exec();
    const serving = await this.instances
      .find({ appId: app.appId, health: { $in: IN_SERVICE }, instanceId: { $ne: doc.instanceId } })
      .exec();
    await this.routing.apply(
      app,
      this.routing.proxyRoute(
        app,
        serving.map((instance) => instance.address),
        this.routing.healthPathFor(release.request.healthCheck),
      ),
    );
    await this.launcher.remove([doc], 0);
    return true;
  }
}

function emptyReport(): ReconcileReport {
  return {
    removedContainers: [],
    replacedInstances: [],
    restoredRoutes: [],
    removedRoutes: [],
    resumedReleases: [],
  };
}

function sameRoute(actual: AppRoute | undefined, desired: PersistedRoute): boolean {
  if (!actual) return false;
  const same = (a: string[], b: string[]) => [...a].sort().join(',') === [...b].sort().join(',');
  return (
    actual.stopped === desired.stopped &&
    same(actual.hosts, desired.hosts) &&
    (desired.stopped || same(actual.upstreams, desired.upstreams))
  );
}

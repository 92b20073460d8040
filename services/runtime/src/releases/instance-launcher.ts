import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { HealthCheckSpec, ReleaseRequestedEvent } from '@slipway/contracts';
import { Model } from 'mongoose';
import { setTimeout as sleep } from 'node:timers/promises';
import { RuntimeConfig } from '../config/runtime.config';
import { InstanceNotFoundError, InstanceSpec, RUNTIME_DRIVER, RuntimeDriver } from '../driver/runtime-driver';
import { checkHealth, HealthResult } from '../health-check/health-checker';
import { planResources } from '../runtime/plans';
import { RuntimeSecrets } from '../runtime/runtime-secrets';
import { Instance, InstanceDocument } from '../state/schemas/instance.schema';
import { LogForwarder } from '../watching/log-forwarder';

/** Label that keeps one runtime's containers apart from another's on the same engine. */
export const SCOPE_LABEL = 'io.slipway.scope';
const LOG_LINES_ON_FAILURE = 30;
/** While an instance is booting, its port is tried this often (a refused connection costs nothing). */
const UNTIL_FIRST_ANSWER_INTERVAL_MS = 10;

/** Instances of a release could not be made healthy; they have been removed again. */
export class LaunchFailure extends Error {
  constructor(
    message: string,
    readonly lastLogLines: string[] = [],
  ) {
    super(message);
    this.name = 'LaunchFailure';
  }
}

function parseLabels(value: string): Record<string, string> {
  return Object.fromEntries(
    value
      .split(',')
      .filter((pair) => pair.includes('='))
      .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
  );
}

/**
 * Starts instances of a release and lets them through only when healthy; stops and removes instances. Every
 * instance is recorded before anything else can see it, and marked `stopped`/`draining` before it is stopped,
 * so the crash watcher never mistakes a planned stop for a crash.
 */
@Injectable()
export class InstanceLauncher {
  private readonly logger = new Logger(InstanceLauncher.name);
  private readonly labels: Record<string, string>;
  private readonly drains = new Map<string, Set<Promise<void>>>();

  constructor(
    @Inject(RUNTIME_DRIVER) private readonly driver: RuntimeDriver,
    @InjectModel(Instance.name) private readonly instances: Model<Instance>,
    private readonly secrets: RuntimeSecrets,
    private readonly logs: LogForwarder,
    private readonly config: RuntimeConfig,
  ) {
    this.labels = { ...parseLabels(config.EXTRA_CONTAINER_LABELS), [SCOPE_LABEL]: config.RUNTIME_SCOPE };
  }

  get scope(): string {
    return this.config.RUNTIME_SCOPE;
  }

  /**
   * Starts `count` instances of the release and waits until every one passes its health check. On any
   * failure all of them are removed and a LaunchFailure says why, with the failing instance's last lines.
   * With `recordHealthy: false` the caller records them healthy itself (alongside its next step).
   */
  async launch(
    request: ReleaseRequestedEvent,
    count: number,
    onStarted?: (instances: InstanceDocument[]) => Promise<void>,
    options: { recordHealthy?: boolean } = {},
  ): Promise<InstanceDocument[]> {
    let env: Record<string, string>;
    try {
      env = this.secrets.openEnv(request.env);
    } catch (error) {
      throw new LaunchFailure(
        `The app's environment variables could not be opened: ${(error as Error).message}`,
      );
    }
    const spec: InstanceSpec = {
      appId: request.appId,
      appName: request.appName,
      deploymentId: request.deploymentId,
      releaseId: request.releaseId,
      image: request.image,
      env,
      port: request.port,
      resources: planResources(request.plan, this.config),
      restartPolicy: { name: 'on-failure', maxRetries: this.config.RESTART_MAX_RETRIES },
      labels: this.labels,
      ...(request.command ? { command: ['sh', '-c', request.command] } : {}),
    };
    const started: InstanceDocument[] = [];
    const checks: Array<Promise<HealthResult>> = [];
    const attempts = await Promise.allSettled(
      Array.from({ length: count }, async () => {
        const sinceMs = Date.now() - 1000;
        const handle = await this.driver.startInstance(spec);
        // Checked from the moment it runs; the record and the log follow are made meanwhile.
        const health = this.waitHealthy(handle.id, handle.address, request.healthCheck);
        const instance = await this.instances.create({
          instanceId: handle.id,
          appId: request.appId,
          releaseId: request.releaseId,
          deploymentId: request.deploymentId,
          containerId: handle.containerId,
          hostPort: handle.hostPort,
          address: handle.address,
          health: 'starting',
          startedAt: new Date(),
        });
        started.push(instance);
        checks.push(health);
        void this.logs.follow(
          { instanceId: handle.id, appId: request.appId, deploymentId: request.deploymentId },
          sinceMs,
        );
      }),
    );
    const notStarted = attempts.find((attempt) => attempt.status === 'rejected');
    if (notStarted) {
      await this.remove(started, 0);
      throw new LaunchFailure(
        `The image ${request.image} could not be started: ${(notStarted.reason as Error).message}`,
      );
    }
    await onStarted?.(started);

    const results = await Promise.all(checks);
    const failedAt = results.findIndex((result) => !result.healthy);
    const failed = results[failedAt];
    if (failed && !failed.healthy) {
      const instance = started[failedAt] as InstanceDocument;
      const lastLogLines = await this.driver
        .lastLogLines(instance.instanceId, LOG_LINES_ON_FAILURE)
        .catch(() => [] as string[]);
      await this.remove(started, 0);
      const which = count > 1 ? `Instance ${failedAt + 1} of ${count}` : 'The instance';
      throw new LaunchFailure(`${which} did not become healthy: ${failed.reason}`, lastLogLines);
    }
    if (options.recordHealthy !== false) await this.recordHealthy(started);
    return started;
  }

  /** Records instances that passed their health check as healthy (what the status and the sampler read). */
  async recordHealthy(instances: InstanceDocument[]): Promise<void> {
    await this.instances
      .updateMany(
        { instanceId: { $in: instances.map((instance) => instance.instanceId) } },
        { $set: { health: 'healthy' } },
      )
      .exec();
    for (const instance of instances) instance.health = 'healthy';
  }

  /**
   * Polls the instance until it passes the check; gives up early when its process has exited. The engine is
   * asked about the process beside the checks (every 200 ms), not before each one, so it adds no latency.
   */
  async waitHealthy(
    instanceId: string,
    address: string,
    spec: HealthCheckSpec,
    options: { afterRestart?: boolean } = {},
  ): Promise<HealthResult> {
    const separator = address.lastIndexOf(':');
    const host = address.slice(0, separator);
    const port = Number(address.slice(separator + 1));
    let giveUpReason: string | undefined;
    // Aborted as soon as the check ends, so a healthy instance never waits out the watcher's pause.
    const checking = new AbortController();
    const watchProcess = (async () => {
      while (!checking.signal.aborted && giveUpReason === undefined) {
        giveUpReason = await this.processProblem(instanceId, options.afterRestart === true);
        if (giveUpReason === undefined) {
          await sleep(200, undefined, { signal: checking.signal }).catch(() => undefined);
        }
      }
    })();
    try {
      return await checkHealth(
        spec.kind === 'http'
          ? { kind: 'http', host, port, path: spec.path ?? '/' }
          : { kind: 'tcp', host, port },
        {
          attemptTimeoutMs: spec.timeoutMs,
          intervalMs: spec.intervalMs,
          untilFirstAnswerIntervalMs: UNTIL_FIRST_ANSWER_INTERVAL_MS,
          successesRequired: spec.successesRequired,
          deadlineMs: spec.deadlineMs,
          giveUpIf: () => giveUpReason,
        },
      );
    } finally {
      checking.abort();
      await watchProcess;
    }
  }

  /** Why waiting for the instance's health is pointless, if it is. */
  private async processProblem(instanceId: string, afterRestart: boolean): Promise<string | undefined> {
    const state = await this.driver.inspect(instanceId).catch(() => undefined);
    if (!state) return 'its container disappeared.';
    if (state.error) return `its process could not start: ${state.error}.`;
    if (state.oomKilled) return 'it was killed for using more memory than its plan allows.';
    const restarted = !afterRestart && state.restartCount > 0;
    if (restarted || (!state.running && state.status !== 'restarting' && state.exitCode !== null)) {
      return `its process exited with code ${state.exitCode ?? 'unknown'} before it answered its health check.`;
    }
    return undefined;
  }

  /** Takes instances out of service now: marks them stopped, stops (with `graceMs`) and removes them. */
  async remove(
    instances: Array<Pick<Instance, 'instanceId'>>,
    graceMs = this.config.STOP_GRACE_MS,
  ): Promise<void> {
    if (instances.length === 0) return;
    const ids = instances.map((instance) => instance.instanceId);
    await this.instances.updateMany({ instanceId: { $in: ids } }, { $set: { health: 'stopped' } }).exec();
    await Promise.all(
      ids.map(async (instanceId) => {
        try {
          await this.driver.stopInstance(instanceId, { graceMs });
          this.logs.unfollow(instanceId);
          await this.driver.removeInstance(instanceId);
        } catch (error) {
          if (!(error instanceof InstanceNotFoundError)) {
            // Left for reconciliation, which finishes removing instances marked stopped.
            this.logger.warn(`Could not remove ${instanceId}: ${(error as Error).message}`);
            return;
          }
        }
        await this.instances.deleteOne({ instanceId }).exec();
      }),
    );
  }

  /** How long a drain may take before reconciliation treats it as interrupted. */
  get drainAllowanceMs(): number {
    return this.config.DRAIN_GRACE_MS + this.config.STOP_GRACE_MS + 30_000;
  }

  /** Instances the route no longer sends to: finish their in-flight requests (grace period), then remove them. */
  async drain(instances: Array<Pick<Instance, 'instanceId' | 'appId'>>): Promise<void> {
    await (
      await this.beginDrain(instances)
    ).done;
  }

  /** Marks the instances draining, and returns once that is recorded; `done` settles when they are removed. */
  async beginDrain(
    instances: Array<Pick<Instance, 'instanceId' | 'appId'>>,
  ): Promise<{ done: Promise<void> }> {
    if (instances.length === 0) return { done: Promise.resolve() };
    const ids = instances.map((instance) => instance.instanceId);
    await this.instances
      .updateMany({ instanceId: { $in: ids }, health: { $ne: 'stopped' } }, { $set: { health: 'draining' } })
      .exec();
    const done = sleep(this.config.DRAIN_GRACE_MS).then(() => this.remove(instances));
    for (const appId of new Set(instances.map((instance) => instance.appId))) {
      const pending = this.drains.get(appId) ?? new Set<Promise<void>>();
      const tracked = done.catch(() => undefined).finally(() => pending.delete(tracked));
      pending.add(tracked);
      this.drains.set(appId, pending);
    }
    return { done };
  }

  /** Waits for the app's drains still running in the background (before removing the whole app). */
  async drainsSettled(appId: string): Promise<void> {
    await Promise.all([...(this.drains.get(appId) ?? [])]);
    this.drains.delete(appId);
  }
}

import { Logger } from '@nestjs/common';
import type Docker from 'dockerode';
import { PassThrough } from 'node:stream';
import { createInterface } from 'node:readline';

import { PortAllocator } from './port-allocator';
import {
  InstanceEvent,
  InstanceFilter,
  InstanceHandle,
  InstanceLogLine,
  InstanceStats,
  LogFollow,
  InstanceNotFoundError,
  InstanceSpec,
  InstanceState,
  InstanceStatus,
  ManagedInstance,
  RuntimeDriver,
} from './runtime-driver';

/** The labels Slipway puts on every container it runs. */
export const SlipwayLabels = {
  ManagedBy: 'io.slipway.managed-by',
  App: 'io.slipway.app',
  Deployment: 'io.slipway.deployment',
  Release: 'io.slipway.release',
  HostPort: 'io.slipway.host-port',
  /** The container's own name. Image labels are inherited by containers, and Slipway's base and app images
   * carry `managed-by=slipway` too, so only a container whose instance label matches its name is managed. */
  Instance: 'io.slipway.instance',
} as const;
const MANAGED_BY_VALUE = 'slipway';

/** Where the driver reports what it does. Messages never contain env values. */
export interface DriverLogger {
  log(message: string): void;
  warn(message: string): void;
}

export interface DockerDriverOptions {
  /** Grace period of a stop when the caller gives none. Default 10 s. */
  defaultGraceMs?: number;
  /** Host address instance ports are published on. Default 127.0.0.1 (not reachable from outside). */
  bindIp?: string;
  /** How the runtime and the router reach a published port. Default 127.0.0.1. */
  reachHost?: string;
  logger?: DriverLogger;
}

/** Reduces a name to what Docker accepts in a container name: [a-z0-9] with single dashes. */
export function containerNamePart(value: string): string {
  const cleaned = value
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return cleaned.slice(0, 40) || 'x';
}

function statusCode(error: unknown): number | undefined {
  return typeof error === 'object' && error !== null && 'statusCode' in error
    ? Number((error as { statusCode: unknown }).statusCode)
    : undefined;
}

/** Splits Docker's multiplexed log stream (8-byte frame headers) into text; passes plain text through. */
export function demuxDockerLogs(buffer: Buffer): string {
  const chunks: Buffer[] = [];
  let offset = 0;
  while (offset + 8 <= buffer.length) {
    const stream = buffer[offset];
    if ((stream !== 1 && stream !== 2) || buffer.readUInt16BE(offset + 1) !== 0 || buffer[offset + 3] !== 0) {
      return buffer.toString('utf8'); // not multiplexed (a TTY container)
    }
    const size = buffer.readUInt32BE(offset + 4);
    chunks.push(buffer.subarray(offset + 8, offset + 8 + size));
    offset += 8 + size;
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Whether a container (by name, with or without Docker's leading slash) is one this driver started. */
function isManaged(name: string, labels: Record<string, string> | undefined): boolean {
  return (
    labels?.[SlipwayLabels.ManagedBy] === MANAGED_BY_VALUE &&
    labels[SlipwayLabels.Instance] === name.replace(/^\//, '')
  );
}

/** Runs instances as Docker containers through dockerode. Only ever touches containers it labelled. */
export class DockerDriver implements RuntimeDriver {
  private readonly logger: DriverLogger;
  private readonly defaultGraceMs: number;
  private readonly bindIp: string;
  private readonly reachHost: string;

  constructor(
    private readonly engine: Docker,
    private readonly ports: PortAllocator,
    options: DockerDriverOptions = {},
  ) {
    this.logger = options.logger ?? new Logger(DockerDriver.name);
    this.defaultGraceMs = options.defaultGraceMs ?? 10_000;
    this.bindIp = options.bindIp ?? '127.0.0.1';
    this.reachHost = options.reachHost ?? '127.0.0.1';
  }

  async startInstance(spec: InstanceSpec): Promise<InstanceHandle> {
    const started = Date.now();
    const hostPort = await this.ports.allocate();
    const containerPort = `${spec.port}/tcp`;
    const labels: Record<string, string> = {
      ...spec.labels,
      [SlipwayLabels.ManagedBy]: MANAGED_BY_VALUE,
      [SlipwayLabels.App]: spec.appId,
      [SlipwayLabels.Deployment]: spec.deploymentId,
      [SlipwayLabels.Release]: spec.releaseId,
      [SlipwayLabels.HostPort]: String(hostPort),
    };
    const options: Docker.ContainerCreateOptions = {
      Image: spec.image,
      Env: [...Object.entries(spec.env).map(([key, value]) => `${key}=${value}`), `PORT=${spec.port}`],
      Labels: labels,
      ExposedPorts: { [containerPort]: {} },
      StopSignal: 'SIGTERM',
      StopTimeout: Math.ceil(this.defaultGraceMs / 1000),
      HostConfig: {
        Init: true,
        Memory: Math.round(spec.resources.memoryMb * 1024 * 1024),
        NanoCpus: Math.round(spec.resources.cpus * 1e9),
        RestartPolicy:
          spec.restartPolicy.name === 'on-failure'
            ? { Name: 'on-failure', MaximumRetryCount: spec.restartPolicy.maxRetries }
            : { Name: 'no' },
        PortBindings: { [containerPort]: [{ HostIp: this.bindIp, HostPort: String(hostPort) }] },
      },
    };
    if (spec.command) options.Cmd = spec.command;

    let created: Docker.Container | undefined;
    try {
      const { container, name: id } = await this.createWithFreeName(spec, options);
      created = container;
      await container.start();
      this.logger.log(
        `Started ${id} (${spec.image}, app port ${spec.port} on ${this.bindIp}:${hostPort}) in ${Date.now() - started} ms`,
      );
      return { id, containerId: container.id, hostPort, address: `${this.reachHost}:${hostPort}` };
    } catch (error) {
      // A container that could not start (e.g. its command does not exist) must not linger half-made.
      await created?.remove({ force: true, v: true }).catch((cleanupError: unknown) => {
        this.logger.warn(`Could not remove ${created?.id} after a failed start: ${String(cleanupError)}`);
      });
      this.ports.release(hostPort);
      throw error;
    }
  }

  /** Names the container `slipway-<app>-<release>-<n>` with the first n not taken (retries on a race). */
  private async createWithFreeName(
    spec: InstanceSpec,
    options: Docker.ContainerCreateOptions,
  ): Promise<{ container: Docker.Container; name: string }> {
    const prefix = `slipway-${containerNamePart(spec.appName)}-${containerNamePart(spec.releaseId)}-`;
    // Most releases start one instance: try the first name straight away and list only when it is taken.
    const first = `${prefix}1`;
    try {
      const labels = { ...options.Labels, [SlipwayLabels.Instance]: first };
      return {
        container: await this.engine.createContainer({ ...options, Labels: labels, name: first }),
        name: first,
      };
    } catch (error) {
      if (statusCode(error) !== 409) throw error;
    }
    const existing = await this.engine.listContainers({
      all: true,
      filters: { name: [prefix] },
    });
    const taken = new Set(
      existing.flatMap((container) => container.Names.map((name) => name.replace(/^\//, ''))),
    );
    for (let n = 1; n < 1000; n++) {
      const name = `${prefix}${n}`;
      if (taken.has(name)) continue;
      try {
        const labels = { ...options.Labels, [SlipwayLabels.Instance]: name };
        return { container: await this.engine.createContainer({ ...options, Labels: labels, name }), name };
      } catch (error) {
        if (statusCode(error) !== 409) throw error;
        // Someone took the name between the listing and now: try the next one.
      }
    }
    throw new Error(`No free instance name left for ${prefix}<n>`);
  }

  /** The container behind a managed instance; any other container is reported as not found. */
  private async managed(
    id: string,
  ): Promise<{ container: Docker.Container; info: Docker.ContainerInspectInfo }> {
    const container = this.engine.getContainer(id);
    let info: Docker.ContainerInspectInfo;
    try {
      info = await container.inspect();
    } catch (error) {
      if (statusCode(error) === 404) throw new InstanceNotFoundError(id);
      throw error;
    }
    if (!isManaged(info.Name, info.Config.Labels)) throw new InstanceNotFoundError(id);
    return { container, info };
  }

  async stopInstance(id: string, options: { graceMs?: number } = {}): Promise<void> {
    const { container, info } = await this.managed(id);
    if (!info.State.Running && !info.State.Restarting) return;
    const graceMs = options.graceMs ?? this.defaultGraceMs;
    const started = Date.now();
    try {
      // Docker sends the StopSignal (SIGTERM), waits t seconds, then SIGKILLs.
      await container.stop({ t: Math.ceil(graceMs / 1000) });
    } catch (error) {
      if (statusCode(error) !== 304) throw error; // 304: it had already stopped
    }
    this.logger.log(`Stopped ${id} in ${Date.now() - started} ms (grace ${graceMs} ms)`);
  }

  async removeInstance(id: string): Promise<void> {
    const { container, info } = await this.managed(id);
    if (info.State.Running || info.State.Restarting) await this.stopInstance(id);
    // Force only covers a restart that raced the stop; the process has had its grace period.
    await container.remove({ force: true, v: true });
    const hostPort = Number(info.Config.Labels?.[SlipwayLabels.HostPort]);
    if (Number.isInteger(hostPort) && hostPort > 0) this.ports.release(hostPort);
    this.logger.log(`Removed ${id}`);
  }

  async listManagedInstances(filter: InstanceFilter = {}): Promise<ManagedInstance[]> {
    const labels = [`${SlipwayLabels.ManagedBy}=${MANAGED_BY_VALUE}`, SlipwayLabels.Instance];
    if (filter.appId) labels.push(`${SlipwayLabels.App}=${filter.appId}`);
    if (filter.deploymentId) labels.push(`${SlipwayLabels.Deployment}=${filter.deploymentId}`);
    if (filter.releaseId) labels.push(`${SlipwayLabels.Release}=${filter.releaseId}`);
    for (const [key, value] of Object.entries(filter.labels ?? {})) labels.push(`${key}=${value}`);
    const containers = await this.engine.listContainers({ all: true, filters: { label: labels } });
    return containers
      .filter((container) => container.Names.some((name) => isManaged(name, container.Labels)))
      .map((container) => {
        const hostPort = Number(container.Labels[SlipwayLabels.HostPort]);
        return {
          id: container.Labels[SlipwayLabels.Instance] ?? container.Id,
          containerId: container.Id,
          appId: container.Labels[SlipwayLabels.App] ?? '',
          deploymentId: container.Labels[SlipwayLabels.Deployment] ?? '',
          releaseId: container.Labels[SlipwayLabels.Release] ?? '',
          status: container.State as InstanceStatus,
          hostPort: Number.isInteger(hostPort) && hostPort > 0 ? hostPort : undefined,
          labels: container.Labels,
        };
      });
  }

  async lastLogLines(id: string, n: number): Promise<string[]> {
    const { container } = await this.managed(id);
    const raw = (await container.logs({ stdout: true, stderr: true, tail: n, follow: false })) as unknown;
    const text = Buffer.isBuffer(raw) ? demuxDockerLogs(raw) : String(raw);
    const lines = text.split(/\r?\n/);
    if (lines.at(-1) === '') lines.pop();
    return lines.slice(-n);
  }

  async inspect(id: string): Promise<InstanceState> {
    const { info } = await this.managed(id);
    const state = info.State;
    const hasRun = state.StartedAt !== '' && !state.StartedAt.startsWith('0001-');
    return {
      id,
      status: state.Status as InstanceStatus,
      running: state.Running,
      exitCode: state.Running || !hasRun ? null : state.ExitCode,
      restartCount: info.RestartCount,
      oomKilled: state.OOMKilled,
      ...(state.Error ? { error: state.Error } : {}),
    };
  }

  async followLogs(id: string, sinceMs: number, onLine: (line: InstanceLogLine) => void): Promise<LogFollow> {
    const { container } = await this.managed(id);
    const raw = (await container.logs({
      follow: true,
      stdout: true,
      stderr: true,
      timestamps: true,
      since: Math.floor(sinceMs / 1000),
    })) as NodeJS.ReadableStream & { destroy?: () => void };
    const streams = { stdout: new PassThrough(), stderr: new PassThrough() };
    this.engine.modem.demuxStream(raw, streams.stdout, streams.stderr);
    const readers = (['stdout', 'stderr'] as const).map(
      (stream) =>
        new Promise<void>((resolve) => {
          const reader = createInterface({ input: streams[stream] });
          reader.on('line', (text) => {
            // With timestamps Docker prefixes every line with an RFC 3339 time and a space.
            const space = text.indexOf(' ');
            const stamp = space > 0 ? new Date(text.slice(0, space)) : new Date(NaN);
            const valid = !Number.isNaN(stamp.getTime());
            onLine({
              stream,
              timestamp: (valid ? stamp : new Date()).toISOString(),
              text: valid ? text.slice(space + 1) : text,
            });
          });
          reader.once('close', resolve);
        }),
    );
    const end = () => {
      streams.stdout.end();
      streams.stderr.end();
    };
    raw.once('end', end);
    raw.once('close', end);
    raw.once('error', end);
    return {
      stop: () => {
        raw.destroy?.();
        end();
      },
      ended: Promise.all(readers).then(() => undefined),
    };
  }

  async sampleStats(id: string): Promise<InstanceStats> {
    const { container } = await this.managed(id);
    const stats = (await container.stats({ stream: false })) as unknown as DockerStats;
    const cpuDelta = stats.cpu_stats.cpu_usage.total_usage - (stats.precpu_stats.cpu_usage?.total_usage ?? 0);
    const systemDelta = (stats.cpu_stats.system_cpu_usage ?? 0) - (stats.precpu_stats.system_cpu_usage ?? 0);
    const cores = stats.cpu_stats.online_cpus ?? stats.cpu_stats.cpu_usage.percpu_usage?.length ?? 1;
    const cpuPercent = systemDelta > 0 && cpuDelta > 0 ? (cpuDelta / systemDelta) * cores * 100 : 0;
    // Page cache counts as usage in the raw figure; `docker stats` leaves inactive file pages out too.
    const cache =
      stats.memory_stats.stats?.['inactive_file'] ?? stats.memory_stats.stats?.['total_inactive_file'] ?? 0;
    const networks = Object.values(stats.networks ?? {});
    return {
      cpuPercent: Math.round(cpuPercent * 100) / 100,
      memoryBytes: Math.max(0, (stats.memory_stats.usage ?? 0) - cache),
      memoryLimitBytes: stats.memory_stats.limit ?? 0,
      networkRxBytes: networks.reduce((sum, network) => sum + network.rx_bytes, 0),
      networkTxBytes: networks.reduce((sum, network) => sum + network.tx_bytes, 0),
    };
  }

  async removeAppImages(appId: string, keep: string[]): Promise<string[]> {
    const images = await this.engine.listImages({
      filters: JSON.stringify({
        label: [
          `${SlipwayLabels.ManagedBy}=${MANAGED_BY_VALUE}`,
          'io.slipway.kind=build',
          `${SlipwayLabels.App}=${appId}`,
        ],
      }),
    });
    const kept = new Set(keep);
    const removed: string[] = [];
    for (const image of images) {
      if (kept.has(image.Id) || (image.RepoTags ?? []).some((tag) => kept.has(tag))) continue;
      try {
        await this.engine.getImage(image.Id).remove({ force: false });
        removed.push(image.Id);
      } catch (error) {
        this.logger.warn(`Kept image ${image.Id.slice(0, 19)}: ${(error as Error).message}`);
      }
    }
    return removed;
  }

  watchEvents(onEvent: (event: InstanceEvent) => void, onError: (error: Error) => void): () => void {
    let stream: (NodeJS.ReadableStream & { destroy?: () => void }) | undefined;
    let stopped = false;
    void this.engine
      .getEvents({
        filters: {
          type: ['container'],
          event: ['start', 'die'],
          label: [`${SlipwayLabels.ManagedBy}=${MANAGED_BY_VALUE}`],
        },
      })
      .then((events) => {
        stream = events as NodeJS.ReadableStream & { destroy?: () => void };
        if (stopped) return stream.destroy?.();
        const reader = createInterface({ input: stream });
        reader.on('line', (line) => {
          if (line.trim() === '') return;
          const message = JSON.parse(line) as DockerEventMessage;
          const labels = message.Actor?.Attributes ?? {};
          const name = labels['name'] ?? '';
          if (!isManaged(name, labels)) return;
          const exitCode = Number(labels['exitCode']);
          onEvent({
            kind: message.Action === 'start' ? 'start' : 'die',
            instanceId: name,
            appId: labels[SlipwayLabels.App] ?? '',
            releaseId: labels[SlipwayLabels.Release] ?? '',
            labels,
            exitCode: message.Action === 'die' && Number.isInteger(exitCode) ? exitCode : null,
            at: message.timeNano ? Math.round(message.timeNano / 1e6) : Date.now(),
          });
        });
        stream.once('error', (error: Error) => !stopped && onError(error));
        stream.once('end', () => !stopped && onError(new Error('Docker closed the event stream')));
      }, onError);
    return () => {
      stopped = true;
      stream?.destroy?.();
    };
  }
}

interface DockerStats {
  cpu_stats: {
    cpu_usage: { total_usage: number; percpu_usage?: number[] };
    system_cpu_usage?: number;
    online_cpus?: number;
  };
  precpu_stats: { cpu_usage?: { total_usage: number }; system_cpu_usage?: number };
  memory_stats: { usage?: number; limit?: number; stats?: Record<string, number> };
  networks?: Record<string, { rx_bytes: number; tx_bytes: number }>;
}

interface DockerEventMessage {
  Action?: string;
  timeNano?: number;
  Actor?: { Attributes?: Record<string, string> };
}

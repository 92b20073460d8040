import {
  AppLifecycleResultEvent,
  DEFAULT_HEALTH_CHECK,
  EventSubjects,
  HealthCheckSpec,
  InstanceCrashedEvent,
  LogBatchEvent,
  ReleaseFailedEvent,
  ReleaseLiveEvent,
  ReleaseProgressedEvent,
  ReleaseRequestedEvent,
} from '@slipway/contracts';
import { SecretBox } from '@slipway/nest-secrets';
import {
  buildRuntimeTestApp,
  dockerSocketPath,
  Platform,
  removeContainersByLabel,
  startPlatform,
  waitFor,
} from '@slipway/testing';
import Docker from 'dockerode';
import { connect, JSONCodec, NatsConnection, Subscription } from 'nats';
import { randomBytes } from 'node:crypto';
import { Agent, request } from 'node:http';

const codec = JSONCodec<unknown>();
export const TEST_LABEL = 'io.slipway.test';
const SECRETS_KEY = `test:${randomBytes(32).toString('base64')}`;

export interface ObservedRelease {
  progress: ReleaseProgressedEvent[];
  live?: ReleaseLiveEvent;
  failed?: ReleaseFailedEvent;
}

export interface ReleaseOptions {
  appId?: string;
  image?: string;
  replicas?: number;
  /** Plain values; the harness seals them as the apps service would. */
  env?: Record<string, string>;
  healthCheck?: Partial<HealthCheckSpec>;
  domains?: string[];
  reason?: ReleaseRequestedEvent['reason'];
  /** When the apps service asked for it; now unless given. */
  requestedAt?: string;
}

export interface HttpAnswer {
  status: number;
  body: string;
}

/** The runtime service, running for real on private NATS, database and Caddy, and how a test drives it. */
export class RuntimeHarness {
  readonly docker = new Docker({ socketPath: dockerSocketPath() });
  readonly box = SecretBox.fromConfig(SECRETS_KEY, 'test');
  readonly releases = new Map<string, ObservedRelease>();
  readonly results = new Map<string, { subject: string; event: AppLifecycleResultEvent }>();
  readonly crashes: InstanceCrashedEvent[] = [];
  /** Every release request published, by release id (to deliver one again). */
  readonly requests = new Map<string, ReleaseRequestedEvent>();
  readonly logLines: Array<LogBatchEvent['lines'][number] & { appId: string }> = [];

  private constructor(
    readonly platform: Platform,
    private readonly nats: NatsConnection,
    /** RUNTIME_SCOPE of the runtime under test: only its containers are looked at and cleaned up. */
    readonly scope: string,
    readonly image: string,
  ) {}

  static async start(env: Record<string, string> = {}): Promise<RuntimeHarness> {
    const image = await buildRuntimeTestApp();
    const base = 30000 + Math.floor(Math.random() * 300) * 100;
    const scope = `test-${randomBytes(4).toString('hex')}`;
    const platform = await startPlatform({
      services: ['runtime'],
      env: {
        SECRETS_KEYS: SECRETS_KEY,
        SECRETS_ACTIVE_KEY_ID: 'test',
        RUNTIME_SCOPE: scope,
        EXTRA_CONTAINER_LABELS: `${TEST_LABEL}=true`,
        HOST_PORT_FROM: String(base),
        HOST_PORT_TO: String(base + 99),
        DRAIN_GRACE_MS: '300',
        STOP_GRACE_MS: '2000',
        METRICS_INTERVAL_MS: '1000',
        METRICS_BUCKET_MS: '2000',
        ...env,
      },
    });
    const nats = await connect({ servers: platform.nats.url });
    const harness = new RuntimeHarness(platform, nats, scope, image);
    harness.watch();
    return harness;
  }

  get caddyPort(): number {
    return this.platform.caddy.httpPort;
  }

  private entry(releaseId: string): ObservedRelease {
    let entry = this.releases.get(releaseId);
    if (!entry) {
      entry = { progress: [] };
      this.releases.set(releaseId, entry);
    }
    return entry;
  }

  private watch(): void {
    this.nats.subscribe('release.>', {
      callback: (_error, message) => {
        const event = codec.decode(message.data) as { releaseId: string };
        const entry = this.entry(event.releaseId);
        if (message.subject === EventSubjects.ReleaseProgressed)
          entry.progress.push(event as ReleaseProgressedEvent);
        if (message.subject === EventSubjects.ReleaseLive) entry.live = event as ReleaseLiveEvent;
        if (message.subject === EventSubjects.ReleaseFailed) entry.failed = event as ReleaseFailedEvent;
      },
    });
    this.nats.subscribe('app.>', {
      callback: (_error, message) => {
        const event = codec.decode(message.data) as AppLifecycleResultEvent;
        const key = event.operationId ?? `${event.operation}:${event.appId}`;
        if ('operation' in event) this.results.set(key, { subject: message.subject, event });
      },
    });
    this.nats.subscribe(EventSubjects.InstanceCrashed, {
      callback: (_error, message) => this.crashes.push(codec.decode(message.data) as InstanceCrashedEvent),
    });
    this.nats.subscribe('logs.*.*.runtime', {
      callback: (_error, message) => {
        const batch = codec.decode(message.data) as LogBatchEvent;
        this.logLines.push(...batch.lines.map((line) => ({ ...line, appId: batch.appId })));
      },
    });
  }

  /** Calls `onEvent` with every message on `subject` (core NATS) until the subscription is unsubscribed. */
  subscribe<T>(subject: string, onEvent: (event: T) => void): Subscription {
    return this.nats.subscribe(subject, {
      callback: (_error, message) => onEvent(codec.decode(message.data) as T),
    });
  }

  /** Publishes `release.requested.v1` as the apps service would; returns the release id. */
  async requestRelease(appName: string, options: ReleaseOptions = {}): Promise<string> {
    const releaseId = `rel-${randomBytes(6).toString('hex')}`;
    const env = { RELEASE_MARK: releaseId, ...options.env };
    const event: ReleaseRequestedEvent = {
      releaseId,
      deploymentId: `dep-${releaseId}`,
      appId: options.appId ?? `app-${appName}`,
      appName,
      image: options.image ?? this.image,
      port: 8080,
      env: Object.entries(env).map(([name, value]) => ({ name, value: this.box.seal(value) })),
      plan: 'starter',
      replicas: options.replicas ?? 1,
      healthCheck: { ...DEFAULT_HEALTH_CHECK, intervalMs: 100, deadlineMs: 20_000, ...options.healthCheck },
      domains: options.domains ?? [],
      reason: options.reason ?? 'deploy',
      requestedAt: options.requestedAt ?? new Date().toISOString(),
    };
    this.entry(releaseId);
    this.requests.set(releaseId, event);
    await this.nats.jetstream().publish(EventSubjects.ReleaseRequested, codec.encode(event), {
      msgID: `release.requested:${releaseId}`,
    });
    return releaseId;
  }

  async releaseOutcome(releaseId: string, timeoutMs = 60_000): Promise<ObservedRelease> {
    const entry = this.entry(releaseId);
    await waitFor(() => entry.live ?? entry.failed, {
      timeoutMs,
      description: `release ${releaseId} to go live or fail\n${this.platform.output('runtime')}`,
    });
    return entry;
  }

  /** Deploys and waits until it is live; fails the test with the reason otherwise. */
  async deploy(appName: string, options: ReleaseOptions = {}): Promise<string> {
    const releaseId = await this.requestRelease(appName, options);
    const outcome = await this.releaseOutcome(releaseId);
    if (!outcome.live) throw new Error(`Release of ${appName} failed: ${outcome.failed?.reason}`);
    return releaseId;
  }

  /** Publishes a lifecycle request; returns its operation id. */
  async lifecycle(subject: string, appName: string, extra: object = {}): Promise<string> {
    const operationId = `op-${randomBytes(6).toString('hex')}`;
    await this.publish(subject, {
      operationId,
      appId: `app-${appName}`,
      appName,
      requestedAt: new Date().toISOString(),
      ...extra,
    });
    return operationId;
  }

  async publish(subject: string, payload: object): Promise<void> {
    await this.nats.jetstream().publish(subject, codec.encode(payload));
  }

  /** Waits until the runtime's durable consumer has been handed and has acknowledged everything. */
  async consumerIdle(durableName: string): Promise<void> {
    const manager = await this.nats.jetstreamManager();
    await waitFor(
      async () => {
        const info = await manager.consumers.info('SLIPWAY_EVENTS', durableName);
        return info.num_pending === 0 && info.num_ack_pending === 0;
      },
      { timeoutMs: 15_000, description: `consumer ${durableName} to be idle` },
    );
  }

  async result(
    key: string,
    timeoutMs = 60_000,
  ): Promise<{ subject: string; event: AppLifecycleResultEvent }> {
    try {
      return await waitFor(() => this.results.get(key), { timeoutMs, description: `the result of ${key}` });
    } catch (error) {
      throw new Error(`${(error as Error).message}\n${this.platform.output('runtime')}`);
    }
  }

  /** GET through Caddy with the app's host name. */
  get(host: string, path = '/', agent: Agent | false = false): Promise<HttpAnswer> {
    return new Promise((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: this.caddyPort, path, headers: { Host: host }, agent, timeout: 10_000 },
        (response) => {
          let body = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (body += chunk));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
          response.on('error', reject);
        },
      );
      req.once('timeout', () => req.destroy(new Error('no answer within 10 s')));
      req.once('error', (error: NodeJS.ErrnoException & { reused?: boolean }) =>
        reject(Object.assign(error, { reused: req.reusedSocket })),
      );
      req.end();
    });
  }

  /** Containers of this runtime's scope (what it manages), by release. */
  async containers(appName?: string): Promise<Docker.ContainerInfo[]> {
    const labels = [`io.slipway.scope=${this.scope}`];
    if (appName) labels.push(`io.slipway.app=app-${appName}`);
    return this.docker.listContainers({ all: true, filters: { label: labels } });
  }

  async stop(): Promise<void> {
    await this.nats.close().catch(() => undefined);
    await this.platform.stop();
    await removeContainersByLabel('io.slipway.scope', this.scope);
  }
}

export interface LoadReport {
  ok: number;
  failed: number;
  /** Resends because the proxy closed the connection before answering (a config change). */
  resent: number;
  failures: string[];
  bodies: Map<string, number>;
}

/**
 * Sends requests through Caddy without pause from `concurrency` clients on kept-alive connections; a
 * request whose connection closes unanswered is sent again (see below); anything else that is not a 200
 * counts as failed.
 */
export function continuousLoad(harness: RuntimeHarness, host: string, concurrency = 4) {
  const report: LoadReport = { ok: 0, failed: 0, resent: 0, failures: [], bodies: new Map() };
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  let running = true;
  const client = async () => {
    while (running) {
      let answer: HttpAnswer | undefined;
      // The connection closed before any answer: Caddy 2.6 closes its connections at every config change
      // (each route switch), and a request written at that instant gets no answer. A GET is idempotent,
      // so the client sends it again, as HTTP clients and browsers do (RFC 9110, 9.2.2); during a scale
      // several changes come in a row, hence up to 3 resends, 25 ms apart. Resends are counted and printed;
      // any other error, or a fourth close, counts as a failed request.
      for (let attempt = 0; !answer; attempt++) {
        try {
          answer = await harness.get(host, '/', agent);
        } catch (error) {
          const failure = error as NodeJS.ErrnoException;
          if (failure.code === 'ECONNRESET' && attempt < 3) {
            report.resent++;
            await new Promise((resolve) => setTimeout(resolve, 25));
            continue;
          }
          answer = { status: 0, body: failure.message };
        }
      }
      if (answer.status === 200) {
        report.ok++;
        report.bodies.set(answer.body, (report.bodies.get(answer.body) ?? 0) + 1);
      } else {
        report.failed++;
        if (report.failures.length < 20)
          report.failures.push(`${answer.status} ${answer.body.slice(0, 120)}`);
      }
    }
  };
  const clients = Array.from({ length: concurrency }, () => client());
  return {
    report,
    async stop(): Promise<LoadReport> {
      running = false;
      await Promise.all(clients);
      agent.destroy();
      return report;
    },
  };
}

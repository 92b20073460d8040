import {
  BuildFailedEvent,
  BuildProgressedEvent,
  BuildRequestedEvent,
  BuildSettings,
  BuildSource,
  BuildSucceededEvent,
  EventSubjects,
  LogBatchEvent,
  ServiceName,
} from '@slipway/contracts';
import { dockerSocketPath, freePort, makeTempDir, Platform, startPlatform, waitFor } from '@slipway/testing';
import Docker from 'dockerode';
import { connect, JSONCodec, NatsConnection } from 'nats';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const FIXTURES = join(__dirname, 'fixtures');
const codec = JSONCodec<unknown>();

export interface ObservedBuild {
  progress: BuildProgressedEvent[];
  logs: LogBatchEvent['lines'];
  succeeded?: BuildSucceededEvent;
  failed?: BuildFailedEvent;
}

/** The builder service, running for real, plus what a test needs to drive and watch it. */
export class BuilderHarness {
  readonly docker = new Docker({ socketPath: dockerSocketPath() });
  private readonly observed = new Map<string, ObservedBuild>();
  readonly appIds = new Set<string>();

  private constructor(
    readonly platform: Platform,
    private readonly nats: NatsConnection,
  ) {}

  static async start(
    env: Record<string, string> = {},
    services: ServiceName[] = ['builder'],
  ): Promise<BuilderHarness> {
    const platform = await startPlatform({
      services,
      env: {
        ALLOW_LOCAL_SOURCES: 'true',
        BASE_IMAGE_NODE: 'slipway-local/node:20-bookworm',
        BASE_IMAGE_PYTHON: 'slipway-local/python:3.11-bookworm',
        BASE_IMAGE_STATIC: 'slipway-local/static:bookworm',
        EXTRA_CA_BUNDLE: '/etc/ssl/certs/ca-certificates.crt',
        BUILD_WORK_DIR: await makeTempDir('slipway-builds-'),
        ...env,
      },
    });
    const nats = await connect({ servers: platform.nats.url });
    const harness = new BuilderHarness(platform, nats);
    harness.watch();
    return harness;
  }

  private entry(deploymentId: string): ObservedBuild {
    let entry = this.observed.get(deploymentId);
    if (!entry) {
      entry = { progress: [], logs: [] };
      this.observed.set(deploymentId, entry);
    }
    return entry;
  }

  private watch(): void {
    this.nats.subscribe('build.>', {
      callback: (_error, message) => {
        const event = codec.decode(message.data) as { deploymentId: string };
        const entry = this.entry(event.deploymentId);
        if (message.subject === EventSubjects.BuildProgressed)
          entry.progress.push(event as BuildProgressedEvent);
        if (message.subject === EventSubjects.BuildSucceeded) entry.succeeded = event as BuildSucceededEvent;
        if (message.subject === EventSubjects.BuildFailed) entry.failed = event as BuildFailedEvent;
      },
    });
    this.nats.subscribe('logs.*.*.build', {
      callback: (_error, message) => {
        const batch = codec.decode(message.data) as LogBatchEvent;
        this.entry(batch.deploymentId).logs.push(...batch.lines);
      },
    });
  }

  observe(deploymentId: string): ObservedBuild {
    return this.entry(deploymentId);
  }

  /** Publishes `build.requested.v1` as the apps service would; returns the deployment id. */
  async requestBuild(appName: string, source: BuildSource, settings: BuildSettings = {}): Promise<string> {
    const deploymentId = randomBytes(12).toString('hex');
    const appId = `app-${appName}`;
    this.appIds.add(appId);
    const request: BuildRequestedEvent = {
      deploymentId,
      appId,
      appName,
      source,
      settings,
      requestedAt: new Date().toISOString(),
    };
    await this.nats.jetstream().publish(EventSubjects.BuildRequested, codec.encode(request), {
      msgID: `build.requested:${deploymentId}`,
    });
    return deploymentId;
  }

  async publish(subject: string, payload: object): Promise<void> {
    await this.nats.jetstream().publish(subject, codec.encode(payload));
  }

  async result(deploymentId: string, timeoutMs = 240_000): Promise<ObservedBuild> {
    const entry = this.entry(deploymentId);
    await waitFor(() => entry.succeeded ?? entry.failed, {
      timeoutMs,
      intervalMs: 200,
      description: `build ${deploymentId} to finish`,
    });
    return entry;
  }

  logText(deploymentId: string): string {
    return this.entry(deploymentId)
      .logs.map((line) => line.text)
      .join('\n');
  }

  /** Runs an image as Slipway would (PORT set, non-root), returns the body of GET /. */
  async serve(imageTag: string, containerPort = 8080): Promise<{ body: string; user: string }> {
    const hostPort = await freePort();
    const container = await this.docker.createContainer({
      Image: imageTag,
      Env: [`PORT=${containerPort}`],
      Labels: { 'io.slipway.test': 'true' },
      ExposedPorts: { [`${containerPort}/tcp`]: {} },
      HostConfig: {
        Init: true,
        PortBindings: { [`${containerPort}/tcp`]: [{ HostIp: '127.0.0.1', HostPort: String(hostPort) }] },
      },
    });
    try {
      await container.start();
      const body = await waitFor(
        async () => {
          const response = await fetch(`http://127.0.0.1:${hostPort}/`).catch(() => undefined);
          return response?.ok ? response.text() : undefined;
        },
        { timeoutMs: 20_000, intervalMs: 200, description: `${imageTag} to answer HTTP` },
      );
      const inspected = await container.inspect();
      return { body, user: inspected.Config.User };
    } finally {
      await container.remove({ force: true });
    }
  }

  async stop(): Promise<void> {
    await this.nats.drain();
    await this.platform.stop();
    for (const appId of this.appIds) {
      const images = await this.docker.listImages({
        filters: JSON.stringify({ label: [`io.slipway.app=${appId}`] }),
      });
      for (const image of images)
        await this.docker
          .getImage(image.Id)
          .remove({ force: true })
          .catch(() => undefined);
    }
  }
}

/** Copies a fixture into a fresh git repository with one commit; returns its file:// URL and path. */
export async function fixtureRepo(
  name: string,
  message = `Add ${name}`,
  prepare: (dir: string) => void = () => undefined,
): Promise<{ url: string; dir: string; sha: string }> {
  const dir = await makeTempDir(`slipway-repo-${name}-`);
  await cp(join(FIXTURES, name), dir, { recursive: true });
  prepare(dir);
  const git = (...args: string[]) =>
    execFileSync('git', args, {
      cwd: dir,
      encoding: 'utf8',
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 'Test',
        GIT_AUTHOR_EMAIL: 't@example.com',
        GIT_COMMITTER_NAME: 'Test',
        GIT_COMMITTER_EMAIL: 't@example.com',
      },
    }).trim();
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', message);
  return { url: `file://${dir}`, dir, sha: git('rev-parse', 'HEAD') };
}

/** A one-commit repository holding only a Dockerfile; returns its file:// URL. */
export async function dockerfileRepo(name: string, dockerfile: string): Promise<string> {
  const dir = await makeTempDir(`slipway-${name}-`);
  await writeFile(join(dir, 'Dockerfile'), dockerfile);
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=T', '-c', 'user.email=t@e', ...args], {
      cwd: dir,
      stdio: 'ignore',
    });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-qm', name);
  return `file://${dir}`;
}

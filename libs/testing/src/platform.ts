import { SERVICE_NAMES, ServiceName } from '@slipway/contracts';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { startCaddy, StartedCaddy } from './caddy';
import { dockerSocketPath, ensureDockerAvailable } from './docker';
import { startDatabase, StartedDatabase } from './mongo';
import { startNats, StartedNats } from './nats';
import { freePorts } from './ports';
import { ManagedProcess, waitUntilReady } from './processes';
import { repoRoot } from './repo';
import { waitForHttpOk } from './wait';

export interface StartPlatformOptions {
  /** Which services to run; all five by default. */
  services?: readonly ServiceName[];
  /** Extra environment for every service (e.g. OTEL_* to export traces to a test collector). */
  env?: Record<string, string>;
  /** Heartbeat period of every service. Default 1000 ms, so health changes show quickly. */
  heartbeatIntervalMs?: number;
  /** How long to wait for all services to answer /health/ready. Default 90 s. */
  readyTimeoutMs?: number;
}

export interface RunningService {
  name: ServiceName;
  httpUrl: string;
  process: ManagedProcess;
}

export interface Platform {
  gatewayUrl: string;
  nats: StartedNats;
  database: StartedDatabase;
  caddy: StartedCaddy;
  services: ReadonlyMap<ServiceName, RunningService>;
  /** Stops a service gracefully (SIGTERM) and waits for it to exit. */
  stopService(name: ServiceName): Promise<void>;
  /** Kills a service (SIGKILL), as a crash would. */
  killService(name: ServiceName): Promise<void>;
  /** Starts a stopped service again, with the same port and environment, and waits until it is ready. */
  startService(name: ServiceName): Promise<void>;
  /** The service's recent output, for failure messages. */
  output(name: ServiceName): string;
  /** Stops every service and dependency this platform started. */
  stop(): Promise<void>;
}

function serviceMain(name: ServiceName): string {
  return join('services', name, 'src', 'main.ts');
}

/**
 * Runs the real Slipway platform for a test: private NATS, database and Caddy on free ports, the shared
 * Docker Engine, and each service as its own Node process started from source, exactly as `npm run up`
 * starts them. Nothing collides with a running `npm run up` stack.
 */
export async function startPlatform(options: StartPlatformOptions = {}): Promise<Platform> {
  const names = options.services ?? SERVICE_NAMES;
  const readyTimeoutMs = options.readyTimeoutMs ?? 90_000;
  if (names.includes('builder') || names.includes('runtime')) await ensureDockerAvailable();
  const started: Array<{ stop(): Promise<void> }> = [];
  const running = new Map<ServiceName, RunningService>();
  const environments = new Map<ServiceName, Record<string, string>>();

  const launch = async (name: ServiceName): Promise<void> => {
    const env = environments.get(name) as Record<string, string>;
    const service = await ManagedProcess.start({
      name: `slipway-${name}`,
      command: process.execPath,
      args: ['-r', '@swc-node/register', serviceMain(name)],
      cwd: repoRoot(),
      env,
      stopGracePeriodMs: 15_000,
    });
    const httpUrl = `http://127.0.0.1:${env['HTTP_PORT']}`;
    running.set(name, { name, httpUrl, process: service });
    await waitUntilReady(service, () => waitForHttpOk(`${httpUrl}/health/ready`, readyTimeoutMs));
  };

  try {
    const [nats, database, caddy] = await Promise.all([startNats(), startDatabase(), startCaddy()]);
    started.push(nats, database, caddy);
    const ports = await freePorts(names.length);
    const authJwtSecret = randomBytes(48).toString('base64');
    names.forEach((name, index) => {
      environments.set(name, {
        SWC_NODE_PROJECT: 'tsconfig.base.json',
        NODE_ENV: 'test',
        NATS_URL: nats.url,
        MONGO_URL: database.url,
        HTTP_HOST: '127.0.0.1',
        HTTP_PORT: String(ports[index]),
        LOG_LEVEL: 'warn',
        HEARTBEAT_INTERVAL_MS: String(options.heartbeatIntervalMs ?? 1000),
        DOCKER_SOCKET: dockerSocketPath(),
        CADDY_ADMIN_URL: caddy.adminUrl,
        WEB_DIST_DIR: join(repoRoot(), 'dist', 'web', 'browser'),
        OTEL_TRACES_EXPORTER: 'none',
        // The gateway's access-token key, fresh per platform; the lowest bcrypt cost the gateway accepts
        // and a sign-in budget no test reaches unless it sets a lower one.
        AUTH_JWT_SECRET: authJwtSecret,
        AUTH_BCRYPT_ROUNDS: '10',
        RATE_LIMIT_AUTH_PER_MINUTE: '1000',
        ...options.env,
      });
    });
    await Promise.all(names.map((name) => launch(name)));

    const serviceOf = (name: ServiceName): RunningService => {
      const service = running.get(name);
      if (!service) throw new Error(`${name} is not part of this platform`);
      return service;
    };
    const gateway = running.get('gateway');
    return {
      gatewayUrl: gateway?.httpUrl ?? '',
      nats,
      database,
      caddy,
      services: running,
      stopService: async (name) => {
        await serviceOf(name).process.stop();
      },
      killService: async (name) => {
        await serviceOf(name).process.kill();
      },
      startService: async (name) => {
        if (!serviceOf(name).process.exited) throw new Error(`${name} is still running`);
        await launch(name);
      },
      output: (name) => serviceOf(name).process.recentOutput(),
      stop: async () => {
        await Promise.allSettled([...running.values()].map((service) => service.process.stop()));
        await Promise.allSettled(started.map((dependency) => dependency.stop()));
      },
    };
  } catch (error) {
    const outputs = [...running.values()]
      .filter((service) => service.process.exited)
      .map((service) => `--- ${service.name} ---\n${service.process.recentOutput()}`);
    await Promise.allSettled([...running.values()].map((service) => service.process.stop()));
    await Promise.allSettled(started.map((dependency) => dependency.stop()));
    throw new Error(`The platform did not start: ${(error as Error).message}\n${outputs.join('\n')}`);
  }
}

/**
 * A platform for the tests of one `describe`: started before them and stopped after them. Returns a getter,
 * since the platform exists only once the suite's `beforeAll` has run.
 */
export function platformForSuite(options: StartPlatformOptions = {}): () => Platform {
  let platform: Platform | undefined;
  beforeAll(async () => {
    platform = await startPlatform(options);
  }, 180_000);
  afterAll(async () => {
    await platform?.stop();
  }, 60_000);
  return () => {
    if (!platform) throw new Error('The suite platform is not running: use it inside a test or hook.');
    return platform;
  };
}

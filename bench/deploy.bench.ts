import {
  BuildDto,
  DeploymentDto,
  DeploymentStatusDto,
  EventSubjects,
  QuerySubjects,
  ReleaseProgressedEvent,
} from '@slipway/contracts';
import {
  CollectedSpan,
  dockerSocketPath,
  freePort,
  makeTempDir,
  nestRpcRequest,
  removeContainersByLabel,
  Platform,
  signUp,
  startOtlpCollector,
  startPlatform,
} from '@slipway/testing';
import Docker from 'dockerode';
import { connect, JSONCodec } from 'nats';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { KeepAliveGetClient } from './keep-alive-get-client';
import { percentile, summary } from './stats';

const run = promisify(execFile);
const LIST_APPS = 100;
const LIST_RATE_PER_SECOND = 500;
const LIST_SECONDS = 10;
/** Measured windows, one after the other: on this shared host one window can differ from the next by 2x. */
const LIST_WINDOWS = 3;
/**
 * The gateway's event loop stayed slow for ~5 s after the load began (JIT compilation and the first old-space
 * collections, measured per second with monitorEventLoopDelay), so a 2 s warm-up measured start-up, not the
 * steady rate the target is about.
 */
const LIST_WARM_UP_SECONDS = 6;
/**
 * Seven interleaved rounds: with five, the median of the direct side alone moved by 15 % between two
 * consecutive runs on this host (967 vs 1,114 ms), and the ratio with it (1.33 vs 1.16).
 */
const DEPLOY_ROUNDS = 7;
const TRACE_ROUNDS = 2;

function get(
  port: number,
  path: string,
  headers: Record<string, string>,
  agent: Agent | false,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, headers, agent, timeout: 5000 }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    req.once('timeout', () => req.destroy());
    req.once('error', () => resolve({ status: 0, body: '' }));
    req.end();
  });
}

/** CPU time (user + system) a process has used so far, in ms, from /proc (Linux clock ticks are 10 ms). */
async function cpuTimeMs(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]?.split(' ') ?? [];
  // utime and stime are fields 14 and 15 of stat, i.e. 12 and 13 after "pid (comm) ".
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/**
 * Microseconds so far during which some task on this machine waited for a CPU (Linux pressure stall
 * information), or undefined where the kernel does not provide it.
 */
async function cpuPressureMicros(): Promise<number | undefined> {
  const text = await readFile('/proc/pressure/cpu', 'utf8').catch(() => '');
  const total = /^some .*total=(\d+)/m.exec(text)?.[1];
  return total === undefined ? undefined : Number(total);
}

async function until(check: () => Promise<boolean>, timeoutMs = 180_000, intervalMs = 20): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(intervalMs);
  }
}

/**
 * (a) `GET /api/v1/apps` (100 apps, first page of 50) at a steady 500 requests/s for 10 s after a 6 s warm-up
 * at the same rate, open loop (a slow answer does not slow the sender): p50/p99 and errors (target p99 < 25 ms).
 * Every request is the same caller's poll, so after the first one the gateway answers from its app-list cache
 * (forgotten on any write or app/deployment event), as it would for a dashboard polling the list. The per-token rate limit is off
 * here: it would answer 429 above 3,000 requests a minute, which is the point of a rate limit, not of this.
 */
async function benchAppList(): Promise<void> {
  const platform = await startPlatform({
    services: ['gateway', 'apps'],
    env: { RATE_LIMIT_API_PER_MINUTE: '0', LOG_LEVEL: 'warn' },
  });
  try {
    const user = await signUp(platform.gatewayUrl);
    const prefix = randomBytes(2).toString('hex');
    for (let index = 0; index < LIST_APPS; index += 1) {
      const response = await fetch(`${platform.gatewayUrl}/api/v1/apps`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...user.headers },
        body: JSON.stringify({ name: `list-${prefix}-${index}`, image: 'nginx:1.27' }),
      });
      if (response.status !== 201) throw new Error(`create failed: ${response.status}`);
    }
    const port = Number(new URL(platform.gatewayUrl).port);
    const path = '/api/v1/apps';
    // As a dashboard polls: browsers and Node's fetch send Accept-Encoding, so the page comes back gzipped.
    const client = new KeepAliveGetClient(port, path, {
      ...user.headers,
      'accept-encoding': 'gzip, deflate',
    });
    /** Sends at LIST_RATE_PER_SECOND for `seconds`, open loop; latency counts from when each request was due. */
    const steadyLoad = async (seconds: number) => {
      const latencies: number[] = [];
      let errors = 0;
      const errorKinds = new Map<string, number>();
      const pending: Array<Promise<void>> = [];
      const total = LIST_RATE_PER_SECOND * seconds;
      const started = performance.now();
      for (let index = 0; index < total; index += 1) {
        const due = started + (index * 1000) / LIST_RATE_PER_SECOND;
        const wait = due - performance.now();
        if (wait > 1) await sleep(wait);
        pending.push(
          client.get().then((answer) => {
            // From when the request was due, so a server that fell behind counts its backlog.
            latencies.push(performance.now() - due);
            if (answer.status !== 200 || answer.bytes < 1000) {
              errors += 1;
              const kind = answer.error ?? `HTTP ${answer.status} (${answer.bytes} bytes)`;
              errorKinds.set(kind, (errorKinds.get(kind) ?? 0) + 1);
            }
          }),
        );
      }
      await Promise.all(pending);
      return {
        latencies,
        errors:
          errors === 0
            ? '0'
            : `${errors} (${[...errorKinds].map(([kind, count]) => `${kind} ×${count}`).join(', ')})`,
        rate: total / ((performance.now() - started) / 1000),
      };
    };
    // Warm-up at the same rate (connections opened, JIT, caches), then the measured windows.
    await steadyLoad(LIST_WARM_UP_SECONDS);
    const gatewayPid = platform.services.get('gateway')?.process.pid;
    if (gatewayPid === undefined) throw new Error('the gateway is not running');
    const p99s: number[] = [];
    for (let window = 1; window <= LIST_WINDOWS; window += 1) {
      const gatewayCpuBefore = await cpuTimeMs(gatewayPid);
      const senderCpuBefore = process.cpuUsage();
      const pressureBefore = await cpuPressureMicros();
      const windowStarted = performance.now();
      // The sender's own stalls count as latency too (from when a request was due): shown apart, so a tail
      // that comes from the load generator is not blamed on the gateway.
      const senderDelay = monitorEventLoopDelay({ resolution: 5 });
      senderDelay.enable();
      const { latencies, errors, rate } = await steadyLoad(LIST_SECONDS);
      senderDelay.disable();
      const gatewayCpuMs = (await cpuTimeMs(gatewayPid)) - gatewayCpuBefore;
      const senderCpu = process.cpuUsage(senderCpuBefore);
      const senderCpuMs = (senderCpu.user + senderCpu.system) / 1000;
      const pressureAfter = await cpuPressureMicros();
      const pressure =
        pressureBefore === undefined || pressureAfter === undefined
          ? 'unknown'
          : `${((100 * (pressureAfter - pressureBefore)) / ((performance.now() - windowStarted) * 1000)).toFixed(0)} %`;
      p99s.push(percentile(latencies, 99));
      console.log(
        `GET ${path} (${LIST_APPS} apps) at ${LIST_RATE_PER_SECOND}/s, window ${window} of ${LIST_WINDOWS} ` +
          `(${LIST_SECONDS} s each, after a ${LIST_WARM_UP_SECONDS} s warm-up): ` +
          `${summary('latency', latencies)}, errors=${errors}, completed at ${rate.toFixed(0)} requests/s; ` +
          `the sender's event-loop delay p99=${(senderDelay.percentile(99) / 1e6).toFixed(1)}ms ` +
          `max=${(senderDelay.max / 1e6).toFixed(1)}ms; CPU per request: the gateway ` +
          `${(gatewayCpuMs / latencies.length).toFixed(2)}ms, the sender ${(senderCpuMs / latencies.length).toFixed(2)}ms; ` +
          `time some task waited for a CPU: ${pressure}`,
      );
    }
    client.close();
    console.log(
      `GET ${path} p99 per window: ${p99s.map((p99) => `${p99.toFixed(1)}ms`).join(', ')}; ` +
        `median ${percentile(p99s, 50).toFixed(1)}ms (target p99 < 25 ms)`,
    );
  } finally {
    await platform.stop();
  }
}

const SERVER = (mark: string) =>
  `require('http').createServer((q, s) => s.end('${mark}')).listen(process.env.PORT || 8080);\n`;

/** A private platform with one app deployed from a local git repository, ready for redeploys. */
interface DeployFixture {
  platform: Platform;
  docker: Docker;
  repo: string;
  app: { id: string; name: string };
  git: (...args: string[]) => Promise<unknown>;
  call: <T>(method: string, path: string, body?: unknown) => Promise<T>;
  /** Commits `server.js` answering `mark`, POSTs a deployment and waits for `mark` through Caddy. */
  redeploy: (mark: string) => Promise<{ deployment: DeploymentDto; startedAt: number; answeredAt: number }>;
  stop: () => Promise<void>;
}

async function startDeployFixture(extraEnv: Record<string, string> = {}): Promise<DeployFixture> {
  const scope = `bench-${randomBytes(4).toString('hex')}`;
  const portBase = 36000 + Math.floor(Math.random() * 200) * 10;
  const platform = await startPlatform({
    env: {
      SECRETS_KEYS: `bench:${randomBytes(32).toString('base64')}`,
      RATE_LIMIT_API_PER_MINUTE: '0',
      ALLOW_LOCAL_SOURCES: 'true',
      BUILD_WORK_DIR: await makeTempDir('slipway-bench-builds-'),
      BASE_IMAGE_NODE: 'slipway-local/node:20-bookworm',
      BASE_IMAGE_PYTHON: 'slipway-local/python:3.11-bookworm',
      BASE_IMAGE_STATIC: 'slipway-local/static:bookworm',
      RUNTIME_SCOPE: scope,
      EXTRA_CONTAINER_LABELS: 'io.slipway.test=true',
      HOST_PORT_FROM: String(portBase),
      HOST_PORT_TO: String(portBase + 9),
      LOG_LEVEL: 'warn',
      ...extraEnv,
    },
  });
  const stop = async () => {
    await platform.stop();
    await removeContainersByLabel('io.slipway.scope', scope).catch(() => undefined);
  };
  try {
    const docker = new Docker({ socketPath: dockerSocketPath() });
    const repo = await makeTempDir('slipway-bench-repo-');
    const git = (...args: string[]) =>
      run('git', ['-c', 'user.name=B', '-c', 'user.email=b@e', ...args], { cwd: repo });
    await writeFile(
      join(repo, 'Dockerfile'),
      'FROM slipway-local/node:20-bookworm\nWORKDIR /app\nCOPY server.js .\nCMD ["node", "server.js"]\n',
    );
    await writeFile(join(repo, 'server.js'), SERVER('initial'));
    await git('init', '-q', '-b', 'main');
    await git('add', '-A');
    await git('commit', '-qm', 'initial');
    const user = await signUp(platform.gatewayUrl);
    const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
      const response = await fetch(`${platform.gatewayUrl}/api/v1${path}`, {
        method,
        headers: { 'content-type': 'application/json', ...user.headers },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return (await response.json()) as T;
    };
    const name = `bench-${randomBytes(3).toString('hex')}`;
    const created = await call<{ id: string }>('POST', '/apps', {
      name,
      repoUrl: `file://${repo}`,
      port: 8080,
    });
    const app = { id: created.id, name };
    // A first deployment, not measured: from then on every deployment is a redeploy of changed code.
    const first = await call<DeploymentDto>('POST', `/apps/${app.id}/deployments`, {});
    await until(
      async () =>
        (await call<DeploymentStatusDto>('GET', `/deployments/${first.id}/status`)).state === 'running',
    );
    // The URL is polled from the moment the new release's container has started (the runtime's
    // `release.progressed.v1` "health-check" stage, heard on the bus, which costs nothing), as the direct side
    // is polled from when `docker run` returns: polling through the whole build and the container's start, 50
    // times a second through Caddy to the old release, took CPU from both on 2 cores (the bench process
    // itself used ~220 ms of CPU per deploy), and the direct side is not polled before its container runs.
    const nats = await connect({ servers: platform.nats.url });
    const started = new Set<string>();
    /** Woken by the event rather than polling for it, so waiting costs no CPU either. */
    const waiting = new Map<string, () => void>();
    nats.subscribe(EventSubjects.ReleaseProgressed, {
      callback: (_error, message) => {
        const event = JSONCodec<ReleaseProgressedEvent>().decode(message.data);
        if (event.stage !== 'health-check') return;
        started.add(event.deploymentId);
        waiting.get(event.deploymentId)?.();
      },
    });
    const containerStarted = (deploymentId: string) =>
      new Promise<void>((resolve, reject) => {
        if (started.has(deploymentId)) return resolve();
        const timer = setTimeout(
          () => reject(new Error(`${deploymentId} never started a container`)),
          180_000,
        );
        waiting.set(deploymentId, () => {
          clearTimeout(timer);
          waiting.delete(deploymentId);
          resolve();
        });
      });
    const redeploy = async (mark: string) => {
      await writeFile(join(repo, 'server.js'), SERVER(mark));
      await git('commit', '-qam', mark);
      const startedAt = performance.now();
      const deployment = await call<DeploymentDto>('POST', `/apps/${app.id}/deployments`, {});
      await containerStarted(deployment.id);
      await until(
        async () =>
          (await get(platform.caddy.httpPort, '/', { Host: `${name}.localhost` }, false)).body === mark,
      );
      return { deployment, startedAt, answeredAt: performance.now() };
    };
    return {
      platform,
      docker,
      repo,
      app,
      git,
      call,
      redeploy,
      stop: async () => {
        await nats.close();
        await stop();
      },
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * (b) `POST /apps/:id/deployments` → first 200 of the new code through Caddy, against what a user would do
 * by hand on the same machine: `git clone` + `docker build` + `docker run` (with the plan's limits, as the
 * runtime's own benchmark does) → first 200 on its port. Each
 * round commits a change first, so both sides rebuild the app layer on a warm base-image cache; rounds are
 * interleaved so both see the same load. Target ratio ≤ 1.15.
 */
async function benchDeployToFirst200(): Promise<void> {
  const fixture = await startDeployFixture();
  const { docker, repo, app, git, call } = fixture;
  try {
    const viaPlatform: number[] = [];
    const direct: number[] = [];
    for (let round = 0; round < DEPLOY_ROUNDS; round += 1) {
      const { deployment, startedAt, answeredAt } = await fixture.redeploy(
        `platform-${round}-${randomBytes(2).toString('hex')}`,
      );
      viaPlatform.push(answeredAt - startedAt);
      const status = await call<DeploymentStatusDto>('GET', `/deployments/${deployment.id}/status`);
      const build = await nestRpcRequest<BuildDto>(fixture.platform.nats.url, QuerySubjects.BuildsGet, {
        deploymentId: deployment.id,
      }).catch(() => undefined);
      console.log(
        `  round ${round + 1} via Slipway: ${status.timings.map((timing) => `${timing.state} ${timing.durationMs} ms`).join(', ')}` +
          (build
            ? `; the builder's stages: ${build.timings.map((t) => `${t.stage} ${t.durationMs} ms`).join(', ')}`
            : ''),
      );
      // The replaced release drains for DRAIN_GRACE_MS and is then stopped and removed; both sides start
      // their next round on an idle Docker (the direct side removes its container before the next round too).
      await until(
        async () =>
          (await docker.listContainers({ all: true, filters: { label: [`io.slipway.app=${app.id}`] } }))
            .length === 1,
      );

      const directMark = `direct-${round}-${randomBytes(2).toString('hex')}`;
      await writeFile(join(repo, 'server.js'), SERVER(directMark));
      await git('commit', '-qam', directMark);
      const checkout = await makeTempDir('slipway-bench-clone-');
      const tag = `slipway-bench/direct:${round}-${randomBytes(2).toString('hex')}`;
      const hostPort = await freePort();
      const started = performance.now();
      await run('git', ['clone', '-q', '--depth', '1', `file://${repo}`, checkout]);
      const cloned = performance.now();
      await run('docker', ['build', '-q', '-t', tag, checkout]);
      const built = performance.now();
      await run('docker', [
        'run',
        '-d',
        '--rm',
        '--init',
        // The limits of the app's plan (starter), which the runtime gives its container too: node starts
        // at half a CPU on both sides.
        '--memory',
        '256m',
        '--cpus',
        '0.5',
        '--label',
        'io.slipway.test=true',
        '--name',
        `bench-direct-${round}-${app.name}`,
        '-e',
        'PORT=8080',
        '-p',
        `127.0.0.1:${hostPort}:8080`,
        tag,
      ]);
      const ran = performance.now();
      await until(async () => (await get(hostPort, '/', {}, false)).body === directMark);
      const answered = performance.now();
      direct.push(answered - started);
      console.log(
        `  round ${round + 1} by hand: git clone ${Math.round(cloned - started)} ms, docker build ${Math.round(built - cloned)} ms, ` +
          `docker run ${Math.round(ran - built)} ms, first 200 ${Math.round(answered - ran)} ms later`,
      );
      await docker
        .getContainer(`bench-direct-${round}-${app.name}`)
        .remove({ force: true })
        .catch(() => undefined);
      await docker
        .getImage(tag)
        .remove({ force: true })
        .catch(() => undefined);
    }
    const ratio = percentile(viaPlatform, 50) / percentile(direct, 50);
    console.log(
      summary(
        'deploy → first 200 via Slipway (POST deploy, build, health-gated release, Caddy)',
        viaPlatform,
      ),
    );
    console.log(summary('git clone + docker build + docker run → first 200', direct));
    // Each Slipway round and the direct round right after it ran under about the same load on the host;
    // the per-round ratios show how far apart single rounds are (0.95-1.68 in one run here).
    const pairRatios = viaPlatform.map((ms, round) => ms / (direct[round] ?? Number.NaN));
    console.log(
      `ratio per round (Slipway / direct right after): ${pairRatios.map((r) => r.toFixed(2)).join(', ')}`,
    );
    console.log(
      `ratio: median of the rounds' ratios ${percentile(pairRatios, 50).toFixed(2)}, ` +
        `median/median ${ratio.toFixed(2)} (target ≤ 1.15)`,
    );
  } finally {
    await fixture.stop();
  }
}

/**
 * (c) Where one redeploy spends its time: every span the services exported for its trace (OTLP, to a
 * collector in this process), in start order, relative to the POST. Not a target, a map for the next change:
 * the gaps between one service's span and the next are the hops (JetStream, database writes).
 */
async function benchDeployTrace(): Promise<void> {
  const collector = await startOtlpCollector();
  const fixture = await startDeployFixture(collector.exporterEnv());
  try {
    for (let round = 0; round < TRACE_ROUNDS; round += 1) {
      const startedAtEpoch = Date.now();
      const { deployment, startedAt, answeredAt } = await fixture.redeploy(
        `traced-${round}-${randomBytes(2).toString('hex')}`,
      );
      const spanOf = (span: CollectedSpan) => `${span.service.replace(/^slipway-/, '')} ${span.name}`;
      // The deployment's own trace: the one the gateway started for the POST.
      let post: CollectedSpan | undefined;
      await until(async () => {
        post = collector
          .spans()
          .find(
            (span) =>
              span.service === 'slipway-gateway' &&
              span.name === 'POST /api/v1/apps/:id/deployments' &&
              span.startMs >= startedAtEpoch,
          );
        return post !== undefined;
      });
      // Spans arrive in batches; the runtime's last ones a moment after the first 200.
      await sleep(1500);
      const spans = collector
        .spans()
        .filter(
          (span) =>
            span.traceId === post?.traceId && span.startMs <= startedAtEpoch + (answeredAt - startedAt),
        )
        .sort((a, b) => a.startMs - b.startMs);
      console.log(
        `  redeploy ${round + 1} (deployment ${deployment.id}): first 200 after ${Math.round(answeredAt - startedAt)} ms; ` +
          `${spans.length} spans of its trace until then (start → length):`,
      );
      for (const span of spans) {
        console.log(
          `    +${String(Math.round(span.startMs - startedAtEpoch)).padStart(5)} ms ${String(Math.round(span.endMs - span.startMs)).padStart(5)} ms  ${spanOf(span)}`,
        );
      }
      await until(
        async () =>
          (
            await fixture.docker.listContainers({
              all: true,
              filters: { label: [`io.slipway.app=${fixture.app.id}`] },
            })
          ).length === 1,
      );
    }
  } finally {
    await fixture.stop();
    await collector.stop();
  }
}

export async function benchDeploy(part?: 'list' | 'deploy' | 'trace'): Promise<void> {
  if (part === undefined || part === 'list') await benchAppList();
  if (part === undefined || part === 'deploy') await benchDeployToFirst200();
  if (part === 'trace') await benchDeployTrace();
}

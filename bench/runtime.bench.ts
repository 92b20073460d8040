import { dockerSocketPath } from '@slipway/testing';
import Docker from 'dockerode';
import { request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { continuousLoad, ReleaseOptions, RuntimeHarness } from '../services/runtime/test/runtime-harness';
import { percentile } from './stats';

const ROUNDS = 7;
const POLL_MS = 20;

/** GET http://127.0.0.1:port/ once, on a fresh connection; status 0 when nothing answers. */
function directGet(port: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/', agent: false, timeout: 2000 }, (response) => {
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

async function until(check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(POLL_MS);
  }
}

/** `docker run` of the same image with the same limits and Init, then the first 200 on its published port. */
async function dockerRunToFirst200(
  docker: Docker,
  image: string,
  hostPort: number,
): Promise<{ startedMs: number; first200Ms: number }> {
  const started = performance.now();
  const container = await docker.createContainer({
    Image: image,
    Env: ['PORT=8080', 'RELEASE_MARK=direct'],
    Labels: { 'io.slipway.test': 'true' },
    ExposedPorts: { '8080/tcp': {} },
    HostConfig: {
      Init: true,
      Memory: 256 * 1024 * 1024,
      NanoCpus: 0.5e9,
      PortBindings: { '8080/tcp': [{ HostIp: '127.0.0.1', HostPort: String(hostPort) }] },
    },
  });
  await container.start();
  const startedMs = performance.now() - started;
  await until(async () => (await directGet(hostPort)).status === 200);
  const elapsed = performance.now() - started;
  await container.remove({ force: true });
  return { startedMs, first200Ms: elapsed };
}

/**
 * (a) release requested → first 200 through Caddy vs `docker run` → first 200 directly, in interleaved rounds so
 * both sides see the same machine load. Prints both series, the ratio of medians and the runtime's own stages.
 */
async function firstRequestRatio(
  runtime: RuntimeHarness,
  docker: Docker,
  label: string,
  healthCheck: ReleaseOptions['healthCheck'],
  roundOffset: number,
): Promise<void> {
  const viaRuntime: number[] = [];
  const direct: number[] = [];
  const directStarted: number[] = [];
  const runtimeStages: string[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const appName = `bench-first-${roundOffset + round}`;
    const started = performance.now();
    const releaseId = await runtime.requestRelease(appName, { healthCheck });
    await until(async () => {
      const answer = await runtime.get(`${appName}.localhost`).catch(() => ({ status: 0, body: '' }));
      return answer.status === 200 && answer.body === `release=${releaseId}`;
    });
    viaRuntime.push(performance.now() - started);
    const timings = (await runtime.releaseOutcome(releaseId)).live?.timings;
    if (timings) runtimeStages.push(`${timings.startMs}/${timings.healthyMs}/${timings.switchMs}`);
    // Below the runtime harness's random host-port ranges (30000-59999) and the kernel's ephemeral ports.
    const directRun = await dockerRunToFirst200(docker, runtime.image, 29_000 + roundOffset + round);
    direct.push(directRun.first200Ms);
    directStarted.push(directRun.startedMs);
  }
  const ratio = percentile(viaRuntime, 50) / percentile(direct, 50);
  console.log(
    `runtime (a) [${label}] release requested -> first 200 through Caddy: p50 ${percentile(viaRuntime, 50).toFixed(0)} ms ` +
      `(${viaRuntime.map((v) => v.toFixed(0)).join(', ')})`,
  );
  console.log(
    `runtime (a) [${label}] docker run -> first 200 direct:               p50 ${percentile(direct, 50).toFixed(0)} ms ` +
      `(${direct.map((v) => v.toFixed(0)).join(', ')})`,
  );
  console.log(
    `runtime (a) [${label}] ratio ${ratio.toFixed(2)} (target <= 1.2); runtime started/healthy/switched ms: ` +
      `${runtimeStages.join(', ')}; docker run create+start ms: ${directStarted.map((v) => v.toFixed(0)).join(', ')}`,
  );
}

/**
 * Runtime figures against targets: (a) release requested → first 200 through Caddy vs `docker run` → first 200
 * directly (ratio, target ≤ 1.2), with the default health check (one success) and again with a stricter gate
 * (2 consecutive successes 100 ms apart); (b) requests/s and failed requests through Caddy during a redeploy
 * under steady load (target 0 failed); (c) rollback requested → first 200 from the previous release (target
 * < 2 s). Checks run every 100 ms as in the tests.
 */
export async function benchRuntime(): Promise<void> {
  // Production sampling and drain settings: the test harness samples metrics every second.
  const runtime = await RuntimeHarness.start({
    LOG_LEVEL: 'warn',
    METRICS_INTERVAL_MS: '5000',
    METRICS_BUCKET_MS: '60000',
    DRAIN_GRACE_MS: '2000',
  });
  const docker = new Docker({ socketPath: dockerSocketPath() });
  try {
    await firstRequestRatio(runtime, docker, 'default check, 1 success', {}, 0);
    await firstRequestRatio(runtime, docker, '2 successes 100 ms apart', { successesRequired: 2 }, ROUNDS);

    // (b) Redeploys of a 2-instance app under 4 clients sending without pause on kept-alive connections.
    await runtime.deploy('bench-steady', { replicas: 2 });
    for (let round = 0; round < 3; round++) {
      const load = continuousLoad(runtime, 'bench-steady.localhost', 4);
      await sleep(1000);
      const before = load.report.ok + load.report.failed;
      const started = performance.now();
      const releaseId = await runtime.deploy('bench-steady', { replicas: 2 });
      await until(async () =>
        (await runtime.containers('bench-steady')).every((c) => c.Labels['io.slipway.release'] === releaseId),
      );
      const seconds = (performance.now() - started) / 1000;
      const report = await load.stop();
      const during = report.ok + report.failed - before;
      console.log(
        `runtime (b) redeploy ${round + 1}: ${(during / seconds).toFixed(0)} req/s over ${seconds.toFixed(1)} s ` +
          `(switch and drain included), ${report.failed} failed of ${report.ok + report.failed} requests, ` +
          `${report.resent} resent once after Caddy closed the connection unanswered (target 0 failed)` +
          (report.failures.length ? ` failures: ${report.failures.slice(0, 3).join(' | ')}` : ''),
      );
    }

    // (c) Rollback: the previous release's image again, no build.
    const rollbacks: number[] = [];
    let resets = 0;
    const stages: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const appName = `bench-rollback-${round}`;
      const previous = await runtime.deploy(appName);
      await runtime.deploy(appName);
      const started = performance.now();
      const rollbackId = await runtime.requestRelease(appName, {
        reason: 'rollback',
        env: { RELEASE_MARK: previous },
      });
      await until(async () => {
        const answer = await runtime.get(`${appName}.localhost`).catch(() => {
          resets++;
          return { status: 0, body: '' };
        });
        return answer.body === `release=${previous}`;
      });
      rollbacks.push(performance.now() - started);
      const timings = (await runtime.releaseOutcome(rollbackId)).live?.timings;
      if (timings) stages.push(`${timings.startMs}/${timings.healthyMs}/${timings.switchMs}`);
    }
    console.log(
      `runtime (c) rollback requested -> first 200 from the previous release: p50 ${percentile(rollbacks, 50).toFixed(0)} ms ` +
        `max ${Math.max(...rollbacks).toFixed(0)} ms (${rollbacks.map((v) => v.toFixed(0)).join(', ')}) (target < 2000 ms); ` +
        `runtime's own started/healthy/switched ms: ${stages.join(', ')}; ` +
        `${resets} polls on a fresh connection were reset by Caddy while its config changed`,
    );
  } finally {
    await runtime.stop();
  }
}

import { LogBatchEvent, LogPageDto, logSubject, QuerySubjects } from '@slipway/contracts';
import {
  makeTempDir,
  nestRpcRequest,
  removeContainersByLabel,
  signUp,
  startPlatform,
  waitFor,
} from '@slipway/testing';
import { connect, JSONCodec, NatsConnection } from 'nats';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { percentile, summary } from './stats';

const INGEST_LINES = Number(process.env['LOGS_BENCH_INGEST_LINES'] ?? 100_000);
const QUERY_LINES = Number(process.env['LOGS_BENCH_QUERY_LINES'] ?? 1_000_000);
const BATCH = 200;
const QUERIES = Number(process.env['LOGS_BENCH_QUERIES'] ?? 200);
const codec = JSONCodec<unknown>();

function query(natsUrl: string, request: Record<string, unknown>): Promise<LogPageDto> {
  return nestRpcRequest<LogPageDto>(natsUrl, QuerySubjects.LogsQuery, request, 120_000);
}

/** Publishes `lines` lines as the builder and runtime do (JetStream, batches of 200), 32 acks in flight. */
async function publishLines(
  nats: NatsConnection,
  appId: string,
  deploymentId: string,
  lines: number,
): Promise<void> {
  const js = nats.jetstream();
  const base = Date.now() - lines;
  const acks: Promise<unknown>[] = [];
  for (let first = 1; first <= lines; first += BATCH) {
    const batch: LogBatchEvent = {
      appId,
      deploymentId,
      source: 'runtime',
      lines: Array.from({ length: Math.min(BATCH, lines - first + 1) }, (_, index) => ({
        seq: first + index,
        stream: 'stdout' as const,
        timestamp: new Date(base + first + index).toISOString(),
        text: `GET /api/items/${first + index} 200 12ms (user agent: curl/8.0) request-id=${first + index}`,
        instance: 'bench-1',
      })),
    };
    acks.push(
      js.publish(logSubject(appId, deploymentId, 'runtime'), codec.encode(batch), {
        msgID: `${deploymentId}:runtime:${first}`,
      }),
    );
    if (acks.length >= 32) await Promise.all(acks.splice(0));
  }
  await Promise.all(acks);
}

/**
 * Waits until the newest stored line is the last one published. The logs service stores a stream's
 * batches one at a time in stream order, so the last line stored means every line before it was handled;
 * the count is checked separately (untimed) to prove nothing was lost.
 */
async function waitUntilStored(natsUrl: string, appId: string, lines: number): Promise<void> {
  await waitFor(
    async () => (await query(natsUrl, { appId, order: 'desc', limit: 1 })).items[0]?.seq === lines,
    { timeoutMs: 1_800_000, intervalMs: 100, description: `line ${lines} stored` },
  );
}

async function countStored(natsUrl: string, appId: string): Promise<number> {
  let count = 0;
  let cursor: string | null = null;
  do {
    const page: LogPageDto = await query(natsUrl, { appId, limit: 1000, ...(cursor ? { cursor } : {}) });
    count += page.items.length;
    cursor = page.nextCursor;
  } while (cursor);
  return count;
}

async function ingest(
  nats: NatsConnection,
  natsUrl: string,
  lines: number,
): Promise<{ appId: string; rate: number }> {
  const appId = `bench-${randomBytes(4).toString('hex')}`;
  const deploymentId = randomBytes(12).toString('hex');
  const started = performance.now();
  await publishLines(nats, appId, deploymentId, lines);
  const published = performance.now();
  await waitUntilStored(natsUrl, appId, lines);
  const seconds = (performance.now() - started) / 1000;
  const rate = Math.round(lines / seconds);
  console.log(
    `logs ingest: ${lines} lines in batches of ${BATCH}: published in ${((published - started) / 1000).toFixed(1)} s, all stored after ${seconds.toFixed(1)} s → ${rate} lines/s stored (target ≥ 20,000)`,
  );
  return { appId, rate };
}

/**
 * The logs service on this machine (FerretDB on SQLite unless MONGO_URL is set): (a) ingest throughput of
 * batches published to JetStream as fast as possible until every line is stored; (c) query time for the
 * newest 1,000 lines of an app with QUERY_LINES stored lines. (b), container-to-browser latency, is in
 * the runtime benchmark's log section when the runtime follows container output.
 */
export async function benchLogs(): Promise<void> {
  const platform = await startPlatform({ services: ['logs'] });
  const nats = await connect({ servers: platform.nats.url });
  try {
    const small = await ingest(nats, platform.nats.url, INGEST_LINES);
    const stored = await countStored(platform.nats.url, small.appId);
    console.log(
      `  stored ${stored} of ${INGEST_LINES} lines ${stored === INGEST_LINES ? '(none lost)' : '(LINES MISSING)'}`,
    );

    const big = await ingest(nats, platform.nats.url, QUERY_LINES);
    const coldStarted = performance.now();
    const cold = await query(platform.nats.url, { appId: big.appId, order: 'desc', limit: 1000 });
    const coldMs = performance.now() - coldStarted;
    if (cold.items.length !== 1000 || cold.items[0]?.seq !== QUERY_LINES) throw new Error('wrong page');
    const durations: number[] = [];
    for (let index = 0; index < QUERIES; index += 1) {
      const sent = performance.now();
      const page = await query(platform.nats.url, { appId: big.appId, order: 'desc', limit: 1000 });
      durations.push(performance.now() - sent);
      if (page.items.length !== 1000 || page.items[999]?.seq !== QUERY_LINES - 999)
        throw new Error('wrong page');
    }
    console.log(
      `${summary(`newest 1,000 lines of an app with ${QUERY_LINES} lines (rpc.logs.query round trip)`, durations)}; first query after ingest ${coldMs.toFixed(1)} ms (target p99 ≤ 50 ms at 1,000,000 lines)`,
    );
    await platform.stopService('logs');
    await platform.startService('logs');
    const restartedStarted = performance.now();
    await query(platform.nats.url, { appId: big.appId, order: 'desc', limit: 1000 });
    console.log(
      `  after a restart of the logs service (empty cache): first newest-1,000 query ${(performance.now() - restartedStarted).toFixed(1)} ms`,
    );
  } finally {
    await nats.drain();
    await platform.stop();
  }
}

/** A small app that, on GET /emit, prints `emit <n> <epoch ms>` lines at `rate` per second for `seconds`. */
const EMITTER = `
const http = require('http');
http.createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  if (url.pathname !== '/emit') { res.end('ok'); return; }
  const rate = Number(url.searchParams.get('rate') || 1000);
  const total = rate * Number(url.searchParams.get('seconds') || 5);
  let n = 0;
  const started = Date.now();
  const timer = setInterval(() => {
    const due = Math.min(total, Math.floor(((Date.now() - started) * rate) / 1000));
    while (n < due) { n += 1; process.stdout.write('emit ' + n + ' ' + Date.now() + '\\n'); }
    if (n >= total) clearInterval(timer);
  }, 1);
  res.end('emitting ' + total);
}).listen(Number(process.env.PORT));
`;

async function buildEmitterImage(): Promise<string> {
  const dir = await makeTempDir('slipway-bench-emitter-');
  writeFileSync(join(dir, 'server.js'), EMITTER);
  writeFileSync(
    join(dir, 'Dockerfile'),
    'FROM slipway-local/node:20-bookworm\nLABEL io.slipway.test=true\nWORKDIR /app\nCOPY server.js .\nCMD ["node", "server.js"]\n',
  );
  const tag = 'slipway-bench/log-emitter:latest';
  execFileSync('docker', ['build', '-q', '-t', tag, dir], { env: { ...process.env, DOCKER_BUILDKIT: '0' } });
  return tag;
}

/**
 * (b) A container writing 1,000 lines/s, followed by the runtime into the logs pipeline, and a client
 * following the app's live tail through the gateway (SSE, as the portal does): the latency from the line's
 * timestamp (written by the app) to the client receiving it.
 */
export async function benchLogLatency(): Promise<void> {
  const image = await buildEmitterImage();
  const scope = `bench-${randomBytes(4).toString('hex')}`;
  const portBase = 36000 + Math.floor(Math.random() * 200) * 10;
  const platform = await startPlatform({
    env: {
      SECRETS_KEYS: `bench:${randomBytes(32).toString('base64')}`,
      RUNTIME_SCOPE: scope,
      EXTRA_CONTAINER_LABELS: 'io.slipway.test=true',
      HOST_PORT_FROM: String(portBase),
      HOST_PORT_TO: String(portBase + 9),
      RATE_LIMIT_API_PER_MINUTE: '0',
      LOG_LEVEL: 'warn',
    },
  });
  const controller = new AbortController();
  try {
    const user = await signUp(platform.gatewayUrl);
    const api = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
      const response = await fetch(`${platform.gatewayUrl}/api/v1${path}`, {
        method,
        headers: { 'content-type': 'application/json', ...user.headers },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
      return (await response.json()) as T;
    };
    const name = `latency-${randomBytes(3).toString('hex')}`;
    const app = await api<{ id: string }>('POST', '/apps', { name, sourceKind: 'image', image, port: 8080 });
    const deployment = await api<{ id: string }>('POST', `/apps/${app.id}/deployments`, {});
    await waitFor(
      async () => {
        const status = await api<{ state: string; reason?: string }>(
          'GET',
          `/deployments/${deployment.id}/status`,
        );
        if (['failed', 'cancelled'].includes(status.state))
          throw new Error(`deployment ${status.state}: ${status.reason}`);
        return status.state === 'running';
      },
      { timeoutMs: 120_000, intervalMs: 200, description: 'the emitter to run' },
    );

    const rate = 1000;
    const seconds = 10;
    const latencies: number[] = [];
    const response = await fetch(
      `${platform.gatewayUrl}/api/v1/apps/${app.id}/logs/live?source=runtime&deploymentId=${deployment.id}`,
      { headers: user.headers, signal: controller.signal },
    );
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    const reading = (async () => {
      let buffered = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        const receivedAt = Date.now();
        buffered += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = buffered.indexOf('\n\n')) >= 0) {
          const block = buffered.slice(0, end);
          buffered = buffered.slice(end + 2);
          const data = block.split('\n').find((field) => field.startsWith('data: '));
          const match = data ? /emit (\d+) (\d+)/.exec(data) : null;
          if (match) latencies.push(receivedAt - Number(match[2]));
        }
        if (latencies.length >= rate * seconds) return;
      }
    })();
    await new Promise<void>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: platform.caddy.httpPort,
          path: `/emit?rate=${rate}&seconds=${seconds}`,
          headers: { Host: `${name}.localhost` },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve());
        },
      );
      req.once('error', reject);
      req.end();
    });
    await Promise.race([reading, new Promise((resolve) => setTimeout(resolve, (seconds + 20) * 1000))]);
    const perSecond = Array.from({ length: seconds }, (_, second) =>
      percentile(latencies.slice(second * rate, (second + 1) * rate), 99).toFixed(0),
    );
    console.log(`  p99 per second of emission: ${perSecond.join(' ')} ms`);
    console.log(
      `${summary(`container line → live tail client (runtime follow → JetStream → gateway SSE) at ${rate} lines/s for ${seconds} s`, latencies)}; received ${latencies.length} of ${rate * seconds} (target p99 ≤ 100 ms)`,
    );
  } finally {
    controller.abort();
    await platform.stop();
    await removeContainersByLabel('io.slipway.scope', scope).catch(() => undefined);
  }
}

import { LogBatchEvent, LogPageDto, logSubject, QuerySubjects } from '@slipway/contracts';
import { nestRpcRequest, startPlatform, waitFor } from '@slipway/testing';
import { connect, JSONCodec, NatsConnection } from 'nats';
import { randomBytes } from 'node:crypto';
import { summary } from './stats';

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

import { LogBatchEvent, LogPageDto, logSubject, QuerySubjects } from '@slipway/contracts';
import { nestRpcRequest, startPlatform, waitFor } from '@slipway/testing';
import { MongoClient } from 'mongodb';
import { connect, JSONCodec } from 'nats';
import { randomBytes } from 'node:crypto';
import { summary } from './stats';

const INGEST_LINES = Number(process.env['LOGS_BENCH_INGEST_LINES'] ?? 20_000);
const QUERY_LINES = Number(process.env['LOGS_BENCH_QUERY_LINES'] ?? 20_000);
const BATCH = 200;
const QUERIES = Number(process.env['LOGS_BENCH_QUERIES'] ?? 10);
const codec = JSONCodec<unknown>();

/**
 * The logs service on this machine: (a) ingest throughput of build-log batches published to JetStream as
 * fast as possible until every line is stored; (c) the time to query the last 1,000 lines of an app that
 * has QUERY_LINES stored lines. (b), container-to-browser latency, needs the runtime and the live tail.
 * Defaults are small because FerretDB 1.x on SQLite sorts in memory (2.7 s at 20,000 lines, timeouts at
 * 200,000); raise LOGS_BENCH_QUERY_LINES to 1000000 against MongoDB (MONGO_URL) for the issue's figure.
 */
export async function benchLogs(): Promise<void> {
  const platform = await startPlatform({ services: ['logs'] });
  const nats = await connect({ servers: platform.nats.url });
  const mongo = await MongoClient.connect(platform.database.url);
  const lines = mongo.db('slipway_logs').collection('log_lines');
  try {
    // (a) ingest
    const appId = `bench-${randomBytes(4).toString('hex')}`;
    const deploymentId = randomBytes(12).toString('hex');
    const js = nats.jetstream();
    const started = performance.now();
    const acks: Promise<unknown>[] = [];
    for (let first = 1; first <= INGEST_LINES; first += BATCH) {
      const batch: LogBatchEvent = {
        appId,
        deploymentId,
        source: 'build',
        lines: Array.from({ length: Math.min(BATCH, INGEST_LINES - first + 1) }, (_, index) => ({
          seq: first + index,
          stream: 'stdout' as const,
          stage: 'install' as const,
          timestamp: new Date().toISOString(),
          text: `npm http fetch GET 200 https://registry.npmjs.org/package-${first + index} 12ms (cache miss)`,
        })),
      };
      acks.push(
        js.publish(logSubject(appId, deploymentId, 'build'), codec.encode(batch), {
          msgID: `${deploymentId}:build:${first}`,
        }),
      );
      if (acks.length >= 32) await Promise.all(acks.splice(0));
    }
    await Promise.all(acks);
    const published = performance.now();
    await waitFor(async () => (await lines.countDocuments({ deploymentId })) >= INGEST_LINES, {
      timeoutMs: 600_000,
      intervalMs: 200,
      description: 'every line stored',
    });
    const stored = performance.now();
    console.log(
      `logs ingest: ${INGEST_LINES} lines in batches of ${BATCH}: published in ${((published - started) / 1000).toFixed(1)} s, all stored after ${((stored - started) / 1000).toFixed(1)} s → ${Math.round(INGEST_LINES / ((stored - started) / 1000))} lines/s stored (target ≥ 20,000)`,
    );

    // (c) query the newest 1,000 lines of an app with QUERY_LINES stored lines
    const queryApp = `bench-query-${randomBytes(4).toString('hex')}`;
    const queryDeployment = randomBytes(12).toString('hex');
    const base = Date.now() - QUERY_LINES;
    const seedStarted = performance.now();
    for (let first = 0; first < QUERY_LINES; first += 5000) {
      const documents = Array.from({ length: Math.min(5000, QUERY_LINES - first) }, (_, index) => {
        const seq = first + index + 1;
        const text = `line ${seq} of a busy app`;
        return {
          appId: queryApp,
          deploymentId: queryDeployment,
          source: 'runtime',
          stream: 'stdout',
          stage: null,
          instance: null,
          timestamp: new Date(base + seq),
          seq,
          level: null,
          display: 'normal',
          text,
          plain: text,
          traceId: null,
          key: `${queryDeployment}:runtime:${seq}`,
        };
      });
      await lines.insertMany(documents, { ordered: false });
    }
    console.log(
      `seeded ${QUERY_LINES} lines for one app in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s`,
    );
    const durations: number[] = [];
    for (let query = 0; query < QUERIES; query += 1) {
      const sent = performance.now();
      const page = await nestRpcRequest<LogPageDto>(
        platform.nats.url,
        QuerySubjects.LogsQuery,
        { appId: queryApp, order: 'desc', limit: 1000 },
        120_000,
      );
      durations.push(performance.now() - sent);
      if (page.items.length !== 1000 || page.items[0]?.seq !== QUERY_LINES) throw new Error('wrong page');
    }
    console.log(
      `${summary(`last 1,000 lines of an app with ${QUERY_LINES} lines (rpc.logs.query, incl. NATS connect)`, durations)} (target p99 ≤ 50 ms at 1,000,000 lines)`,
    );
  } finally {
    await mongo.close();
    await nats.drain();
    await platform.stop();
  }
}

import { startDatabase, StartedDatabase } from '@slipway/testing';
import { MongoClient } from 'mongodb';
import { randomBytes } from 'node:crypto';
import { IncomingLine, LineFilter, LogSegmentStore } from '../src/log-lines/store/log-segment-store';

const DAY = 24 * 3600 * 1000;

function line(seq: number, timestampMs: number, text = `line ${seq}`): IncomingLine {
  return {
    seq,
    timestampMs,
    stream: 'stdout',
    stage: null,
    instance: null,
    level: null,
    display: 'normal',
    text,
  };
}

// The segment store against a real FerretDB (or MONGO_URL): what the logs service keeps, and how it reads it.
describe('log segment store', () => {
  let database: StartedDatabase;
  let client: MongoClient;

  beforeAll(async () => {
    database = await startDatabase();
    client = await MongoClient.connect(database.url, { directConnection: true });
  }, 60_000);

  afterAll(async () => {
    await client?.close();
    await database?.stop();
  });

  function freshDb() {
    return client.db(`logs_store_${randomBytes(4).toString('hex')}`);
  }

  async function all(store: LogSegmentStore, filter: Omit<LineFilter, 'limit' | 'after'>, limit = 7) {
    const seqs: number[] = [];
    let after: LineFilter['after'];
    for (let pages = 0; pages < 1000; pages += 1) {
      const page = await store.query({ ...filter, limit, ...(after ? { after } : {}) });
      seqs.push(...page.items.map((item) => item.seq));
      if (!page.hasMore) return seqs;
      after = page.items[page.items.length - 1];
    }
    throw new Error('too many pages');
  }

  async function segmentCollections(db: ReturnType<typeof freshDb>): Promise<string[]> {
    return (await db.listCollections().toArray())
      .map((collection) => collection.name)
      .filter((name) => name.startsWith('log_segment_'));
  }

  it('rolls over into new segments, reloads them, and stays idempotent across a restart', async () => {
    const db = freshDb();
    const options = { segmentLines: 100, maxAgeDays: 7, cacheLines: 1_000 };
    const store = new LogSegmentStore(db, options);
    await store.load();
    const context = { appId: 'app-1', deploymentId: 'dep-1', source: 'runtime' as const, traceId: null };
    const base = Date.now() - 60_000;
    for (let first = 1; first <= 1000; first += 50) {
      const lines = Array.from({ length: 50 }, (_, index) => line(first + index, base + first + index));
      expect(await store.appendLines(context, lines)).toBe(50);
    }
    expect((await segmentCollections(db)).length).toBe(10);

    const reloaded = new LogSegmentStore(db, options);
    await reloaded.load();
    const newest = await reloaded.query({ appId: 'app-1', order: 'desc', limit: 3 });
    expect(newest.items.map((item) => item.seq)).toEqual([1000, 999, 998]);
    expect(newest.hasMore).toBe(true);
    // A batch delivered again after the restart adds nothing; one that overlaps adds only its new lines.
    expect(await reloaded.appendLines(context, [line(951, base + 951), line(952, base + 952)])).toBe(0);
    expect(await reloaded.appendLines(context, [line(1000, base + 1000), line(1001, base + 1001)])).toBe(1);
    expect(await reloaded.countLines('app-1')).toBe(1001);
    expect(await all(reloaded, { appId: 'app-1', order: 'asc' }, 97)).toEqual(
      Array.from({ length: 1001 }, (_, index) => index + 1),
    );
  });

  it('reads in time order across segments even when an older batch arrives late', async () => {
    const store = new LogSegmentStore(freshDb(), { segmentLines: 10, maxAgeDays: 7, cacheLines: 0 });
    await store.load();
    const base = Date.now() - 60_000;
    const build = { appId: 'app-2', deploymentId: 'dep-a', source: 'build' as const, traceId: null };
    const runtime = { appId: 'app-2', deploymentId: 'dep-b', source: 'runtime' as const, traceId: null };
    // Runtime lines at even milliseconds first, then the build's lines at odd milliseconds, arriving late.
    for (let seq = 1; seq <= 30; seq += 1) await store.appendLines(runtime, [line(seq, base + seq * 2)]);
    for (let seq = 1; seq <= 30; seq += 5) {
      await store.appendLines(
        build,
        Array.from({ length: 5 }, (_, index) => line(seq + index, base + (seq + index) * 2 - 1)),
      );
    }
    const expectedTimes = Array.from({ length: 60 }, (_, index) => base + index + 1);
    const ascending: number[] = [];
    let after: LineFilter['after'];
    for (;;) {
      const page = await store.query({ appId: 'app-2', order: 'asc', limit: 8, ...(after ? { after } : {}) });
      ascending.push(...page.items.map((item) => item.timestampMs));
      if (!page.hasMore) break;
      after = page.items[page.items.length - 1];
    }
    expect(ascending).toEqual(expectedTimes);
    const newestBuild = await store.query({ appId: 'app-2', order: 'desc', limit: 4, source: 'build' });
    expect(newestBuild.items.map((item) => item.seq)).toEqual([30, 29, 28, 27]);
    expect(
      await all(store, { appId: 'app-2', order: 'desc', deploymentId: 'dep-b', text: 'LINE 1' }),
    ).toEqual([19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 1]);
  });

  it('stops serving lines past the age limit and drops segments that hold nothing newer', async () => {
    const db = freshDb();
    const now = Date.now();
    const store = new LogSegmentStore(db, {
      segmentLines: 2,
      maxAgeDays: 7,
      cacheLines: 100,
      now: () => now,
    });
    await store.load();
    const context = { appId: 'app-3', deploymentId: 'dep', source: 'build' as const, traceId: null };
    await store.appendLines(context, [line(1, now - 10 * DAY), line(2, now - 8 * DAY)]);
    await store.appendLines(context, [line(3, now - 6 * DAY), line(4, now - 1000)]);
    await store.appendLines(context, [line(5, now - 500)]);
    expect((await segmentCollections(db)).length).toBe(3);

    const result = await store.enforceRetention({ maxLinesPerApp: 100_000 });
    expect(result.removedByAge).toBe(2);
    expect(result.segmentsDropped).toBe(1);
    expect(await all(store, { appId: 'app-3', order: 'asc' })).toEqual([3, 4, 5]);
    expect((await segmentCollections(db)).length).toBe(2);
  });

  it("hides an app's oldest lines beyond its limit exactly, ties broken by seq, and leaves other apps alone", async () => {
    const db = freshDb();
    const store = new LogSegmentStore(db, { segmentLines: 5, maxAgeDays: 7, cacheLines: 100 });
    await store.load();
    const at = Date.now() - 5000;
    const crowded = { appId: 'crowded', deploymentId: 'dep', source: 'build' as const, traceId: null };
    const quiet = { appId: 'quiet', deploymentId: 'dep', source: 'build' as const, traceId: null };
    for (let seq = 1; seq <= 30; seq += 1)
      await store.appendLines(crowded, [line(seq, seq <= 20 ? at : at + seq)]);
    await store.appendLines(
      quiet,
      Array.from({ length: 5 }, (_, index) => line(index + 1, at)),
    );

    expect((await store.enforceRetention({ maxLinesPerApp: 2600 })).removedByCount).toBe(0);
    const limited = await store.enforceRetention({ maxLinesPerApp: 12 });
    expect(limited.removedByCount).toBe(18);
    expect(limited.segmentsDropped).toBeGreaterThanOrEqual(2);
    expect(await all(store, { appId: 'crowded', order: 'asc' })).toEqual(
      Array.from({ length: 12 }, (_, index) => index + 19),
    );
    expect(await store.countLines('quiet')).toBe(5);
    // The floor survives a restart.
    const reloaded = new LogSegmentStore(db, { segmentLines: 5, maxAgeDays: 7, cacheLines: 100 });
    await reloaded.load();
    expect(await reloaded.countLines('crowded')).toBe(12);
    expect((await reloaded.enforceRetention({ maxLinesPerApp: 12 })).removedByCount).toBe(0);
  });

  it('forgets a deleted app entirely, and stores an event line once', async () => {
    const db = freshDb();
    const store = new LogSegmentStore(db, { segmentLines: 3, maxAgeDays: 7, cacheLines: 100 });
    await store.load();
    const context = { appId: 'gone', deploymentId: null, traceId: null };
    expect(await store.appendEventLine(context, 'msg-1', line(0, Date.now(), 'App gone created'))).toBe(true);
    expect(await store.appendEventLine(context, 'msg-1', line(0, Date.now(), 'App gone created'))).toBe(
      false,
    );
    await store.appendLines(
      { appId: 'gone', deploymentId: 'dep', source: 'runtime', traceId: null },
      Array.from({ length: 7 }, (_, index) => line(index + 1, Date.now())),
    );
    expect(await store.countLines('gone')).toBe(8);
    expect(await store.removeApp('gone')).toBe(8);
    expect(await segmentCollections(db)).toEqual([]);
    expect(await store.countLines('gone')).toBe(0);
    const reloaded = new LogSegmentStore(db, { segmentLines: 3, maxAgeDays: 7, cacheLines: 100 });
    await reloaded.load();
    expect(await reloaded.countLines('gone')).toBe(0);
  });
});

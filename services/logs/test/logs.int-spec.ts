import {
  AppDto,
  LogBatchEvent,
  LogLineEntry,
  LogPageDto,
  LogsQueryRequest,
  logSubject,
  QuerySubjects,
} from '@slipway/contracts';
import { nestRpcRequest, Platform, SignedInUser, signUp, startPlatform, waitFor } from '@slipway/testing';
import { connect, JSONCodec, NatsConnection } from 'nats';
import { randomBytes } from 'node:crypto';

const codec = JSONCodec<LogBatchEvent>();
/** Line n of a test batch is stamped BASE_TIME + n ms, so the order across batches is known. */
const BASE_TIME = Date.now() - 60_000;

function uniqueId(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

// The logs service as it runs: batches published to JetStream the way the builder does, read back over
// rpc.logs.query and through the gateway, with real NATS, FerretDB and service processes.
describe('logs service', () => {
  let platform: Platform;
  let nats: NatsConnection;

  beforeAll(async () => {
    platform = await startPlatform({ services: ['gateway', 'apps', 'logs'] });
    nats = await connect({ servers: platform.nats.url });
  }, 180_000);

  afterAll(async () => {
    await nats?.close();
    await platform?.stop();
  }, 60_000);

  function batch(
    appId: string,
    deploymentId: string,
    firstSeq: number,
    texts: string[],
    options: { timestamp?: string; stream?: 'stdout' | 'stderr' } = {},
  ): LogBatchEvent {
    const entries: LogLineEntry[] = texts.map((text, index) => ({
      seq: firstSeq + index,
      stream: options.stream ?? 'stdout',
      stage: 'build',
      timestamp: options.timestamp ?? new Date(BASE_TIME + firstSeq + index).toISOString(),
      text,
    }));
    return { appId, deploymentId, source: 'build', lines: entries };
  }

  /** Publishes as the builder does: JetStream, message id `<deploymentId>:build:<firstSeq>`. */
  async function publish(event: LogBatchEvent, messageId?: string): Promise<void> {
    await nats
      .jetstream()
      .publish(logSubject(event.appId, event.deploymentId, event.source), codec.encode(event), {
        msgID: messageId ?? `${event.deploymentId}:build:${event.lines[0]?.seq}`,
      });
  }

  function query(request: LogsQueryRequest): Promise<LogPageDto> {
    return nestRpcRequest<LogPageDto>(platform.nats.url, QuerySubjects.LogsQuery, request);
  }

  /** How many stored lines a query sees: every page, counted. */
  async function storedCount(request: LogsQueryRequest): Promise<number> {
    let count = 0;
    let cursor: string | undefined;
    for (;;) {
      const page = await query({ ...request, limit: 1000, ...(cursor ? { cursor } : {}) });
      count += page.items.length;
      if (!page.nextCursor) return count;
      cursor = page.nextCursor;
    }
  }

  async function waitForStored(request: LogsQueryRequest, count: number, timeoutMs = 30_000) {
    await waitFor(async () => (await storedCount(request)) >= count, {
      timeoutMs,
      intervalMs: 100,
      description: `${count} stored lines matching ${JSON.stringify(request)}`,
    });
  }

  async function allSeqs(request: LogsQueryRequest): Promise<number[]> {
    const seqs: number[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 100; pages += 1) {
      const page = await query({ ...request, ...(cursor ? { cursor } : {}) });
      seqs.push(...page.items.map((line) => line.seq));
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    return seqs;
  }

  const buildOutput = [
    'Step 1/3 : FROM node:22-alpine',
    ' ---> 9f8e7d6c5b4a',
    'Step 2/3 : RUN npm ci',
    ' ---> Running in 1a2b3c4d5e6f',
    '\u001b[33mnpm WARN\u001b[39m deprecated inflight@1.0.6',
    'npm ERR! code ELIFECYCLE',
    'Removing intermediate container 1a2b3c4d5e6f',
    'Step 3/3 : CMD ["node", "server.js"]',
    'Successfully built 0123456789ab',
    'Found a.b in the Cache',
  ];

  it('stores build batches with level and display, and filters them by level, text, deployment and time', async () => {
    const appId = uniqueId('app');
    const deploymentId = uniqueId('dep');
    const other = uniqueId('dep');
    await publish(batch(appId, deploymentId, 1, buildOutput.slice(0, 5)));
    await publish(batch(appId, deploymentId, 6, buildOutput.slice(5)));
    await publish(batch(appId, other, 1, ['other deployment ERROR']));
    await waitForStored({ appId }, buildOutput.length + 1);

    const page = await query({ appId, deploymentId });
    expect(page.nextCursor).toBeNull();
    expect(page.items.map((line) => line.seq)).toEqual(buildOutput.map((_, index) => index + 1));
    expect(page.items.map((line) => line.display)).toEqual([
      'step',
      'noise',
      'step',
      'noise',
      'normal',
      'normal',
      'noise',
      'step',
      'noise',
      'normal',
    ]);
    expect(page.items[4]).toMatchObject({
      text: '\u001b[33mnpm WARN\u001b[39m deprecated inflight@1.0.6',
      level: 'warn',
      stage: 'build',
      instance: null,
      source: 'build',
    });

    const errors = await query({ appId, level: 'error' });
    expect(errors.items.map((line) => line.text)).toEqual([
      'other deployment ERROR', // seq 1 of the other deployment: earlier
      'npm ERR! code ELIFECYCLE',
    ]);

    // Case-insensitive, and the dot is a dot, not a regex wildcard; colour codes are not searched.
    expect((await query({ appId, text: 'A.B IN THE' })).items.map((line) => line.seq)).toEqual([10]);
    expect((await query({ appId, text: 'aXb' })).items).toEqual([]);
    expect((await query({ appId, text: 'WARN deprecated' })).items.map((line) => line.seq)).toEqual([5]);

    const third = page.items[2]!.timestamp;
    const sixth = page.items[5]!.timestamp;
    const range = await query({ appId, deploymentId, from: third, to: sixth });
    expect(range.items.map((line) => line.seq)).toEqual([3, 4, 5]);

    const newestFirst = await query({ appId, deploymentId, order: 'desc', limit: 3 });
    expect(newestFirst.items.map((line) => line.seq)).toEqual([10, 9, 8]);
    expect(newestFirst.nextCursor).toEqual(expect.any(String));
  });

  it('pages through 2,500 lines sharing one timestamp: every seq exactly once, in order, both ways', async () => {
    const appId = uniqueId('app');
    const deploymentId = uniqueId('dep');
    const timestamp = new Date(Date.now() - 30_000).toISOString();
    const total = 2500;
    const started = Date.now();
    for (let first = 1; first <= total; first += 200) {
      const count = Math.min(200, total - first + 1);
      const texts = Array.from({ length: count }, (_, index) => `line ${first + index}`);
      await publish(batch(appId, deploymentId, first, texts, { timestamp }));
    }
    await waitForStored({ appId }, total, 60_000);
    const elapsedMs = Date.now() - started;
    console.log(
      `ingested ${total} lines in ${elapsedMs} ms: ${Math.round((total / elapsedMs) * 1000)} lines/s`,
    );

    const expected = Array.from({ length: total }, (_, index) => index + 1);
    expect(await allSeqs({ appId, limit: 333 })).toEqual(expected);
    expect(await allSeqs({ appId, limit: 1000, order: 'desc' })).toEqual([...expected].reverse());
  }, 120_000);

  it('stores a batch published twice under different message ids only once', async () => {
    const appId = uniqueId('app');
    const deploymentId = uniqueId('dep');
    const event = batch(appId, deploymentId, 1, ['one', 'two', 'three']);
    await publish(event, 'first-id');
    await publish(event, 'second-id');
    // A partly overlapping batch adds only its new lines.
    await publish(batch(appId, deploymentId, 3, ['three', 'four']));
    await waitForStored({ appId }, 4);
    // Give a wrongly stored duplicate time to show up.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await storedCount({ appId })).toBe(4);
    expect((await query({ appId })).items.map((line) => line.text)).toEqual(['one', 'two', 'three', 'four']);
  });

  it('loses no line published while the logs service is down', async () => {
    const appId = uniqueId('app');
    const deploymentId = uniqueId('dep');
    await platform.stopService('logs');
    for (let first = 1; first <= 1000; first += 200) {
      await publish(
        batch(
          appId,
          deploymentId,
          first,
          Array.from({ length: 200 }, (_, i) => `l${first + i}`),
        ),
      );
    }
    await platform.startService('logs');
    await waitForStored({ appId }, 1000);
    expect(await allSeqs({ appId, limit: 1000 })).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
  }, 120_000);

  describe('through the gateway', () => {
    let app: AppDto;
    let user: SignedInUser;

    beforeAll(async () => {
      user = await signUp(platform.gatewayUrl);
      const response = await fetch(`${platform.gatewayUrl}/api/v1/apps`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...user.headers },
        body: JSON.stringify({ name: uniqueId('logs'), image: 'nginx:1.27' }),
      });
      expect(response.status).toBe(201);
      app = (await response.json()) as AppDto;
      const deploymentId = uniqueId('dep');
      await publish(batch(app.id, deploymentId, 1, buildOutput));
      await waitForStored({ appId: app.id, source: 'build' }, buildOutput.length);
      await waitForStored({ appId: app.id, source: 'system' }, 1);
    });

    const logsUrl = (query: string) => `${platform.gatewayUrl}/api/v1/apps/${app.id}/logs?${query}`;

    it('filters lines and pages with the cursor it returns', async () => {
      const errors = (await (
        await fetch(logsUrl('level=error'), { headers: user.headers })
      ).json()) as LogPageDto;
      expect(errors.items.map((line) => line.text)).toEqual(['npm ERR! code ELIFECYCLE']);

      const first = (await (
        await fetch(logsUrl('source=build&limit=4'), { headers: user.headers })
      ).json()) as LogPageDto;
      expect(first.items.map((line) => line.seq)).toEqual([1, 2, 3, 4]);
      const second = (await (
        await fetch(logsUrl(`source=build&limit=4&cursor=${encodeURIComponent(first.nextCursor ?? '')}`), {
          headers: user.headers,
        })
      ).json()) as LogPageDto;
      expect(second.items.map((line) => line.seq)).toEqual([5, 6, 7, 8]);

      const system = (await (
        await fetch(logsUrl('source=system'), { headers: user.headers })
      ).json()) as LogPageDto;
      expect(system.items).toEqual([
        expect.objectContaining({ text: `App ${app.name} created`, seq: 0, level: 'info' }),
      ]);
    });

    it.each([
      ['order=sideways', 'order must be one of asc, desc'],
      ['limit=0', 'limit must not be less than 1'],
      ['from=yesterday', 'from must be an ISO 8601 date-time'],
      ['from=2025-02-01T00:00:00Z&to=2025-01-01T00:00:00Z', 'from must not be after to'],
      [
        'cursor=c1.bm9wZQ.AAAAAAAAAAAA',
        'cursor is not valid: pass back the nextCursor of a previous page unchanged',
      ],
      ['colour=red', 'property colour should not exist'],
    ])('answers ?%s with 400 problem+json saying %j', async (query, detail) => {
      const response = await fetch(logsUrl(query), { headers: user.headers });
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(((await response.json()) as { detail: string }).detail).toBe(detail);
    });

    it('answers 404 for an unknown app', async () => {
      const response = await fetch(`${platform.gatewayUrl}/api/v1/apps/000000000000000000000000/logs`, {
        headers: user.headers,
      });
      expect(response.status).toBe(404);
    });

    it('downloads the lines as plain text, one per line, colour codes removed', async () => {
      const response = await fetch(logsUrl('format=text&source=build'), { headers: user.headers });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/plain');
      expect(response.headers.get('content-disposition')).toBe(`attachment; filename="${app.name}-logs.txt"`);
      const body = await response.text();
      const rows = body.trimEnd().split('\n');
      expect(rows).toHaveLength(buildOutput.length);
      expect(rows[4]).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z build\/build npm WARN deprecated inflight@1\.0\.6$/);
      expect(body).not.toContain('\u001b');
    });
  });
});

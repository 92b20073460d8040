import {
  AppDto,
  BuildProgressedEvent,
  DeploymentTransitionedEvent,
  EventSubjects,
  LogBatchEvent,
  LogPageDto,
  logSubject,
  QuerySubjects,
  ReleaseProgressedEvent,
} from '@slipway/contracts';
import { nestRpcRequest, Platform, SignedInUser, signUp, startPlatform, waitFor } from '@slipway/testing';
import { connect, JSONCodec, NatsConnection } from 'nats';
import { randomBytes } from 'node:crypto';

const codec = JSONCodec();

function uniqueId(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

interface SseEvent {
  id?: string;
  event: string;
  data: string;
  receivedAt: number;
}

interface LineData {
  seq: number;
  deploymentId: string;
  source: string;
  stream: string;
  stage: string | null;
  timestamp: string;
  text: string;
}

/** Reads Server-Sent Events from a fetch body: blocks separated by a blank line, comments skipped. */
class SseReader {
  private readonly decoder = new TextDecoder();
  private buffer = '';
  private readonly events: SseEvent[] = [];

  constructor(private readonly reader: ReadableStreamDefaultReader<Uint8Array>) {}

  async next(timeoutMs = 15_000): Promise<SseEvent> {
    const deadline = Date.now() + timeoutMs;
    while (this.events.length === 0) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error('no SSE event in time')),
          Math.max(1, deadline - Date.now()),
        );
      });
      const chunk = await Promise.race([this.reader.read(), timeout]).finally(() => clearTimeout(timer));
      if (chunk.done) throw new Error('the event stream ended');
      this.parse(this.decoder.decode(chunk.value, { stream: true }));
    }
    return this.events.shift() as SseEvent;
  }

  /** Events up to and including the first `line` with seq `lastSeq`. */
  async readThroughSeq(lastSeq: number, timeoutMs = 30_000): Promise<SseEvent[]> {
    const deadline = Date.now() + timeoutMs;
    const events: SseEvent[] = [];
    for (;;) {
      const event = await this.next(Math.max(1, deadline - Date.now()));
      events.push(event);
      if (event.event === 'line' && (JSON.parse(event.data) as LineData).seq === lastSeq) return events;
    }
  }

  private parse(text: string): void {
    this.buffer += text;
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      const event: SseEvent = { event: 'message', data: '', receivedAt: Date.now() };
      let hasData = false;
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'id') event.id = value;
        if (field === 'event') event.event = value;
        if (field === 'data') {
          event.data = hasData ? `${event.data}\n${value}` : value;
          hasData = true;
        }
      }
      if (hasData) this.events.push(event);
    }
  }
}

const linesOf = (events: SseEvent[]): LineData[] =>
  events.filter((event) => event.event === 'line').map((event) => JSON.parse(event.data) as LineData);

const range = (from: number, to: number): number[] =>
  Array.from({ length: to - from + 1 }, (_, index) => from + index);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? NaN;
}

// The live tail as a browser sees it: real gateway, apps and logs processes, batches published to JetStream
// the way the builder does, the event stream read with fetch.
describe('live log tail (SSE)', () => {
  let platform: Platform;
  let user: SignedInUser;
  let nats: NatsConnection;
  const open: AbortController[] = [];

  beforeAll(async () => {
    platform = await startPlatform({ services: ['gateway', 'apps', 'logs'] });
    user = await signUp(platform.gatewayUrl);
    nats = await connect({ servers: platform.nats.url });
  }, 180_000);

  afterEach(() => {
    for (const controller of open.splice(0)) controller.abort();
  });

  afterAll(async () => {
    await nats?.close();
    await platform?.stop();
  }, 60_000);

  async function createApp(): Promise<AppDto> {
    const response = await fetch(`${platform.gatewayUrl}/api/v1/apps`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...user.headers },
      body: JSON.stringify({ name: uniqueId('tail'), image: 'nginx:1' }),
    });
    expect(response.status).toBe(201);
    return (await response.json()) as AppDto;
  }

  /** Publishes seq from..to as the builder does: batches on JetStream, message id `<dep>:build:<firstSeq>`. */
  async function publishLines(
    appId: string,
    deploymentId: string,
    from: number,
    to: number,
    options: { batchSize?: number; text?: (seq: number) => string } = {},
  ): Promise<void> {
    const batchSize = options.batchSize ?? 50;
    for (let first = from; first <= to; first += batchSize) {
      const event: LogBatchEvent = {
        appId,
        deploymentId,
        source: 'build',
        lines: range(first, Math.min(to, first + batchSize - 1)).map((seq) => ({
          seq,
          stream: 'stdout',
          stage: 'build',
          timestamp: new Date().toISOString(),
          text: options.text?.(seq) ?? `line ${seq}`,
        })),
      };
      await nats.jetstream().publish(logSubject(appId, deploymentId, 'build'), codec.encode(event), {
        msgID: `${deploymentId}:build:${first}`,
      });
    }
  }

  async function waitForStored(appId: string, deploymentId: string, count: number): Promise<void> {
    await waitFor(
      async () => {
        const page = await nestRpcRequest<LogPageDto>(platform.nats.url, QuerySubjects.LogsQuery, {
          appId,
          deploymentId,
          order: 'desc',
          limit: 1000,
        });
        return page.items.length >= count;
      },
      { timeoutMs: 30_000, intervalMs: 50, description: `${count} stored lines of ${deploymentId}` },
    );
  }

  /** Waits until NATS has handed the gateway every message, then a moment for the gateway to take them. */
  async function gatewayHasEverything(): Promise<void> {
    await waitFor(
      async () => {
        const connz = (await (await fetch(`${platform.nats.monitorUrl}/connz`)).json()) as {
          connections: Array<{ name?: string; pending_bytes: number }>;
        };
        const gateway = connz.connections.filter((connection) => connection.name === 'slipway-gateway');
        return gateway.length > 0 && gateway.every((connection) => connection.pending_bytes === 0);
      },
      { timeoutMs: 30_000, intervalMs: 100, description: 'NATS has nothing pending for the gateway' },
    );
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }

  async function openTail(
    appId: string,
    query: Record<string, string>,
    headers: Record<string, string> = {},
  ): Promise<{ response: Response; events: SseReader; controller: AbortController }> {
    const controller = new AbortController();
    open.push(controller);
    const url = `${platform.gatewayUrl}/api/v1/apps/${appId}/logs/live?${new URLSearchParams(query)}`;
    const response = await fetch(url, {
      headers: { Accept: 'text/event-stream', ...user.headers, ...headers },
      signal: controller.signal,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = new SseReader((response.body as ReadableStream<Uint8Array>).getReader());
    return { response, events, controller };
  }

  it('replays stored lines, then sends live ones in seq order, each exactly once', async () => {
    const app = await createApp();
    const deploymentId = uniqueId('dep');
    await publishLines(app.id, deploymentId, 1, 300);
    await waitForStored(app.id, deploymentId, 300);

    const { events } = await openTail(app.id, { deploymentId, source: 'build' });
    // Published while the replay runs: some reach the replay through the store, all reach the subscription.
    const publishing = publishLines(app.id, deploymentId, 301, 600, { batchSize: 20 });
    const received = await events.readThroughSeq(600);
    await publishing;

    const lines = linesOf(received);
    expect(lines.map((line) => line.seq)).toEqual(range(1, 600));
    expect(received.filter((event) => event.event === 'line').map((event) => event.id)).toEqual(
      range(1, 600).map(String),
    );
    expect(lines[0]).toEqual({
      seq: 1,
      deploymentId,
      source: 'build',
      stream: 'stdout',
      stage: 'build',
      timestamp: expect.any(String),
      text: 'line 1',
    });
  });

  it('sends live lines promptly (prints publish-to-receipt latency at ~1,000 lines/s)', async () => {
    const app = await createApp();
    const deploymentId = uniqueId('dep');
    const { events } = await openTail(app.id, { deploymentId });
    const total = 500;
    const publishing = (async () => {
      for (let first = 1; first <= total; first += 10) {
        const started = Date.now();
        await publishLines(app.id, deploymentId, first, first + 9, { batchSize: 10 });
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, 10 - (Date.now() - started))));
      }
    })();
    const received = await events.readThroughSeq(total);
    await publishing;

    const lineEvents = received.filter((event) => event.event === 'line');
    expect(linesOf(lineEvents).map((line) => line.seq)).toEqual(range(1, total));
    const latencyOf = (event: SseEvent): number =>
      event.receivedAt - Date.parse((JSON.parse(event.data) as LineData).timestamp);
    const summary = (events: SseEvent[]): string => {
      const sorted = events.map(latencyOf).sort((a, b) => a - b);
      return `p50 ${percentile(sorted, 50)} ms, p99 ${percentile(sorted, 99)} ms, max ${sorted.at(-1)} ms`;
    };
    // The first lines wait in the live buffer until the (empty) replay query has answered.
    console.log(
      `live tail latency, JetStream publish → SSE client, ${total} lines at ~1,000/s: ${summary(lineEvents)}; ` +
        `after the first 100 lines: ${summary(lineEvents.slice(100))}`,
    );
  });

  it('resumes after a dropped connection from Last-Event-ID without gaps or duplicates', async () => {
    const app = await createApp();
    const deploymentId = uniqueId('dep');
    await publishLines(app.id, deploymentId, 1, 100);
    await waitForStored(app.id, deploymentId, 100);

    const first = await openTail(app.id, { deploymentId, source: 'build' });
    const firstLines = linesOf(await first.events.readThroughSeq(40));
    first.controller.abort();
    expect(firstLines.map((line) => line.seq)).toEqual(range(1, 40));

    await publishLines(app.id, deploymentId, 101, 200);
    await waitForStored(app.id, deploymentId, 200);

    const second = await openTail(app.id, { deploymentId, source: 'build' }, { 'Last-Event-ID': '40' });
    const publishing = publishLines(app.id, deploymentId, 201, 250, { batchSize: 10 });
    const resumed = linesOf(await second.events.readThroughSeq(250));
    await publishing;
    expect(resumed.map((line) => line.seq)).toEqual(range(41, 250));
  });

  it('drops the oldest lines of a client that stops reading and reports them as skipped', async () => {
    const app = await createApp();
    const deploymentId = uniqueId('dep');
    const maxPending = 50;
    const { events } = await openTail(app.id, { deploymentId, maxPending: String(maxPending) });

    // ~24 MB: several times what the kernel's socket buffers hold, so the gateway's writes stop being
    // accepted and most of the backlog has to be dropped rather than kept.
    const total = 3000;
    const padding = 'x'.repeat(8 * 1024);
    await publishLines(app.id, deploymentId, 1, total, { batchSize: 50, text: (seq) => `${seq} ${padding}` });
    await gatewayHasEverything();

    const received = await events.readThroughSeq(total, 60_000);
    // In the order received, lines and skipped ranges together count 1..total: every line arrived or was
    // reported exactly once, and each report sits where its lines would have been.
    const covered: number[] = [];
    const skipped: Array<{ from: number; to: number; count: number }> = [];
    for (const event of received) {
      if (event.event === 'line') covered.push((JSON.parse(event.data) as LineData).seq);
      if (event.event === 'skipped') {
        const gap = JSON.parse(event.data) as {
          deploymentId: string;
          from: number;
          to: number;
          count: number;
        };
        expect(gap).toMatchObject({ deploymentId, source: 'build', count: gap.to - gap.from + 1 });
        skipped.push(gap);
        covered.push(...range(gap.from, gap.to));
      }
    }
    expect(covered).toEqual(range(1, total));
    const skippedCount = skipped.reduce((sum, gap) => sum + gap.count, 0);
    // The backlog was dropped, not held: most lines come back as ranges to query, not as lines.
    expect(skipped.length).toBeGreaterThan(0);
    expect(skippedCount).toBeGreaterThan(total / 2);
    console.log(
      `back-pressure (maxPending ${maxPending}): ${total - skippedCount} of ${total} lines delivered, ` +
        `${skippedCount} skipped (${skipped.map((gap) => `${gap.from}-${gap.to}`).join(', ')})`,
    );
  });

  it('forwards build progress of the followed deployment only', async () => {
    const app = await createApp();
    const deploymentId = uniqueId('dep');
    const { events } = await openTail(app.id, { deploymentId });

    const progress = (forDeployment: string, percent: number): BuildProgressedEvent => ({
      deploymentId: forDeployment,
      appId: app.id,
      stage: 'install',
      percent,
      occurredAt: new Date().toISOString(),
    });
    const js = nats.jetstream();
    await js.publish(EventSubjects.BuildProgressed, codec.encode(progress(uniqueId('other'), 10)));
    await js.publish(EventSubjects.BuildProgressed, codec.encode(progress(deploymentId, 40)));

    const event = await events.next();
    expect(event.event).toBe('progress');
    expect(JSON.parse(event.data)).toMatchObject({
      deploymentId,
      appId: app.id,
      stage: 'install',
      percent: 40,
    });
  });

  it('forwards release progress and deployment status changes of the followed deployment', async () => {
    const app = await createApp();
    const deploymentId = uniqueId('dep');
    const { events } = await openTail(app.id, { deploymentId });
    const js = nats.jetstream();
    const release: ReleaseProgressedEvent = {
      releaseId: uniqueId('rel'),
      deploymentId,
      appId: app.id,
      stage: 'health-check',
      message: 'instance 1 of 1 passed its health check',
      occurredAt: new Date().toISOString(),
    };
    const status = (forDeployment: string): DeploymentTransitionedEvent => ({
      deploymentId: forDeployment,
      appId: app.id,
      appName: app.name,
      sequence: 4,
      from: 'releasing',
      to: 'running',
      reason: 'release is live',
      occurredAt: new Date().toISOString(),
    });
    await js.publish(EventSubjects.DeploymentTransitioned, codec.encode(status(uniqueId('other'))));
    await js.publish(EventSubjects.ReleaseProgressed, codec.encode(release));
    await js.publish(EventSubjects.DeploymentTransitioned, codec.encode(status(deploymentId)));

    const first = await events.next();
    expect(first.event).toBe('release');
    expect(JSON.parse(first.data)).toMatchObject({ deploymentId, stage: 'health-check' });
    const second = await events.next();
    expect(second.event).toBe('status');
    expect(JSON.parse(second.data)).toMatchObject({ deploymentId, from: 'releasing', to: 'running' });
  });

  it('answers 404 problem+json for an unknown app and 400 for bad parameters', async () => {
    const unknown = await fetch(`${platform.gatewayUrl}/api/v1/apps/0123456789abcdef01234567/logs/live`, {
      headers: user.headers,
    });
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toMatch(/^application\/problem\+json/);

    const app = await createApp();
    const base = `${platform.gatewayUrl}/api/v1/apps/${app.id}/logs/live`;
    for (const [query, headers] of [
      ['?source=nope', {}],
      ['?deploymentId=a.b', {}],
      ['?after=-1', {}],
      ['?maxPending=100000', {}],
      ['', { 'Last-Event-ID': 'abc' }],
    ] as const) {
      const response = await fetch(`${base}${query}`, { headers: { ...user.headers, ...headers } });
      expect({ query, status: response.status }).toEqual({ query, status: 400 });
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }
  });

  it('removes its NATS subscriptions when the client disconnects', async () => {
    const app = await createApp();
    const subject = `logs.${app.id}.*.*`;
    const subscribed = async (): Promise<boolean> => {
      const connz = (await (await fetch(`${platform.nats.monitorUrl}/connz?subs=1`)).json()) as {
        connections: Array<{ subscriptions_list?: string[] }>;
      };
      return connz.connections.some((connection) => connection.subscriptions_list?.includes(subject));
    };

    const { controller } = await openTail(app.id, {});
    await waitFor(subscribed, {
      timeoutMs: 5_000,
      intervalMs: 50,
      description: `a subscription to ${subject}`,
    });
    controller.abort();
    await waitFor(async () => !(await subscribed()), {
      timeoutMs: 5_000,
      intervalMs: 50,
      description: `no subscription to ${subject}`,
    });
  });
});

import { Consumers, MessagingHealthDto, Streams } from '@slipway/contracts';
import { Platform, SignedInUser, signUp, startPlatform, waitFor } from '@slipway/testing';
import { connect, JSONCodec, NatsConnection } from 'nats';
import { randomBytes } from 'node:crypto';

const codec = JSONCodec<unknown>();

// The admin messaging dashboard reads the real JetStream the real gateway and logs service use.
describe('gateway: messaging health for administrators', () => {
  let platform: Platform;
  let nats: NatsConnection;
  let admin: SignedInUser;
  let user: SignedInUser;

  beforeAll(async () => {
    platform = await startPlatform({ services: ['gateway', 'logs'] });
    nats = await connect({ servers: platform.nats.url });
    admin = await signUp(platform.gatewayUrl);
    user = await signUp(platform.gatewayUrl);
  }, 180_000);

  afterAll(async () => {
    await nats?.close();
    await platform?.stop();
  }, 60_000);

  function messaging(headers: Record<string, string> = admin.headers): Promise<Response> {
    return fetch(`${platform.gatewayUrl}/api/v1/admin/messaging`, { headers });
  }

  async function snapshot(): Promise<MessagingHealthDto> {
    const response = await messaging();
    expect(response.status).toBe(200);
    return (await response.json()) as MessagingHealthDto;
  }

  it('lists the declared streams and the logs service consumers with their counts', async () => {
    expect(admin.role).toBe('admin');
    const health = await snapshot();

    expect(health.streams.map((stream) => stream.name).sort()).toEqual(
      [Streams.Events.name, Streams.Logs.name, Streams.Parked.name].sort(),
    );
    for (const stream of health.streams) {
      expect(stream.messages).toBeGreaterThanOrEqual(0);
      expect(stream.lastSeq).toBeGreaterThanOrEqual(stream.messages);
    }
    const logBatch = health.consumers.find(
      (consumer) => consumer.name === Consumers.LogsOnLogBatch.durableName,
    );
    expect(logBatch).toMatchObject({
      stream: Streams.Logs.name,
      filterSubject: 'logs.>',
      owner: 'logs',
      pending: 0,
      ackPending: 0,
    });
    expect(
      health.consumers.find((consumer) => consumer.name === Consumers.LogsOnAppCreated.durableName),
    ).toMatchObject({
      stream: Streams.Events.name,
      owner: 'logs',
    });
    expect(
      health.streams.find((stream) => stream.name === Streams.Logs.name)?.consumerCount,
    ).toBeGreaterThanOrEqual(1);
    // Only the gateway and logs run: the builder never created its consumer, so the queue is unknown.
    expect(health.buildQueue).toEqual({ pending: null });
  });

  it('shows an invalid log batch the logs service parked, with the validation reason', async () => {
    const appId = `app-${randomBytes(3).toString('hex')}`;
    const subject = `logs.${appId}.dep-1.build`;
    await nats
      .jetstream()
      .publish(subject, codec.encode({ appId, deploymentId: 'dep-1', source: 'build', lines: 'not a list' }));

    const parked = await waitFor(
      async () => (await snapshot()).parked.recent.find((message) => message.subject === subject),
      { timeoutMs: 20_000, intervalMs: 250, description: `${subject} to be parked` },
    );
    expect(parked).toMatchObject({ consumer: Consumers.LogsOnLogBatch.durableName });
    expect(parked.reason).toMatch(/invalid payload/);
    expect(parked.reason).toMatch(/lines/);
    expect(Date.parse(parked.parkedAt)).toBeGreaterThan(Date.now() - 60_000);
    const health = await snapshot();
    expect(health.parked.total).toBeGreaterThanOrEqual(1);
    expect(health.parked.recent[0]?.seq).toBe(
      health.streams.find((stream) => stream.name === Streams.Parked.name)?.lastSeq,
    );
  });

  it('lists only the 10 newest parked messages, newest first', async () => {
    const appId = `many-${randomBytes(3).toString('hex')}`;
    const subjects = Array.from({ length: 12 }, (_, index) => `logs.${appId}.dep-${index}.build`);
    // One after the other, so they are parked in this order (the consumer handles one at a time).
    for (const subject of subjects) {
      await nats.jetstream().publish(subject, codec.encode({ appId, source: 'build', lines: [] }));
    }
    const lastSubject = subjects[subjects.length - 1];
    const health = await waitFor(
      async () => {
        const current = await snapshot();
        return current.parked.recent[0]?.subject === lastSubject ? current : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 250, description: `${lastSubject} to be parked last` },
    );

    expect(health.parked.total).toBeGreaterThanOrEqual(13);
    expect(health.parked.recent.map((message) => message.subject)).toEqual(subjects.slice(2).reverse());
    const seqs = health.parked.recent.map((message) => message.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
    expect(health.parked.recent.every((message) => /deploymentId/.test(message.reason))).toBe(true);
  });

  it('refuses a signed-in user who is not an administrator (403) and an anonymous caller (401)', async () => {
    expect(user.role).toBe('user');
    const forbidden = await messaging(user.headers);
    expect(forbidden.status).toBe(403);
    expect(forbidden.headers.get('content-type')).toMatch(/application\/problem\+json/);

    const anonymous = await messaging({});
    expect(anonymous.status).toBe(401);
  });

  it('answers 503 with a problem+json explanation when NATS is down', async () => {
    await platform.nats.stop();
    const response = await waitFor(
      async () => {
        const candidate = await messaging();
        return candidate.status === 503 ? candidate : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 250, description: 'a 503 once NATS is gone' },
    );
    expect(response.headers.get('content-type')).toMatch(/application\/problem\+json/);
    const problem = (await response.json()) as { detail: string };
    expect(problem.detail).toMatch(/Messaging health is unavailable: .*NATS/);
  });
});

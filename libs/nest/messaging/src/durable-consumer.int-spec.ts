import { Test } from '@nestjs/testing';
import { AppCreatedEvent, ConsumerDeclaration, Streams } from '@slipway/contracts';
import { BaseServiceConfig, ServiceConfigModule } from '@slipway/nest-config';
import { TelemetryModule } from '@slipway/nest-telemetry';
import { startNats, StartedNats, waitFor } from '@slipway/testing';
import { INestApplicationContext } from '@nestjs/common';
import { connect, JSONCodec, NatsConnection } from 'nats';
import { randomBytes } from 'node:crypto';
import { DeliveryContext, DurableConsumers, ParkedMessage } from './durable-consumer';
import { EventPublisher } from './event-publisher';
import { MessagingModule } from './messaging.module';

// The consumer helper against a real NATS server with JetStream: retries, parking, de-duplication and
// the concurrency limit, as services rely on them.
describe('DurableConsumers with JetStream', () => {
  let nats: StartedNats;
  let observer: NatsConnection;

  beforeAll(async () => {
    nats = await startNats();
    observer = await connect({ servers: nats.url });
  });

  afterAll(async () => {
    await observer?.drain();
    await nats?.stop();
  });

  function declaration(overrides: Partial<ConsumerDeclaration> = {}): ConsumerDeclaration {
    const id = randomBytes(3).toString('hex');
    return {
      durableName: `test-${id}`,
      stream: Streams.Events.name,
      filterSubject: `app.test-${id}.v1`,
      owner: 'logs',
      maxDeliver: 3,
      backoffMs: [100, 200],
      ackWaitMs: 5000,
      concurrency: 2,
      ...overrides,
    };
  }

  async function startConsumer<T extends object>(
    consumer: ConsumerDeclaration,
    type: new () => T,
    handler: (payload: T, delivery: DeliveryContext) => Promise<void>,
  ): Promise<INestApplicationContext> {
    const config = Object.assign(new BaseServiceConfig(), { NATS_URL: nats.url });
    const moduleRef = await Test.createTestingModule({
      imports: [
        ServiceConfigModule.forRoot(BaseServiceConfig, config),
        TelemetryModule,
        MessagingModule.forService({ service: 'logs' }),
      ],
    }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    app.get(DurableConsumers).register(consumer, type, handler);
    await app.init();
    return app;
  }

  function event(name: string): AppCreatedEvent {
    return { appId: randomBytes(12).toString('hex'), name, occurredAt: new Date().toISOString() };
  }

  function watchParked(subject: string): ParkedMessage[] {
    const parked: ParkedMessage[] = [];
    const codec = JSONCodec<ParkedMessage>();
    observer.subscribe(`parked.${subject}`, {
      callback: (_error, message) => parked.push(codec.decode(message.data)),
    });
    return parked;
  }

  it('retries a failing handler with backoff and acks it once it succeeds', async () => {
    const consumer = declaration();
    const deliveries: Array<{ count: number; at: number }> = [];
    const app = await startConsumer(consumer, AppCreatedEvent, async (_payload, delivery) => {
      deliveries.push({ count: delivery.deliveryCount, at: Date.now() });
      if (delivery.deliveryCount < 3) throw new Error('database briefly unavailable');
    });
    try {
      await app.get(EventPublisher).publish(consumer.filterSubject, event('retry'), { messageId: 'retry-1' });
      await waitFor(() => deliveries.length === 3, { timeoutMs: 10_000, description: 'three deliveries' });
      expect(deliveries.map((delivery) => delivery.count)).toEqual([1, 2, 3]);
      expect((deliveries[1]?.at ?? 0) - (deliveries[0]?.at ?? 0)).toBeGreaterThanOrEqual(90);
      expect((deliveries[2]?.at ?? 0) - (deliveries[1]?.at ?? 0)).toBeGreaterThanOrEqual(190);
      const jsm = await observer.jetstreamManager();
      await waitFor(
        async () => (await jsm.consumers.info(consumer.stream, consumer.durableName)).num_ack_pending === 0,
        { timeoutMs: 5000, description: 'the message to be acknowledged' },
      );
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(deliveries).toHaveLength(3);
    } finally {
      await app.close();
    }
  });

  it('parks a message whose handler keeps failing, with the reason, and keeps consuming the rest', async () => {
    const consumer = declaration();
    const parked = watchParked(consumer.filterSubject);
    const handled: string[] = [];
    const app = await startConsumer(consumer, AppCreatedEvent, async (payload) => {
      if (payload.name === 'poison') throw new Error('cannot render template');
      handled.push(payload.name);
    });
    try {
      const publisher = app.get(EventPublisher);
      await publisher.publish(consumer.filterSubject, event('poison'), { messageId: 'poison-1' });
      await publisher.publish(consumer.filterSubject, event('healthy'), { messageId: 'healthy-1' });
      await waitFor(() => parked.length === 1 && handled.length === 1, {
        timeoutMs: 10_000,
        description: 'the poison message parked and the healthy one handled',
      });
      expect(handled).toEqual(['healthy']);
      expect(parked[0]).toMatchObject({
        consumer: consumer.durableName,
        subject: consumer.filterSubject,
        deliveryCount: 3,
        reason: 'handler failed 3 times: cannot render template',
        payload: expect.objectContaining({ name: 'poison' }),
      });
    } finally {
      await app.close();
    }
  });

  it('parks an invalid payload at once without calling the handler', async () => {
    const consumer = declaration();
    const parked = watchParked(consumer.filterSubject);
    const handled: unknown[] = [];
    const app = await startConsumer(consumer, AppCreatedEvent, async (payload) => {
      handled.push(payload);
    });
    try {
      const js = observer.jetstream();
      await js.publish(consumer.filterSubject, JSONCodec().encode({ appId: 42, occurredAt: 'yesterday' }));
      await waitFor(() => parked.length === 1, {
        timeoutMs: 10_000,
        description: 'the invalid message parked',
      });
      expect(parked[0]?.deliveryCount).toBe(1);
      expect(parked[0]?.reason).toMatch(/^invalid payload: .*appId must be a string.*name must be a string/);
      expect(handled).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it('delivers a message published twice with the same id only once', async () => {
    const consumer = declaration();
    const handled: string[] = [];
    const app = await startConsumer(consumer, AppCreatedEvent, async (payload) => {
      handled.push(payload.name);
    });
    try {
      const publisher = app.get(EventPublisher);
      const payload = event('once');
      const first = await publisher.publish(consumer.filterSubject, payload, { messageId: 'same-id' });
      const second = await publisher.publish(consumer.filterSubject, payload, { messageId: 'same-id' });
      expect(first.duplicate).toBe(false);
      expect(second.duplicate).toBe(true);
      await waitFor(() => handled.length === 1, { timeoutMs: 5000, description: 'one delivery' });
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(handled).toEqual(['once']);
    } finally {
      await app.close();
    }
  });

  it('never runs more handlers at once than the declared concurrency', async () => {
    const consumer = declaration({ concurrency: 2 });
    let running = 0;
    let peak = 0;
    let done = 0;
    const app = await startConsumer(consumer, AppCreatedEvent, async () => {
      running += 1;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, 50));
      running -= 1;
      done += 1;
    });
    try {
      const publisher = app.get(EventPublisher);
      for (let index = 0; index < 10; index += 1) {
        await publisher.publish(consumer.filterSubject, event(`n${index}`), { messageId: `c-${index}` });
      }
      await waitFor(() => done === 10, { timeoutMs: 10_000, description: 'all ten handled' });
      expect(peak).toBe(2);
    } finally {
      await app.close();
    }
  });
});

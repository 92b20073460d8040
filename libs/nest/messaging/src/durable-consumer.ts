import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import {
  ConsumerDeclaration,
  parkedSubjectFor,
  parsePayload,
  PayloadValidationError,
} from '@slipway/contracts';
import { extractTraceContext, MetricsRegistry, SpanKind, withSpan } from '@slipway/nest-telemetry';
import { ConsumerMessages, headers, JsMsg, JSONCodec } from 'nats';
import { NatsConnectionProvider } from './nats-connection';
import { ensureConsumer } from './streams.setup';
import { decodeJson } from './event-publisher';

export interface DeliveryContext {
  subject: string;
  streamSequence: number;
  deliveryCount: number;
  /** The publisher's de-duplication id: a stable key for idempotent handling. */
  messageId: string;
}

export type EventHandler<T> = (payload: T, delivery: DeliveryContext) => Promise<void>;

interface Registration {
  declaration: ConsumerDeclaration;
  payloadType: new () => object;
  handler: EventHandler<object>;
}

/** Why a message was given up on, published with it to `parked.<subject>`. */
export interface ParkedMessage {
  consumer: string;
  subject: string;
  streamSequence: number;
  deliveryCount: number;
  reason: string;
  parkedAt: string;
  payload: unknown;
}

const parkedCodec = JSONCodec<ParkedMessage>();

/**
 * Runs durable JetStream consumers: explicit acks, redelivery with backoff on failure, and parking of
 * poison messages (invalid payloads, or failures beyond the delivery limit) on `parked.<subject>` with the
 * reason, so one bad message never blocks a stream. At most `concurrency` messages run at once.
 */
@Injectable()
export class DurableConsumers implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(DurableConsumers.name);
  private readonly registrations: Registration[] = [];
  private readonly running: ConsumerMessages[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private started = false;

  constructor(
    private readonly nats: NatsConnectionProvider,
    private readonly metrics: MetricsRegistry,
  ) {}

  /** Call from a feature module's constructor or onModuleInit; consumption starts at application bootstrap. */
  register<T extends object>(
    declaration: ConsumerDeclaration,
    payloadType: new () => T,
    handler: EventHandler<T>,
  ): void {
    if (this.started) throw new Error(`Consumer ${declaration.durableName} registered after start-up`);
    this.registrations.push({ declaration, payloadType, handler: handler as EventHandler<object> });
  }

  async onApplicationBootstrap(): Promise<void> {
    this.started = true;
    const jsm = await this.nats.jetStreamManager();
    const js = await this.nats.jetStream();
    for (const registration of this.registrations) {
      const { declaration } = registration;
      await ensureConsumer(jsm, declaration);
      const consumer = await js.consumers.get(declaration.stream, declaration.durableName);
      const messages = await consumer.consume({
        max_messages: Math.max(declaration.prefetch ?? declaration.concurrency, declaration.concurrency),
      });
      this.running.push(messages);
      void this.pump(registration, messages);
      this.logger.log(`Consuming ${declaration.filterSubject} as ${declaration.durableName}`);
    }
  }

  private async pump(registration: Registration, messages: ConsumerMessages): Promise<void> {
    const slots = registration.declaration.concurrency;
    // Each consumer has its own slots: a slow handler of one subject must not hold up another's.
    const mine = new Set<Promise<void>>();
    for await (const message of messages) {
      while (mine.size >= slots) await Promise.race(mine);
      const work = this.handle(registration, message).finally(() => {
        mine.delete(work);
        this.inFlight.delete(work);
      });
      mine.add(work);
      this.inFlight.add(work);
    }
  }

  private async handle(registration: Registration, message: JsMsg): Promise<void> {
    const { declaration } = registration;
    const delivery: DeliveryContext = {
      subject: message.subject,
      streamSequence: message.seq,
      deliveryCount: message.info.deliveryCount,
      messageId: message.headers?.get('Nats-Msg-Id') || `${declaration.stream}:${message.seq}`,
    };
    const labels = { consumer: declaration.durableName };
    await withSpan(
      `consume ${message.subject}`,
      {
        kind: SpanKind.CONSUMER,
        parent: extractTraceContext(message.headers),
        attributes: { 'messaging.system': 'nats', 'messaging.destination.name': message.subject },
      },
      async () => {
        let payload: object;
        try {
          payload = parsePayload(registration.payloadType, decodeJson(message.data));
        } catch (error) {
          await this.park(declaration, message, delivery, error as Error);
          return;
        }
        try {
          await registration.handler(payload, delivery);
          message.ack();
          this.metrics.increment(
            'slipway_consumer_messages_total',
            'Messages handled by durable consumers.',
            {
              ...labels,
              result: 'ok',
            },
          );
        } catch (error) {
          // A handler that finds the payload unusable (an unknown app, say) throws PayloadValidationError:
          // retrying cannot help, so it is parked at once with the reason.
          if (error instanceof PayloadValidationError || delivery.deliveryCount >= declaration.maxDeliver) {
            await this.park(declaration, message, delivery, error as Error);
            return;
          }
          const delays = declaration.backoffMs;
          const delay = delays[Math.min(delivery.deliveryCount - 1, delays.length - 1)] ?? 1000;
          this.logger.warn(
            `${declaration.durableName} failed on ${message.subject} #${message.seq} (delivery ${delivery.deliveryCount}), retrying in ${delay} ms: ${(error as Error).message}`,
          );
          message.nak(delay);
          this.metrics.increment(
            'slipway_consumer_messages_total',
            'Messages handled by durable consumers.',
            {
              ...labels,
              result: 'retried',
            },
          );
        }
      },
    );
  }

  private async park(
    declaration: ConsumerDeclaration,
    message: JsMsg,
    delivery: DeliveryContext,
    error: Error,
  ): Promise<void> {
    const reason =
      error instanceof PayloadValidationError
        ? `invalid payload: ${error.problems.join('; ')}`
        : `handler failed ${delivery.deliveryCount} times: ${error.message}`;
    let payload: unknown;
    try {
      payload = decodeJson(message.data);
    } catch {
      payload = Buffer.from(message.data).toString('base64');
    }
    const parked: ParkedMessage = {
      consumer: declaration.durableName,
      subject: message.subject,
      streamSequence: message.seq,
      deliveryCount: delivery.deliveryCount,
      reason,
      parkedAt: new Date().toISOString(),
      payload,
    };
    const parkedHeaders = headers();
    parkedHeaders.set('Slipway-Parked-Reason', reason.slice(0, 512).replace(/[\r\n]/g, ' '));
    const js = await this.nats.jetStream();
    await js.publish(parkedSubjectFor(message.subject), parkedCodec.encode(parked), {
      msgID: `parked:${declaration.durableName}:${message.seq}`,
      headers: parkedHeaders,
    });
    message.term(reason.slice(0, 200));
    this.logger.error(`${declaration.durableName} parked ${message.subject} #${message.seq}: ${reason}`);
    this.metrics.increment('slipway_consumer_messages_total', 'Messages handled by durable consumers.', {
      consumer: declaration.durableName,
      result: 'parked',
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    for (const messages of this.running) messages.stop();
    await Promise.allSettled([...this.inFlight]);
  }
}

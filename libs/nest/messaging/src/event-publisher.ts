import { Injectable } from '@nestjs/common';
import { injectTraceContext } from '@slipway/nest-telemetry';
import { headers, JSONCodec, PubAck } from 'nats';
import { NatsConnectionProvider } from './nats-connection';

const codec = JSONCodec<unknown>();

export interface PublishOptions {
  /**
   * De-duplication key: JetStream drops a second message with the same id within the stream's duplicate
   * window, so a retried publish never becomes two events.
   */
  messageId: string;
}

/** Publishes durable events to JetStream and waits for the stream to acknowledge them. */
@Injectable()
export class EventPublisher {
  constructor(private readonly nats: NatsConnectionProvider) {}

  async publish(subject: string, payload: object, options: PublishOptions): Promise<PubAck> {
    const messageHeaders = headers();
    injectTraceContext(messageHeaders);
    const js = await this.nats.jetStream();
    return js.publish(subject, codec.encode(payload), { msgID: options.messageId, headers: messageHeaders });
  }

  /** Fire-and-forget over core NATS, for signals where a missed message is harmless (heartbeats). */
  async signal(subject: string, payload: object): Promise<void> {
    const messageHeaders = headers();
    injectTraceContext(messageHeaders);
    (await this.nats.get()).publish(subject, codec.encode(payload), { headers: messageHeaders });
  }
}

export function decodeJson(data: Uint8Array): unknown {
  return codec.decode(data);
}

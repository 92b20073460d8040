import { Injectable, Logger } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { EventPublisher } from '@slipway/nest-messaging';
import { isDuplicateKeyError } from '@slipway/nest-mongo';
import { Model } from 'mongoose';
import { OutboxEvent, OutboxEventDocument } from './outbox-event.schema';

export interface PendingEvent {
  subject: string;
  payload: object;
  messageId: string;
}

/**
 * Commands the apps service sends (stop, scale, domains, app deleted ...) are stored first and published
 * second; the relay publishes whatever NATS did not acknowledge, with the same message id.
 */
@Injectable()
export class Outbox {
  private readonly logger = new Logger(Outbox.name);

  constructor(
    @InjectModel(OutboxEvent.name) private readonly events: Model<OutboxEvent>,
    private readonly publisher: EventPublisher,
  ) {}

  /** Stores the event and tries to publish it now; a failed publication is left to the relay. */
  async send(event: PendingEvent): Promise<void> {
    let stored: OutboxEventDocument;
    try {
      stored = await this.events.create({ ...event, payload: JSON.parse(JSON.stringify(event.payload)) });
    } catch (error) {
      if (isDuplicateKeyError(error)) return; // already owed or sent
      throw error;
    }
    await this.publish(stored).catch((error: Error) =>
      this.logger.warn(`${event.subject} ${event.messageId} deferred: ${error.message}`),
    );
  }

  async relay(olderThanMs: number): Promise<number> {
    const pending = await this.events
      .find({ publishedAt: null, createdAt: { $lt: new Date(Date.now() - olderThanMs) } })
      .sort({ _id: 1 })
      .limit(100)
      .exec();
    for (const event of pending) await this.publish(event);
    return pending.length;
  }

  private async publish(event: OutboxEventDocument): Promise<void> {
    await this.publisher.publish(event.subject, event.payload, { messageId: event.messageId });
    await this.events.updateOne({ _id: event._id }, { $set: { publishedAt: new Date() } }).exec();
  }
}

import { Injectable, Logger, ServiceUnavailableException } from '@nestjs/common';
import {
  ALL_CONSUMERS,
  ALL_STREAMS,
  Consumers,
  ConsumerHealthDto,
  MessagingHealthDto,
  ParkedMessageSummaryDto,
  Streams,
  StreamHealthDto,
} from '@slipway/contracts';
import { decodeJson, NatsConnectionProvider, ParkedMessage } from '@slipway/nest-messaging';
import { ConsumerInfo, JetStreamManager, NatsError, StreamInfo } from 'nats';

/** How many of the newest parked messages the dashboard lists. */
export const RECENT_PARKED_LIMIT = 10;

/** JetStream answers 404 for a stream that does not exist (yet) and for a sequence with no message. */
function isNotFound(error: unknown): boolean {
  return error instanceof NatsError && error.api_error?.code === 404;
}

function toStreamHealth(info: StreamInfo): StreamHealthDto {
  return {
    name: info.config.name,
    messages: info.state.messages,
    bytes: info.state.bytes,
    firstSeq: info.state.first_seq,
    lastSeq: info.state.last_seq,
    consumerCount: info.state.consumer_count,
  };
}

function toConsumerHealth(info: ConsumerInfo): ConsumerHealthDto {
  const declared = ALL_CONSUMERS.find(
    (consumer) => consumer.stream === info.stream_name && consumer.durableName === info.name,
  );
  return {
    stream: info.stream_name,
    name: info.name,
    filterSubject: info.config.filter_subject ?? info.config.filter_subjects?.join(', ') ?? '',
    owner: declared?.owner ?? null,
    pending: info.num_pending,
    ackPending: info.num_ack_pending,
    redelivered: info.num_redelivered,
    waiting: info.num_waiting,
  };
}

/** Parked payloads come from our own consumers, but the stream accepts anything on `parked.>`. */
function toParkedSummary(seq: number, subject: string, data: Uint8Array): ParkedMessageSummaryDto {
  let parked: Partial<ParkedMessage> = {};
  try {
    const decoded = decodeJson(data);
    if (decoded && typeof decoded === 'object') parked = decoded as Partial<ParkedMessage>;
  } catch {
    // Not JSON: listed with what the stream itself knows.
  }
  return {
    seq,
    subject: typeof parked.subject === 'string' ? parked.subject : subject,
    consumer: typeof parked.consumer === 'string' ? parked.consumer : 'unknown',
    reason: typeof parked.reason === 'string' ? parked.reason : 'no reason recorded',
    parkedAt: typeof parked.parkedAt === 'string' ? parked.parkedAt : '',
  };
}

/** JetStream's view of Slipway's streams and consumers, read on demand for the admin dashboard. */
@Injectable()
export class MessagingHealth {
  private readonly logger = new Logger(MessagingHealth.name);

  constructor(private readonly nats: NatsConnectionProvider) {}

  async snapshot(): Promise<MessagingHealthDto> {
    // While reconnecting, JetStream requests would only wait for their timeout: answer at once instead.
    if (!this.nats.isConnected()) throw this.unavailable('the gateway is not connected to NATS');
    try {
      const jsm = await this.nats.jetStreamManager();
      const streams = (
        await Promise.all(ALL_STREAMS.map((stream) => this.streamInfo(jsm, stream.name)))
      ).filter((info): info is StreamInfo => info !== null);
      const consumers = (
        await Promise.all(streams.map((stream) => this.consumersOf(jsm, stream.config.name)))
      )
        .flat()
        .map(toConsumerHealth)
        .sort(
          (a, b) =>
            b.pending + b.ackPending - (a.pending + a.ackPending) ||
            a.stream.localeCompare(b.stream) ||
            a.name.localeCompare(b.name),
        );
      const parkedStream = streams.find((stream) => stream.config.name === Streams.Parked.name);
      const builder = consumers.find(
        (consumer) =>
          consumer.stream === Consumers.BuilderOnBuildRequested.stream &&
          consumer.name === Consumers.BuilderOnBuildRequested.durableName,
      );
      return {
        generatedAt: new Date().toISOString(),
        streams: streams.map(toStreamHealth),
        consumers,
        parked: {
          total: parkedStream?.state.messages ?? 0,
          recent: parkedStream ? await this.recentParked(jsm, parkedStream) : [],
        },
        buildQueue: { pending: builder ? builder.pending + builder.ackPending : null },
      };
    } catch (error) {
      this.logger.warn(`Could not read JetStream state: ${(error as Error).message}`);
      throw this.unavailable(`JetStream did not answer (${(error as Error).message})`);
    }
  }

  private unavailable(why: string): ServiceUnavailableException {
    return new ServiceUnavailableException(`Messaging health is unavailable: ${why}. Try again shortly.`);
  }

  private async streamInfo(jsm: JetStreamManager, name: string): Promise<StreamInfo | null> {
    try {
      return await jsm.streams.info(name);
    } catch (error) {
      // Services create the streams at start-up; until one has, the stream is simply not listed.
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  private async consumersOf(jsm: JetStreamManager, stream: string): Promise<ConsumerInfo[]> {
    const consumers: ConsumerInfo[] = [];
    for await (const consumer of jsm.consumers.list(stream)) consumers.push(consumer);
    return consumers;
  }

  /**
   * Reads back from the last sequence; gaps (deleted messages) are skipped, up to a bound so a stream
   * with many deletions cannot make one dashboard refresh read it all.
   */
  private async recentParked(jsm: JetStreamManager, stream: StreamInfo): Promise<ParkedMessageSummaryDto[]> {
    const recent: ParkedMessageSummaryDto[] = [];
    const { first_seq: first, last_seq: last } = stream.state;
    if (stream.state.messages === 0) return recent;
    const lowest = Math.max(first, last - RECENT_PARKED_LIMIT * 10 + 1);
    for (let seq = last; seq >= lowest && recent.length < RECENT_PARKED_LIMIT; seq -= 1) {
      try {
        const message = await jsm.streams.getMessage(Streams.Parked.name, { seq });
        recent.push(toParkedSummary(message.seq, message.subject, message.data));
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    }
    return recent;
  }
}

import type { ConsumerHealthDto, MessagingHealthDto, StreamHealthDto } from '@slipway/contracts';

import { formatAge } from '../../../shared/format/duration';

export interface StreamRowView {
  name: string;
  messages: string;
  size: string;
  /** "1–240", or "empty". */
  sequences: string;
  consumerCount: number;
}

export interface ConsumerRowView {
  /** Unique across streams: `stream/name`. */
  key: string;
  stream: string;
  name: string;
  filterSubject: string;
  owner: string;
  pending: number;
  ackPending: number;
  redelivered: number;
  waiting: number;
  /** Work is waiting or in flight: the row is highlighted. */
  backlogged: boolean;
}

export interface ParkedRowView {
  seq: number;
  subject: string;
  consumer: string;
  reason: string;
  /** ISO time, or `null` when the parked message did not record it. */
  parkedAt: string | null;
  parkedAgo: string | null;
}

export interface MessagingView {
  streams: StreamRowView[];
  consumers: ConsumerRowView[];
  /** Consumers with work waiting or in flight. */
  backloggedConsumers: number;
  parkedTotal: number;
  parked: ParkedRowView[];
  /**
   * Build requests the builder has not accepted yet; `null` when its consumer does not exist. Builds it
   * accepted and queued for a free slot are not included (see `MessagingHealthDto.buildQueue`).
   */
  buildQueue: number | null;
  buildQueueLabel: string;
}

const NUMBER = new Intl.NumberFormat('en');

/** "512 B", "3.4 KiB", "12 MiB", "1.2 GiB". */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = Math.max(0, bytes);
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = unit === 0 || value >= 10 ? 0 : 1;
  return `${value.toFixed(digits)} ${units[unit]}`;
}

/**
 * What the messaging section shows, at `serverNowMs` on the gateway's clock. Consumers with the most
 * work (pending + awaiting acknowledgement) come first, so a stuck consumer is at the top.
 */
export function toMessagingView(health: MessagingHealthDto, serverNowMs: number): MessagingView {
  const consumers = health.consumers
    .map(toConsumerRow)
    .sort(
      (a, b) =>
        b.pending + b.ackPending - (a.pending + a.ackPending) ||
        a.stream.localeCompare(b.stream) ||
        a.name.localeCompare(b.name),
    );
  const buildQueue = health.buildQueue.pending;
  return {
    streams: health.streams.map(toStreamRow),
    consumers,
    backloggedConsumers: consumers.filter((consumer) => consumer.backlogged).length,
    parkedTotal: health.parked.total,
    parked: health.parked.recent.map((message) => {
      const parkedMs = Date.parse(message.parkedAt);
      const known = !Number.isNaN(parkedMs);
      return {
        seq: message.seq,
        subject: message.subject,
        consumer: message.consumer,
        reason: message.reason,
        parkedAt: known ? message.parkedAt : null,
        parkedAgo: known ? formatAge((serverNowMs - parkedMs) / 1000) : null,
      };
    }),
    buildQueue,
    buildQueueLabel:
      buildQueue === null
        ? 'unknown: the builder has not started yet'
        : buildQueue === 0
          ? 'no build requests waiting for the builder'
          : buildQueue === 1
            ? '1 build request waiting for the builder'
            : `${NUMBER.format(buildQueue)} build requests waiting for the builder`,
  };
}

function toStreamRow(stream: StreamHealthDto): StreamRowView {
  return {
    name: stream.name,
    messages: NUMBER.format(stream.messages),
    size: formatBytes(stream.bytes),
    sequences:
      stream.messages === 0 ? 'empty' : `${NUMBER.format(stream.firstSeq)}–${NUMBER.format(stream.lastSeq)}`,
    consumerCount: stream.consumerCount,
  };
}

function toConsumerRow(consumer: ConsumerHealthDto): ConsumerRowView {
  return {
    key: `${consumer.stream}/${consumer.name}`,
    stream: consumer.stream,
    name: consumer.name,
    filterSubject: consumer.filterSubject || 'all subjects',
    owner: consumer.owner ?? 'not declared',
    pending: consumer.pending,
    ackPending: consumer.ackPending,
    redelivered: consumer.redelivered,
    waiting: consumer.waiting,
    backlogged: consumer.pending + consumer.ackPending > 0,
  };
}

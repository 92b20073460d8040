import { ServiceName } from '../services';

/** One JetStream stream Slipway declares, as JetStream reports it now. */
export interface StreamHealthDto {
  name: string;
  messages: number;
  bytes: number;
  firstSeq: number;
  lastSeq: number;
  consumerCount: number;
}

/** One durable consumer on a Slipway stream. */
export interface ConsumerHealthDto {
  stream: string;
  name: string;
  /** Empty when the consumer takes every subject of its stream. */
  filterSubject: string;
  /** The service that declares the consumer (`Consumers` in the contracts); `null` for one Slipway does not declare. */
  owner: ServiceName | null;
  /** Messages in the stream not yet delivered to the consumer (JetStream's `num_pending`). */
  pending: number;
  /** Delivered but not yet acknowledged: being handled, or waiting for a redelivery (`num_ack_pending`). */
  ackPending: number;
  /** Messages delivered more than once (`num_redelivered`). */
  redelivered: number;
  /** Pull requests waiting for messages (`num_waiting`): idle instances ready to take work. */
  waiting: number;
}

/** A message a consumer gave up on, from the `SLIPWAY_PARKED` stream. */
export interface ParkedMessageSummaryDto {
  /** Sequence in `SLIPWAY_PARKED`. */
  seq: number;
  /** The subject the message was originally published on. */
  subject: string;
  consumer: string;
  reason: string;
  parkedAt: string;
}

/**
 * `GET /api/v1/admin/messaging`: JetStream as the services use it, for the admin health dashboard.
 */
export interface MessagingHealthDto {
  generatedAt: string;
  streams: StreamHealthDto[];
  /** Every consumer on the declared streams, most pending work first. */
  consumers: ConsumerHealthDto[];
  parked: {
    /** Messages in `SLIPWAY_PARKED` (kept 30 days). */
    total: number;
    /** The newest ones, newest first (at most 10). */
    recent: ParkedMessageSummaryDto[];
  };
  buildQueue: {
    /**
     * Build requests the builder has not accepted yet: its durable consumer's `pending + ackPending` on
     * `build.requested.v1`. The builder acknowledges a request as soon as it has stored and queued the
     * build, so builds waiting in the builder's own queue for a free slot (BUILD_CONCURRENCY) are NOT
     * counted here; the builder exports those as the `slipway_builds_queued` metric. `null` when the
     * builder's consumer does not exist yet (the builder never started).
     */
    pending: number | null;
  };
}

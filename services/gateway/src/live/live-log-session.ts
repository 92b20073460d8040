import { Logger } from '@nestjs/common';
import {
  BuildProgressedEvent,
  DeploymentTransitionedEvent,
  ReleaseProgressedEvent,
  EventSubjects,
  LOGS_QUERY_MAX_LIMIT,
  LogBatchEvent,
  LogPageDto,
  LogSource,
  parsePayload,
  QuerySubjects,
} from '@slipway/contracts';
import { decodeJson, RpcClient } from '@slipway/nest-messaging';
import { Msg, NatsConnection, NatsError, Subscription } from 'nats';
import { BoundedQueue } from './bounded-queue';
import { fromBatchEntry, fromStoredLine, LiveLogLine } from './dto/live-log-line';
import { SequenceTracker, SkippedRanges, streamKey } from './sequence-tracker';
import { formatSseMessage } from './sse-format';
import { SseSink, SseWriter } from './sse-writer';

/** Stored lines sent when a client connects; older ones are reported in `event: truncated`. */
export const REPLAY_LIMIT = 5000;
/** Live lines held while the replay runs; the oldest beyond are reported as skipped. */
export const LIVE_BUFFER_DURING_REPLAY = 10_000;
export const HEARTBEAT_MS = 15_000;
/** Extra reads of the store when the live lines start past what was replayed (see fillGaps). */
const GAP_RETRIES = 5;
const GAP_RETRY_MS = 200;

export interface LiveLogFilter {
  appId: string;
  deploymentId?: string;
  source?: LogSource;
  /** Send only lines after this seq (per deployment and source). */
  after?: number;
  maxPending: number;
}

/**
 * One client's live tail: subscribes first, replays stored lines, then flushes what arrived meanwhile,
 * sending every (deploymentId, source, seq) at most once.
 */
export class LiveLogSession {
  private readonly logger = new Logger(LiveLogSession.name);
  private readonly writer: SseWriter;
  private readonly tracker: SequenceTracker;
  private readonly subscriptions: Subscription[] = [];
  private liveBuffer: BoundedQueue<LiveLogLine> | undefined = new BoundedQueue(LIVE_BUFFER_DURING_REPLAY);
  private readonly droppedDuringReplay = new SkippedRanges();
  private heartbeat?: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly filter: LiveLogFilter,
    private readonly connection: NatsConnection,
    private readonly rpc: RpcClient,
    sink: SseSink,
  ) {
    this.writer = new SseWriter(sink, filter.maxPending);
    this.tracker = new SequenceTracker(filter.after);
  }

  /** The subject of this client's log lines, wildcards where it did not narrow. */
  get logSubject(): string {
    const { appId, deploymentId, source } = this.filter;
    return `logs.${appId}.${deploymentId ?? '*'}.${source ?? '*'}`;
  }

  /**
   * Subscribes, and waits until the server has the subscriptions: everything published once this resolves
   * reaches the session. Call it before the response headers go out.
   */
  async subscribe(): Promise<void> {
    this.subscriptions.push(
      this.connection.subscribe(this.logSubject, {
        callback: (error, message) => this.onBatch(error, message),
      }),
      this.connection.subscribe(EventSubjects.BuildProgressed, {
        callback: (error, message) => this.forwardEvent(BuildProgressedEvent, 'progress', error, message),
      }),
      this.connection.subscribe(EventSubjects.ReleaseProgressed, {
        callback: (error, message) => this.forwardEvent(ReleaseProgressedEvent, 'release', error, message),
      }),
      this.connection.subscribe(EventSubjects.DeploymentTransitioned, {
        callback: (error, message) =>
          this.forwardEvent(DeploymentTransitionedEvent, 'status', error, message),
      }),
    );
    this.heartbeat = setInterval(() => this.writer.ping(), HEARTBEAT_MS);
    this.heartbeat.unref();
    await this.connection.flush();
  }

  /** Replays stored lines, then switches to live delivery. Resolves when the replay is done. */
  async run(): Promise<void> {
    try {
      await this.replay();
    } catch (error) {
      if (this.closed) return;
      this.logger.warn(`Live tail replay failed: ${(error as Error).message}`);
      this.writer.send(
        formatSseMessage({ event: 'error', data: { message: 'Replaying stored lines failed.' } }),
      );
    }
    if (this.closed) return;
    const buffered = this.liveBuffer?.drain() ?? [];
    this.liveBuffer = undefined;
    // Overflow of the live buffer that the replay did not cover after all.
    for (const range of this.droppedDuringReplay.take()) {
      const from = Math.max(range.from, this.tracker.floor(range) + 1);
      if (from <= range.to) this.writer.reportSkipped([{ ...range, from, count: range.to - from + 1 }]);
    }
    for (const line of buffered) this.deliver(line);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeat);
    for (const subscription of this.subscriptions) subscription.unsubscribe();
    this.liveBuffer = undefined;
    this.writer.close();
  }

  private async replay(): Promise<void> {
    const { deploymentId, source } = this.filter;
    await this.replayStored({ deploymentId, source });
    await this.fillGaps();
  }

  /**
   * A line published just before the subscription started can be stored only after the replay read past
   * its place. When the first live line of a (deployment, source) is not the next seq, read the store
   * again for that deployment and source, a few times, before giving up (the lines may have expired).
   */
  private async fillGaps(): Promise<void> {
    for (let attempt = 0; attempt < GAP_RETRIES && !this.closed; attempt += 1) {
      const firstLive = new Map<string, LiveLogLine>();
      for (const line of this.liveBuffer?.peekAll() ?? []) {
        if (!firstLive.has(streamKey(line))) firstLive.set(streamKey(line), line);
      }
      const missing = [...firstLive.values()].filter((line) => line.seq > this.tracker.floor(line) + 1);
      if (missing.length === 0) return;
      await new Promise((resolve) => setTimeout(resolve, GAP_RETRY_MS));
      for (const gap of missing) {
        await this.replayStored({ deploymentId: gap.deploymentId ?? undefined, source: gap.source });
      }
    }
  }

  /** Sends the stored lines not sent yet (at most REPLAY_LIMIT; older ones reported as truncated). */
  private async replayStored(scope: { deploymentId?: string; source?: LogSource }): Promise<void> {
    const kept = new BoundedQueue<LiveLogLine>(REPLAY_LIMIT);
    const truncated = new SkippedRanges();
    let cursor: string | null = null;
    do {
      const page: LogPageDto = await this.rpc.request<LogPageDto>(QuerySubjects.LogsQuery, {
        appId: this.filter.appId,
        ...(scope.deploymentId ? { deploymentId: scope.deploymentId } : {}),
        ...(scope.source ? { source: scope.source } : {}),
        order: 'asc',
        limit: LOGS_QUERY_MAX_LIMIT,
        ...(cursor ? { cursor } : {}),
      });
      if (this.closed) return;
      for (const stored of page.items) {
        if (!this.tracker.isNew(stored)) continue;
        const dropped = kept.push(fromStoredLine(stored));
        if (dropped) truncated.add(dropped);
      }
      cursor = page.nextCursor;
    } while (cursor);

    if (!truncated.isEmpty) {
      this.writer.send(
        formatSseMessage({ event: 'truncated', data: { limit: REPLAY_LIMIT, skipped: truncated.take() } }),
      );
    }
    for (const line of kept.drain()) {
      // Replay follows the client's pace: wait for the socket instead of dropping stored lines.
      await this.writer.writable();
      if (this.closed) return;
      this.deliver(line);
    }
  }

  private deliver(line: LiveLogLine): void {
    if (!this.tracker.accept(line)) return;
    const id = line.seq > 0 ? line.seq : undefined;
    this.writer.send(formatSseMessage({ id, event: 'line', data: line }), line);
  }

  private onBatch(error: NatsError | null, message: Msg): void {
    if (error || this.closed) return;
    let batch: LogBatchEvent;
    try {
      batch = parsePayload(LogBatchEvent, decodeJson(message.data));
    } catch (invalid) {
      this.logger.warn(`Ignored an invalid log batch on ${message.subject}: ${(invalid as Error).message}`);
      return;
    }
    if (batch.appId !== this.filter.appId) return;
    for (const entry of batch.lines) {
      const line = fromBatchEntry(batch.deploymentId, batch.source, entry);
      if (this.liveBuffer) {
        const dropped = this.liveBuffer.push(line);
        if (dropped) this.droppedDuringReplay.add(dropped);
      } else {
        this.deliver(line);
      }
    }
  }

  /** Passes an event about the followed app (and deployment, when narrowed) on as an SSE event. */
  private forwardEvent<T extends { appId: string; deploymentId: string }>(
    type: new () => T,
    eventName: 'progress' | 'release' | 'status',
    error: NatsError | null,
    message: Msg,
  ): void {
    if (error || this.closed) return;
    let event: T;
    try {
      event = parsePayload(type, decodeJson(message.data));
    } catch {
      return;
    }
    if (event.appId !== this.filter.appId) return;
    if (this.filter.deploymentId && event.deploymentId !== this.filter.deploymentId) return;
    this.writer.send(formatSseMessage({ event: eventName, data: { ...event } }));
  }
}

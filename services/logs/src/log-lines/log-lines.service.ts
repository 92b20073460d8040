import { Inject, Injectable } from '@nestjs/common';
import {
  AppCreatedEvent,
  AppDeletedEvent,
  LOGS_QUERY_DEFAULT_LIMIT,
  LogBatchEvent,
  LogPageDto,
  LogsQueryRequest,
  RpcErrorCodes,
} from '@slipway/contracts';
import { DomainError } from '@slipway/nest-messaging';
import { activeTraceId } from '@slipway/nest-telemetry';
import { decodeCursor, encodeCursor } from './log-cursor';
import { incomingLineFrom } from './log-line.factory';
import { LogSegmentStore } from './store/log-segment-store';
import { toLogLineDto } from './store/stored-line';

@Injectable()
export class LogLinesService {
  constructor(@Inject(LogSegmentStore) private readonly store: LogSegmentStore) {}

  /**
   * Stores the lines of a batch. Idempotent: the newest segments remember which seqs of each deployment
   * and source they hold, so lines already stored (a redelivered or republished batch) are skipped.
   */
  async ingest(batch: LogBatchEvent): Promise<void> {
    if (batch.lines.length === 0) return;
    await this.store.appendLines(
      {
        appId: batch.appId,
        deploymentId: batch.deploymentId,
        source: batch.source,
        traceId: activeTraceId(),
      },
      batch.lines.map((entry) => incomingLineFrom(batch, entry)),
    );
  }

  /** Writes the system line that opens an app's log. Idempotent per event. */
  async recordAppCreated(event: AppCreatedEvent, eventId: string): Promise<void> {
    await this.store.appendEventLine(
      { appId: event.appId, deploymentId: null, traceId: activeTraceId() },
      eventId,
      {
        seq: 0,
        timestampMs: new Date(event.occurredAt).getTime(),
        stream: 'stdout',
        stage: null,
        instance: null,
        level: 'info',
        display: 'normal',
        text: `App ${event.name} created`,
      },
    );
  }

  /** The app is gone: so are its lines. */
  async forgetApp(event: AppDeletedEvent): Promise<void> {
    await this.store.removeApp(event.appId);
  }

  async query(request: LogsQueryRequest): Promise<LogPageDto> {
    const from = request.from ? new Date(request.from).getTime() : undefined;
    const to = request.to ? new Date(request.to).getTime() : undefined;
    if (from !== undefined && to !== undefined && from > to) {
      throw new DomainError(RpcErrorCodes.Validation, 'from must not be after to');
    }
    const page = await this.store.query({
      appId: request.appId,
      order: request.order === 'desc' ? 'desc' : 'asc',
      limit: request.limit ?? LOGS_QUERY_DEFAULT_LIMIT,
      ...(request.deploymentId ? { deploymentId: request.deploymentId } : {}),
      ...(request.source ? { source: request.source } : {}),
      ...(request.level ? { level: request.level } : {}),
      ...(request.text ? { text: request.text } : {}),
      ...(from !== undefined ? { fromMs: from } : {}),
      ...(to !== undefined ? { toMs: to } : {}),
      ...(request.cursor ? { after: decodeCursor(request.cursor) } : {}),
    });
    const last = page.items[page.items.length - 1];
    return {
      items: page.items.map(toLogLineDto),
      nextCursor: page.hasMore && last ? encodeCursor(last) : null,
    };
  }
}

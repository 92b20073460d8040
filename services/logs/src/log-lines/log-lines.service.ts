import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import {
  AppCreatedEvent,
  LOGS_QUERY_DEFAULT_LIMIT,
  LogBatchEvent,
  LogPageDto,
  LogsQueryRequest,
  RpcErrorCodes,
} from '@slipway/contracts';
import { DomainError } from '@slipway/nest-messaging';
import { isDuplicateKeyError } from '@slipway/nest-mongo';
import { activeTraceId } from '@slipway/nest-telemetry';
import { FilterQuery, Model, Types } from 'mongoose';
import { CursorPosition, decodeCursor, encodeCursor } from './log-cursor';
import { storedLineFrom } from './log-line.factory';
import { toLogLineDto } from './log-line.mapper';
import { LogLine, StoredLogLine } from './schemas/log-line.schema';

/** True when every write error of an unordered insert is a duplicate key, i.e. the lines were already stored. */
function onlyDuplicateKeys(error: unknown): boolean {
  const writeErrors = (error as { writeErrors?: unknown })?.writeErrors;
  if (Array.isArray(writeErrors) && writeErrors.length > 0) {
    return writeErrors.every(
      (writeError: { code?: unknown; err?: { code?: unknown } }) =>
        writeError.code === 11000 || writeError.err?.code === 11000,
    );
  }
  return isDuplicateKeyError(error);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Lines strictly after (asc) or before (desc) a position in (timestamp, seq, _id) order. */
export function beyond(position: CursorPosition, direction: 1 | -1): FilterQuery<LogLine> {
  const op = direction === 1 ? '$gt' : '$lt';
  const { timestamp, seq } = position;
  const id = new Types.ObjectId(position.id);
  return {
    $or: [
      { timestamp: { [op]: timestamp } },
      { timestamp, seq: { [op]: seq } },
      { timestamp, seq, _id: { [op]: id } },
    ],
  };
}

@Injectable()
export class LogLinesService {
  constructor(@InjectModel(LogLine.name) private readonly lines: Model<LogLine>) {}

  /**
   * Stores the lines of a batch. Idempotent: each line has a unique key, so lines already stored (a
   * redelivered or republished batch) are skipped; any other failure is thrown so the batch is retried.
   */
  async ingest(batch: LogBatchEvent): Promise<void> {
    if (batch.lines.length === 0) return;
    const traceId = activeTraceId();
    const documents = batch.lines.map((entry) => storedLineFrom(batch, entry, traceId));
    try {
      await this.lines.insertMany(documents, { ordered: false, lean: true });
    } catch (error) {
      if (!onlyDuplicateKeys(error)) throw error;
    }
  }

  /** Writes the system line that opens an app's log. Idempotent per event. */
  async recordAppCreated(event: AppCreatedEvent, eventId: string): Promise<void> {
    const text = `App ${event.name} created`;
    try {
      await this.lines.create({
        appId: event.appId,
        deploymentId: null,
        source: 'system',
        stream: 'stdout',
        stage: null,
        instance: null,
        timestamp: new Date(event.occurredAt),
        seq: 0,
        level: 'info',
        display: 'normal',
        text,
        plain: text,
        traceId: activeTraceId(),
        key: `event:${eventId}`,
      });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
  }

  async query(request: LogsQueryRequest): Promise<LogPageDto> {
    const direction = request.order === 'desc' ? -1 : 1;
    const limit = request.limit ?? LOGS_QUERY_DEFAULT_LIMIT;
    const conditions: Array<FilterQuery<LogLine>> = [{ appId: request.appId }];
    if (request.deploymentId) conditions.push({ deploymentId: request.deploymentId });
    if (request.source) conditions.push({ source: request.source });
    if (request.level) conditions.push({ level: request.level });
    const from = request.from ? new Date(request.from) : undefined;
    const to = request.to ? new Date(request.to) : undefined;
    if (from && to && from.getTime() > to.getTime()) {
      throw new DomainError(RpcErrorCodes.Validation, 'from must not be after to');
    }
    if (from) conditions.push({ timestamp: { $gte: from } });
    if (to) conditions.push({ timestamp: { $lt: to } });
    if (request.text) {
      conditions.push({ plain: { $regex: escapeRegExp(request.text), $options: 'i' } });
    }
    if (request.cursor) conditions.push(beyond(decodeCursor(request.cursor), direction));

    const found = await this.lines
      .find(conditions.length === 1 ? (conditions[0] as FilterQuery<LogLine>) : { $and: conditions })
      .sort({ timestamp: direction, seq: direction, _id: direction })
      .limit(limit + 1)
      .lean<StoredLogLine[]>()
      .exec();
    const items = found.slice(0, limit);
    const last = items[items.length - 1];
    const nextCursor =
      found.length > limit && last
        ? encodeCursor({ timestamp: last.timestamp, seq: last.seq ?? 0, id: last._id.toHexString() })
        : null;
    return { items: items.map(toLogLineDto), nextCursor };
  }
}

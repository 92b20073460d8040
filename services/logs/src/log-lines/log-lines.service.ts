import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { AppCreatedEvent, LogPageDto, LogsQueryRequest } from '@slipway/contracts';
import { isDuplicateKeyError } from '@slipway/nest-mongo';
import { activeTraceId } from '@slipway/nest-telemetry';
import { Model } from 'mongoose';
import { toLogLineDto } from './log-line.mapper';
import { LogLine } from './schemas/log-line.schema';

@Injectable()
export class LogLinesService {
  constructor(@InjectModel(LogLine.name) private readonly lines: Model<LogLine>) {}

  /** Writes the system line that opens an app's log. Idempotent per event. */
  async recordAppCreated(event: AppCreatedEvent, eventId: string): Promise<void> {
    try {
      await this.lines.create({
        appId: event.appId,
        deploymentId: null,
        source: 'system',
        stream: 'stdout',
        timestamp: new Date(event.occurredAt),
        text: `App ${event.name} created`,
        traceId: activeTraceId(),
        key: `event:${eventId}`,
      });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
  }

  async query(request: LogsQueryRequest): Promise<LogPageDto> {
    const filter = { appId: request.appId, ...(request.source ? { source: request.source } : {}) };
    const newestFirst = await this.lines
      .find(filter)
      .sort({ timestamp: -1, _id: -1 })
      .limit(request.limit ?? 100)
      .exec();
    return { items: newestFirst.reverse().map(toLogLineDto) };
  }
}

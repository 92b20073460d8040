import { Controller, OnModuleInit } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  AppCreatedEvent,
  AppDeletedEvent,
  Consumers,
  LogBatchEvent,
  LogPageDto,
  LogsQueryRequest,
  parsePayload,
  QuerySubjects,
} from '@slipway/contracts';
import { DurableConsumers } from '@slipway/nest-messaging';
import { LogLinesService } from './log-lines.service';

/** Log batches and events in, log queries over request/reply. */
@Controller()
export class LogLinesHandler implements OnModuleInit {
  constructor(
    private readonly logLines: LogLinesService,
    private readonly consumers: DurableConsumers,
  ) {}

  onModuleInit(): void {
    this.consumers.register(Consumers.LogsOnAppCreated, AppCreatedEvent, (event, delivery) =>
      this.logLines.recordAppCreated(event, delivery.messageId),
    );
    this.consumers.register(Consumers.LogsOnLogBatch, LogBatchEvent, (batch) => this.logLines.ingest(batch));
    this.consumers.register(Consumers.LogsOnAppDeleted, AppDeletedEvent, (event) =>
      this.logLines.forgetApp(event),
    );
  }

  @MessagePattern(QuerySubjects.LogsQuery)
  query(@Payload() payload: unknown): Promise<LogPageDto> {
    return this.logLines.query(parsePayload(LogsQueryRequest, payload));
  }
}

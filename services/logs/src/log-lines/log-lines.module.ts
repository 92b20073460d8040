import { Module } from '@nestjs/common';
import { getConnectionToken } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import { LogsConfig } from '../config/logs.config';
import { LogLinesHandler } from './log-lines.handler';
import { LogLinesService } from './log-lines.service';
import { LogRetention } from './log-retention';
import { LogSegmentStore } from './store/log-segment-store';

@Module({
  controllers: [LogLinesHandler],
  providers: [
    {
      provide: LogSegmentStore,
      inject: [getConnectionToken(), LogsConfig],
      // Loaded before anything that ingests or queries is created: the catalogue must be complete first.
      useFactory: async (connection: Connection, config: LogsConfig): Promise<LogSegmentStore> => {
        const store = new LogSegmentStore(connection.getClient().db(connection.name), {
          segmentLines: config.LOG_SEGMENT_LINES,
          maxAgeDays: config.LOG_RETENTION_DAYS,
          cacheLines: config.LOG_CACHE_LINES,
        });
        await store.load();
        return store;
      },
    },
    LogLinesService,
    LogRetention,
  ],
})
export class LogLinesModule {}

import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { LogLinesHandler } from './log-lines.handler';
import { LogLinesService } from './log-lines.service';
import { LogRetention } from './log-retention';
import { LogLine, LogLineSchema } from './schemas/log-line.schema';

@Module({
  imports: [MongooseModule.forFeature([{ name: LogLine.name, schema: LogLineSchema }])],
  controllers: [LogLinesHandler],
  providers: [LogLinesService, LogRetention],
})
export class LogLinesModule {}

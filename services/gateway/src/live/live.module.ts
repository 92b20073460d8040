import { Module } from '@nestjs/common';
import { LiveController } from './live.controller';
import { LiveLogStreamService } from './live-log-stream.service';

@Module({ controllers: [LiveController], providers: [LiveLogStreamService] })
export class LiveModule {}

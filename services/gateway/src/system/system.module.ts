import { Module } from '@nestjs/common';
import { HeartbeatRegistry } from './heartbeat-registry';
import { SystemController } from './system.controller';

@Module({ controllers: [SystemController], providers: [HeartbeatRegistry] })
export class SystemModule {}

import { Module } from '@nestjs/common';
import { HeartbeatRegistry } from './heartbeat-registry';
import { MessagingHealthController } from './messaging-health.controller';
import { MessagingHealth } from './messaging-health.service';
import { SystemController } from './system.controller';

@Module({
  controllers: [SystemController, MessagingHealthController],
  providers: [HeartbeatRegistry, MessagingHealth],
})
export class SystemModule {}

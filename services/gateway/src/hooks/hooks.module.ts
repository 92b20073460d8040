import { Module } from '@nestjs/common';
import { AppsModule } from '../apps/apps.module';
import { HooksController } from './hooks.controller';
import { NotificationWebhooksController } from './notification-webhooks.controller';

@Module({ imports: [AppsModule], controllers: [HooksController, NotificationWebhooksController] })
export class HooksModule {}

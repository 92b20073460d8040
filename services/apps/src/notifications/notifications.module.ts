import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { AppsModule } from '../apps/apps.module';
import { NotificationDispatcher } from './notification-dispatcher';
import { NotificationsHandler } from './notifications.handler';
import { NotificationsService } from './notifications.service';
import { NotificationDelivery, NotificationDeliverySchema } from './schemas/notification-delivery.schema';
import { NotificationWebhook, NotificationWebhookSchema } from './schemas/notification-webhook.schema';

@Module({
  imports: [
    MongooseModule.forFeature([
      { name: NotificationWebhook.name, schema: NotificationWebhookSchema },
      { name: NotificationDelivery.name, schema: NotificationDeliverySchema },
    ]),
    AppsModule,
  ],
  controllers: [NotificationsHandler],
  providers: [NotificationsService, NotificationDispatcher],
  exports: [NotificationsService],
})
export class NotificationsModule {}

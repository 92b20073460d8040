import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  AddNotificationWebhookRequest,
  AppScopedRequest,
  DeleteNotificationWebhookRequest,
  NotificationWebhookDto,
  NotificationWebhookListDto,
  parsePayload,
  QuerySubjects,
} from '@slipway/contracts';
import { NotificationsService } from './notifications.service';

@Controller()
export class NotificationsHandler {
  constructor(private readonly notifications: NotificationsService) {}

  @MessagePattern(QuerySubjects.AppsNotificationsList)
  list(@Payload() payload: unknown): Promise<NotificationWebhookListDto> {
    const request = parsePayload(AppScopedRequest, payload);
    return this.notifications.list(request.actor, request.appId);
  }

  @MessagePattern(QuerySubjects.AppsNotificationsAdd)
  add(@Payload() payload: unknown): Promise<NotificationWebhookDto> {
    const request = parsePayload(AddNotificationWebhookRequest, payload);
    return this.notifications.add(request.actor, request.appId, request.url);
  }

  @MessagePattern(QuerySubjects.AppsNotificationsDelete)
  async delete(@Payload() payload: unknown): Promise<{ deleted: true }> {
    const request = parsePayload(DeleteNotificationWebhookRequest, payload);
    await this.notifications.delete(request.actor, request.appId, request.webhookId);
    return { deleted: true };
  }
}

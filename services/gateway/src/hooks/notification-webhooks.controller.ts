import { Body, Controller, Delete, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiOperation, ApiProperty, ApiTags, OmitType } from '@nestjs/swagger';
import {
  Actor,
  AddNotificationWebhookRequest,
  NotificationWebhookDto,
  NotificationWebhookListDto,
  QuerySubjects,
} from '@slipway/contracts';
import { RpcClient } from '@slipway/nest-messaging';
import type { Request } from 'express';
import { AppAuditTrail } from '../apps/app-audit';
import type { Authentication } from '../auth/authentication';
import { CurrentActor } from '../auth/current-actor.decorator';
import { CurrentAuthentication } from '../auth/current-authentication.decorator';

export class AddNotificationWebhookBody extends OmitType(AddNotificationWebhookRequest, [
  'actor',
  'appId',
] as const) {
  @ApiProperty({ example: 'https://hooks.slack.com/services/T000/B000/XXXX' })
  declare url: string;
}

/**
 * Outgoing notifications: Slipway POSTs a signed JSON message (with a Slack-compatible `text`) to these URLs
 * when a deployment of the app goes live or fails, retrying with backoff.
 */
@ApiTags('notifications')
@Controller('apps/:id/notifications')
export class NotificationWebhooksController {
  constructor(
    private readonly rpc: RpcClient,
    private readonly audit: AppAuditTrail,
  ) {}

  @Get()
  @ApiOperation({ summary: "An app's notification webhooks and their last delivery" })
  list(@CurrentActor() actor: Actor, @Param('id') appId: string): Promise<NotificationWebhookListDto> {
    return this.rpc.request<NotificationWebhookListDto>(QuerySubjects.AppsNotificationsList, {
      actor,
      appId,
    });
  }

  @Post()
  @ApiOperation({ summary: 'Add a notification webhook; the answer holds its signing secret, shown once' })
  async add(
    @CurrentAuthentication() authentication: Authentication,
    @Req() request: Request,
    @Param('id') appId: string,
    @Body() body: AddNotificationWebhookBody,
  ): Promise<NotificationWebhookDto> {
    const webhook = await this.rpc.request<NotificationWebhookDto>(QuerySubjects.AppsNotificationsAdd, {
      actor: authentication.actor,
      appId,
      url: body.url,
    });
    await this.audit.record(authentication, request, 'notifications.webhook-added', appId, {
      webhookId: webhook.id,
    });
    return webhook;
  }

  @Delete(':webhookId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove a notification webhook' })
  async remove(
    @CurrentAuthentication() authentication: Authentication,
    @Req() request: Request,
    @Param('id') appId: string,
    @Param('webhookId') webhookId: string,
  ): Promise<void> {
    await this.rpc.request(QuerySubjects.AppsNotificationsDelete, {
      actor: authentication.actor,
      appId,
      webhookId,
    });
    await this.audit.record(authentication, request, 'notifications.webhook-removed', appId, { webhookId });
  }
}

import { Injectable, Logger } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import {
  Actor,
  NotificationEvent,
  NotificationPayload,
  NotificationWebhookDto,
  NotificationWebhookListDto,
} from '@slipway/contracts';
import { DomainError } from '@slipway/nest-messaging';
import { isDuplicateKeyError, isObjectId, toIsoString } from '@slipway/nest-mongo';
import { SecretBox } from '@slipway/nest-secrets';
import { Model } from 'mongoose';
import { randomBytes } from 'node:crypto';
import { AppsService } from '../apps/apps.service';
import { NotificationDelivery } from './schemas/notification-delivery.schema';
import { NotificationWebhook, NotificationWebhookDocument } from './schemas/notification-webhook.schema';

const WEBHOOKS_PER_APP_MAX = 10;

/** What the notification needs to know about a deployment that settled. */
export interface SettledDeployment {
  id: string;
  appId: string;
  appName: string;
  state: string;
  trigger: string;
  url: string | null;
  commitSha: string | null;
  reason: string | null;
}

function toDto(webhook: NotificationWebhookDocument, secret?: string): NotificationWebhookDto {
  return {
    id: webhook._id.toHexString(),
    url: webhook.url,
    ...(secret ? { secret } : {}),
    createdAt: toIsoString(webhook.createdAt),
    lastDelivery: webhook.lastDelivery ?? null,
  };
}

/** A sentence for chat tools (Slack reads `text`). */
export function notificationText(event: NotificationEvent, deployment: SettledDeployment): string {
  const short = deployment.commitSha ? ` (${deployment.commitSha.slice(0, 7)})` : '';
  return event === 'deployment.succeeded'
    ? `${deployment.appName}: deployment ${deployment.id}${short} is live at ${deployment.url ?? 'its URL'}`
    : `${deployment.appName}: deployment ${deployment.id}${short} failed: ${deployment.reason ?? 'no reason given'}`;
}

/** An app's outgoing notification webhooks, and the deliveries owed to them. */
@Injectable()
export class NotificationsService {
  private readonly logger = new Logger(NotificationsService.name);
  /** Called after deliveries are stored, so the dispatcher sends them now instead of at its next tick. */
  onQueued: () => void = () => undefined;

  constructor(
    @InjectModel(NotificationWebhook.name) private readonly webhooks: Model<NotificationWebhook>,
    @InjectModel(NotificationDelivery.name) private readonly deliveries: Model<NotificationDelivery>,
    private readonly apps: AppsService,
    private readonly secrets: SecretBox,
  ) {}

  async list(actor: Actor, appId: string): Promise<NotificationWebhookListDto> {
    await this.apps.findOwned(actor, appId);
    const webhooks = await this.webhooks.find({ appId }).sort({ _id: 1 }).exec();
    return { items: webhooks.map((webhook) => toDto(webhook)) };
  }

  /** Adds a webhook and returns its signing secret, shown this once. */
  async add(actor: Actor, appId: string, url: string): Promise<NotificationWebhookDto> {
    await this.apps.findOwned(actor, appId);
    if (!this.secrets.configured) {
      throw new DomainError(
        'UNAVAILABLE',
        'Notification webhooks need a secrets key on the apps service (SECRETS_KEYS).',
      );
    }
    if ((await this.webhooks.countDocuments({ appId }).exec()) >= WEBHOOKS_PER_APP_MAX) {
      throw DomainError.conflict(`An app can have at most ${WEBHOOKS_PER_APP_MAX} notification webhooks.`);
    }
    const secret = randomBytes(32).toString('hex');
    const webhook = await this.webhooks.create({ appId, url, secret: this.secrets.seal(secret) });
    return toDto(webhook, secret);
  }

  async delete(actor: Actor, appId: string, webhookId: string): Promise<void> {
    await this.apps.findOwned(actor, appId);
    const result = isObjectId(webhookId)
      ? await this.webhooks.deleteOne({ _id: webhookId, appId }).exec()
      : null;
    if (!result?.deletedCount)
      throw DomainError.notFound(`No notification webhook "${webhookId}" on this app.`);
    await this.deliveries.deleteMany({ webhookId, state: 'pending' }).exec();
  }

  async removeAll(appId: string): Promise<void> {
    await this.webhooks.deleteMany({ appId }).exec();
    await this.deliveries.deleteMany({ appId }).exec();
  }

  /** Stores one delivery per webhook of the app (once per deployment and outcome). Never throws. */
  async deploymentSettled(event: NotificationEvent, deployment: SettledDeployment): Promise<void> {
    try {
      const webhooks = await this.webhooks.find({ appId: deployment.appId }).exec();
      if (webhooks.length === 0) return;
      const payload: NotificationPayload = {
        event,
        text: notificationText(event, deployment),
        app: { id: deployment.appId, name: deployment.appName },
        deployment: {
          id: deployment.id,
          state: deployment.state,
          trigger: deployment.trigger,
          url: deployment.url,
          commitSha: deployment.commitSha,
          reason: deployment.reason,
        },
        occurredAt: new Date().toISOString(),
      };
      for (const webhook of webhooks) {
        const webhookId = webhook._id.toHexString();
        try {
          await this.deliveries.create({
            deliveryId: `${deployment.id}:${event}:${webhookId}`,
            webhookId,
            appId: deployment.appId,
            payload,
            nextAttemptAt: new Date(),
          });
        } catch (error) {
          if (!isDuplicateKeyError(error)) throw error;
        }
      }
      this.onQueued();
    } catch (error) {
      this.logger.error(
        `Could not queue notifications for deployment ${deployment.id}: ${(error as Error).message}`,
      );
    }
  }
}

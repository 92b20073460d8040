import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { SecretBox } from '@slipway/nest-secrets';
import { Model } from 'mongoose';
import { createHmac } from 'node:crypto';
import { AppsConfig } from '../config/apps.config';
import { NotificationsService } from './notifications.service';
import { NotificationDelivery, NotificationDeliveryDocument } from './schemas/notification-delivery.schema';
import { LastDelivery, NotificationWebhook } from './schemas/notification-webhook.schema';

/** Delay before attempt `n + 1` after `n` failed attempts: base × 2^(n-1), at most an hour. */
export function retryDelayMs(failedAttempts: number, baseMs: number): number {
  return Math.min(baseMs * 2 ** Math.max(0, failedAttempts - 1), 3_600_000);
}

/**
 * Sends owed notifications: POSTs the JSON with its HMAC-SHA256 signature, retries failures (non-2xx,
 * timeouts, refused connections) with exponential backoff, gives up after NOTIFICATION_MAX_ATTEMPTS. The
 * deliveries are stored, so a restart resumes them.
 */
@Injectable()
export class NotificationDispatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(NotificationDispatcher.name);
  private timer?: NodeJS.Timeout;
  private running = false;
  private again = false;

  constructor(
    @InjectModel(NotificationDelivery.name) private readonly deliveries: Model<NotificationDelivery>,
    @InjectModel(NotificationWebhook.name) private readonly webhooks: Model<NotificationWebhook>,
    private readonly secrets: SecretBox,
    private readonly config: AppsConfig,
    notifications: NotificationsService,
  ) {
    notifications.onQueued = () => void this.dispatch();
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(
      () => void this.dispatch(),
      Math.min(this.config.NOTIFICATION_RETRY_BASE_MS, 1000),
    );
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async dispatch(): Promise<void> {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    try {
      do {
        this.again = false;
        const due = await this.deliveries
          .find({ state: 'pending', nextAttemptAt: { $lte: new Date() } })
          .sort({ nextAttemptAt: 1 })
          .limit(20)
          .exec();
        await Promise.all(due.map((delivery) => this.attempt(delivery)));
      } while (this.again);
    } catch (error) {
      this.logger.warn(`Notification dispatch failed, will retry: ${(error as Error).message}`);
    } finally {
      this.running = false;
    }
  }

  private async attempt(delivery: NotificationDeliveryDocument): Promise<void> {
    const webhook = await this.webhooks.findById(delivery.webhookId).exec();
    if (!webhook) {
      await this.deliveries.deleteOne({ _id: delivery._id }).exec();
      return;
    }
    const body = JSON.stringify(delivery.payload);
    const signature = `sha256=${createHmac('sha256', this.secrets.open(webhook.secret)).update(body).digest('hex')}`;
    const attempts = delivery.attempts + 1;
    let failure: string | null = null;
    try {
      const response = await fetch(webhook.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Slipway-Notifications/1',
          'x-slipway-event': delivery.payload.event,
          'x-slipway-delivery': delivery.deliveryId,
          'x-slipway-signature-256': signature,
        },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.config.NOTIFICATION_TIMEOUT_MS),
      });
      await response.body?.cancel();
      if (response.status < 200 || response.status >= 300) failure = `HTTP ${response.status}`;
    } catch (error) {
      failure = (error as Error).message;
    }
    const now = new Date();
    let lastDelivery: LastDelivery;
    if (failure === null) {
      await this.deliveries
        .updateOne({ _id: delivery._id }, { $set: { state: 'delivered', attempts, lastError: null } })
        .exec();
      lastDelivery = {
        state: 'delivered',
        detail: `delivered on attempt ${attempts}`,
        at: now.toISOString(),
      };
    } else if (attempts >= this.config.NOTIFICATION_MAX_ATTEMPTS) {
      await this.deliveries
        .updateOne({ _id: delivery._id }, { $set: { state: 'failed', attempts, lastError: failure } })
        .exec();
      lastDelivery = {
        state: 'failed',
        detail: `gave up after ${attempts} attempts: ${failure}`,
        at: now.toISOString(),
      };
      this.logger.warn(`Notification ${delivery.deliveryId} to ${webhook.url} failed for good: ${failure}`);
    } else {
      const nextAttemptAt = new Date(
        now.getTime() + retryDelayMs(attempts, this.config.NOTIFICATION_RETRY_BASE_MS),
      );
      await this.deliveries
        .updateOne({ _id: delivery._id }, { $set: { attempts, lastError: failure, nextAttemptAt } })
        .exec();
      lastDelivery = {
        state: 'retrying',
        detail: `attempt ${attempts} failed: ${failure}`,
        at: now.toISOString(),
      };
    }
    await this.webhooks.updateOne({ _id: webhook._id }, { $set: { lastDelivery } }).exec();
  }
}

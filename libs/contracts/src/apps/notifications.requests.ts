import { IsString, IsUrl, Length, MaxLength } from 'class-validator';
import { AppScopedRequest } from './get-app.request';

/** `rpc.apps.notifications.add`: POST a signed JSON message to this URL when a deployment succeeds or fails. */
export class AddNotificationWebhookRequest extends AppScopedRequest {
  @IsString()
  @MaxLength(2048)
  @IsUrl(
    { protocols: ['http', 'https'], require_protocol: true, require_tld: false },
    { message: 'url must be an http or https URL' },
  )
  url!: string;
}

/** `rpc.apps.notifications.delete` */
export class DeleteNotificationWebhookRequest extends AppScopedRequest {
  @IsString()
  @Length(1, 64)
  webhookId!: string;
}

export interface NotificationWebhookDto {
  id: string;
  url: string;
  /** Only in the answer to `add`: the HMAC-SHA256 key of `X-Slipway-Signature-256`. Not shown again. */
  secret?: string;
  createdAt: string;
  /** The last delivery: `delivered`, `retrying` or `failed`, with the HTTP status or error. */
  lastDelivery: { state: 'delivered' | 'retrying' | 'failed'; detail: string; at: string } | null;
}

export interface NotificationWebhookListDto {
  items: NotificationWebhookDto[];
}

export const NOTIFICATION_EVENTS = ['deployment.succeeded', 'deployment.failed'] as const;
export type NotificationEvent = (typeof NOTIFICATION_EVENTS)[number];

/**
 * The JSON body Slipway POSTs to a notification webhook. `text` makes it usable as a Slack incoming webhook
 * as it is. Signed: `X-Slipway-Signature-256: sha256=<hex HMAC-SHA256 of the body with the webhook secret>`;
 * also `X-Slipway-Event` and `X-Slipway-Delivery` (unique per message, the same on retries).
 */
export interface NotificationPayload {
  event: NotificationEvent;
  text: string;
  app: { id: string; name: string };
  deployment: {
    id: string;
    state: string;
    trigger: string;
    url: string | null;
    commitSha: string | null;
    reason: string | null;
  };
  occurredAt: string;
}

import { BaseServiceConfig } from '@slipway/nest-config';
import { IsInt, IsString, Max, Min } from 'class-validator';

export class AppsConfig extends BaseServiceConfig {
  override HTTP_PORT: number = 3001;

  /** How often events whose publication failed are published again (the outbox relay). */
  @IsInt()
  @Min(500)
  @Max(300_000)
  OUTBOX_RELAY_INTERVAL_MS: number = 5000;

  /** Keys that seal env var values and webhook secrets (`<keyId>:<base64 32 bytes>`, comma-separated). */
  @IsString()
  SECRETS_KEYS: string = '';

  /** The key new secrets are sealed with; the first of SECRETS_KEYS when empty. */
  @IsString()
  SECRETS_ACTIVE_KEY_ID: string = '';

  /** A deployment handed to the builder but not started within this long fails (the builder is down). */
  @IsInt()
  @Min(1_000)
  DEPLOYMENT_QUEUE_TIMEOUT_MS: number = 30 * 60_000;

  /** Cloning plus building may take this long (the builder's own limit is BUILD_TIMEOUT_MS, 15 min). */
  @IsInt()
  @Min(1_000)
  DEPLOYMENT_BUILD_TIMEOUT_MS: number = 20 * 60_000;

  /** Releasing (start, health checks, switch) may take this long before the deployment fails. */
  @IsInt()
  @Min(1_000)
  DEPLOYMENT_RELEASE_TIMEOUT_MS: number = 10 * 60_000;

  /** How often deadlines are checked and unpublished deployment events are published again. */
  @IsInt()
  @Min(200)
  @Max(300_000)
  DEPLOYMENT_SWEEP_INTERVAL_MS: number = 5000;

  /** Outgoing notification webhooks: first retry after this long, doubling each time. */
  @IsInt()
  @Min(100)
  NOTIFICATION_RETRY_BASE_MS: number = 5000;

  /** Attempts before a notification is given up. */
  @IsInt()
  @Min(1)
  @Max(20)
  NOTIFICATION_MAX_ATTEMPTS: number = 8;

  @IsInt()
  @Min(500)
  @Max(60_000)
  NOTIFICATION_TIMEOUT_MS: number = 5000;
}

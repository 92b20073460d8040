import { BaseServiceConfig } from '@slipway/nest-config';
import { IsInt, IsString, Max, Min } from 'class-validator';

export class GatewayConfig extends BaseServiceConfig {
  override HTTP_PORT: number = 3000;

  /** The built web portal (Angular's browser output); served at `/` when present. */
  @IsString()
  WEB_DIST_DIR: string = 'dist/web/browser';

  /** Comma-separated origins allowed to call the API from a browser; empty allows same-origin only. */
  @IsString()
  CORS_ORIGINS: string = '';

  /** Largest source archive accepted by `POST /api/v1/uploads`. */
  @IsInt()
  @Min(1024)
  UPLOAD_MAX_BYTES: number = 200 * 1024 * 1024;

  /** A service whose last heartbeat is older than this shows as down. */
  @IsInt()
  @Min(2)
  @Max(300)
  HEALTH_STALE_AFTER_SECONDS: number = 12;
}

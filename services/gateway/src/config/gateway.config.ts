import { BaseServiceConfig } from '@slipway/nest-config';
import { IsInt, IsString, Matches, Max, Min, MinLength } from 'class-validator';

export class GatewayConfig extends BaseServiceConfig {
  override HTTP_PORT: number = 3000;

  /** The built web portal (Angular's browser output); served at `/` when present. */
  @IsString()
  WEB_DIST_DIR: string = 'dist/web/browser';

  /** Comma-separated origins allowed to call the API from a browser; empty allows same-origin only. */
  @Matches(/^\s*(https?:\/\/[^\s,/]+\s*(,\s*https?:\/\/[^\s,/]+\s*)*)?$/, {
    message: 'CORS_ORIGINS must be comma-separated origins such as https://portal.example.com (no path)',
  })
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

  /** Signs access tokens (HS256). Every gateway instance needs the same value; changing it signs everyone out. */
  @MinLength(32, {
    message: 'AUTH_JWT_SECRET must be at least 32 characters (generate one with: openssl rand -base64 48)',
  })
  AUTH_JWT_SECRET: string = '';

  /** Lifetime of an access token; a refresh token gets a new one. */
  @IsInt()
  @Min(30)
  @Max(3600)
  AUTH_ACCESS_TOKEN_TTL_SECONDS: number = 900;

  /** A session (refresh token family) ends this long after sign-in unless refreshed; each refresh extends it. */
  @IsInt()
  @Min(1)
  @Max(365)
  AUTH_REFRESH_TOKEN_TTL_DAYS: number = 30;

  /** Audit events older than this are deleted (checked hourly); 0 keeps them forever. */
  @IsInt()
  @Min(0)
  AUDIT_RETENTION_DAYS: number = 365;

  /** bcrypt cost factor for passwords: each step doubles the work. */
  @IsInt()
  @Min(10)
  @Max(15)
  AUTH_BCRYPT_ROUNDS: number = 12;

  /** Sign-up, sign-in and refresh attempts allowed per client IP per minute; 0 turns the limit off. */
  @IsInt()
  @Min(0)
  RATE_LIMIT_AUTH_PER_MINUTE: number = 20;

  /** Other API requests allowed per caller (token, or IP when anonymous) per minute; 0 turns the limit off. */
  @IsInt()
  @Min(0)
  RATE_LIMIT_API_PER_MINUTE: number = 3000;

  /**
   * How long a caller's `GET /apps` page may be answered from memory. Any write through the gateway and any app
   * or deployment event forgets it at once, so this bounds staleness only for changes that send neither. 0 off.
   */
  @IsInt()
  @Min(0)
  @Max(60_000)
  APP_LIST_CACHE_MS: number = 2_000;

  /** Largest JSON or form body the API accepts (uploads have UPLOAD_MAX_BYTES). */
  @IsInt()
  @Min(1024)
  @Max(50 * 1024 * 1024)
  BODY_MAX_BYTES: number = 1024 * 1024;

  /**
   * Express's `trust proxy`: the number of reverse proxies in front of the gateway (so the client IP used
   * for rate limits and the audit log comes from X-Forwarded-For). 0 when clients connect directly.
   */
  @IsInt()
  @Min(0)
  @Max(10)
  TRUST_PROXY_HOPS: number = 0;
}

/** Parsed `CORS_ORIGINS`. */
export function corsOrigins(config: GatewayConfig): string[] {
  return config.CORS_ORIGINS.split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);
}

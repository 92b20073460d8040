import { SetMetadata } from '@nestjs/common';
import type { ApiTokenScope } from './scopes';

export const REQUIRED_SCOPES = 'slipway:required-scopes';
export const SESSION_ONLY = 'slipway:session-only';
export const ADMIN_ONLY = 'slipway:admin-only';
export const AUTH_RATE_LIMITED = 'slipway:auth-rate-limited';

/**
 * The scopes an API token needs for this handler (all of them). Without it, GET/HEAD need `apps:read`
 * and other methods `apps:write`. Signed-in users are not limited by scopes.
 */
export const RequireScope = (...scopes: ApiTokenScope[]): MethodDecorator & ClassDecorator =>
  SetMetadata(REQUIRED_SCOPES, scopes);

/** Only a signed-in user (an access token) may call this; API tokens get 403. */
export const SessionOnly = (): MethodDecorator & ClassDecorator => SetMetadata(SESSION_ONLY, true);

/** Only a signed-in administrator may call this (implies `@SessionOnly()`). */
export const AdminOnly = (): MethodDecorator & ClassDecorator => SetMetadata(ADMIN_ONLY, true);

/** Sign-up, sign-in and refresh: counted against the strict per-IP limit (RATE_LIMIT_AUTH_PER_MINUTE). */
export const AuthRateLimited = (): MethodDecorator & ClassDecorator => SetMetadata(AUTH_RATE_LIMITED, true);

import type { UserRole } from '@slipway/contracts';

/*
 * Shapes of gateway endpoints whose DTOs live in the gateway (services/gateway/src/<feature>/dto), not in
 * @slipway/contracts, which is all the web may import. Mirrored here field by field; move to the
 * contracts' types if they move there.
 */

/** services/gateway/src/users/dto/user.dto.ts */
export interface UserDto {
  id: string;
  email: string;
  role: UserRole;
  /** When an administrator disabled the account. */
  disabledAt: string | null;
  lastSignInAt: string | null;
  createdAt: string;
}

export interface UserListDto {
  items: UserDto[];
  nextCursor: string | null;
}

/** services/gateway/src/auth/dto/session-tokens.dto.ts: `POST /auth/signup|login|refresh`. */
export interface SessionTokensDto {
  accessToken: string;
  tokenType: 'Bearer';
  /** Seconds until the access token expires. */
  expiresIn: number;
  /** Works once: each refresh returns the next one. */
  refreshToken: string;
  user: UserDto;
}

/** `GET /auth/me` */
export interface MeDto {
  user: UserDto;
  authenticatedWith: 'session' | 'api-token';
  scopes: ApiTokenScope[] | null;
}

/** services/gateway/src/auth/scopes.ts */
export const API_TOKEN_SCOPES = ['apps:read', 'apps:write', 'deploy', 'secrets:read'] as const;
export type ApiTokenScope = (typeof API_TOKEN_SCOPES)[number];
export const API_TOKEN_SCOPE_DESCRIPTIONS: Record<ApiTokenScope, string> = {
  'apps:read': 'read apps, deployments, releases, logs and status (env var values stay masked)',
  'apps:write': 'create, change and delete apps, env vars and domains',
  deploy: 'deploy, redeploy, cancel, roll back, stop, start, restart and scale',
  'secrets:read': 'reveal env var values',
};

/** services/gateway/src/api-tokens/dto: `GET /auth/tokens` item. */
export interface ApiTokenDto {
  id: string;
  name: string;
  scopes: ApiTokenScope[];
  /** The start of the value, e.g. "slw_AbC12345", to tell tokens apart. */
  displayPrefix: string;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** `POST /auth/tokens`: the value, shown only in this answer. */
export interface CreatedApiTokenDto extends ApiTokenDto {
  token: string;
}

export interface CreateApiTokenBody {
  name: string;
  scopes: ApiTokenScope[];
  expiresInDays?: number;
}

/** `GET /admin/audit` item (services/gateway/src/audit). */
export interface AuditEventDto {
  id: string;
  at: string;
  actorId: string | null;
  actorRole: UserRole | null;
  via: 'session' | 'api-token' | null;
  action: string;
  outcome: 'success' | 'failure';
  appId: string | null;
  target: string | null;
  ip: string | null;
  userAgent: string | null;
  details: Record<string, string | number | boolean | string[]>;
}

/** A list answer: `{ items }`, possibly paged. */
export interface ListDto<T> {
  items: T[];
  nextCursor?: string | null;
}

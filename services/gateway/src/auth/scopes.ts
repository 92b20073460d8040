/**
 * What an API token may do. Signed-in users (access tokens) may do everything their role allows; an API
 * token only what its scopes name, and never manage tokens, sign out sessions or use admin endpoints.
 */
export const API_TOKEN_SCOPES = ['apps:read', 'apps:write', 'deploy', 'secrets:read'] as const;
export type ApiTokenScope = (typeof API_TOKEN_SCOPES)[number];

export const API_TOKEN_SCOPE_DESCRIPTIONS: Record<ApiTokenScope, string> = {
  'apps:read': 'read apps, deployments, releases, logs and status (env var values stay masked)',
  'apps:write': 'create, change and delete apps, env vars and domains',
  deploy: 'deploy, redeploy, cancel, roll back, stop, start, restart and scale',
  'secrets:read': 'reveal env var values',
};

/** The scope a handler without `@RequireScope` needs: reading for GET/HEAD, writing for anything else. */
export function defaultScopeFor(method: string): ApiTokenScope {
  return method === 'GET' || method === 'HEAD' ? 'apps:read' : 'apps:write';
}

import { ConfigValidationError, loadConfig } from '@slipway/nest-config';
import { corsOrigins, GatewayConfig } from './gateway.config';

const SECRET = 'x'.repeat(48);

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(GatewayConfig, env);
  } catch (error) {
    if (error instanceof ConfigValidationError) return error.problems;
    throw error;
  }
  return [];
}

describe('GatewayConfig', () => {
  it('refuses to start without an access-token key, and says how to make one', () => {
    expect(problemsOf({})).toEqual([
      'AUTH_JWT_SECRET is not set: AUTH_JWT_SECRET must be at least 32 characters (generate one with: openssl rand -base64 48)',
    ]);
  });

  it('never shows a short key in the message', () => {
    const problems = problemsOf({ AUTH_JWT_SECRET: 'hunter2-too-short' });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('is set but invalid (value hidden)');
    expect(problems[0]).not.toContain('hunter2');
  });

  it('reads the limits and allows 0 to turn a rate limit off', () => {
    const config = loadConfig(GatewayConfig, {
      AUTH_JWT_SECRET: SECRET,
      RATE_LIMIT_API_PER_MINUTE: '0',
      TRUST_PROXY_HOPS: '1',
    });
    expect(config).toMatchObject({
      RATE_LIMIT_API_PER_MINUTE: 0,
      RATE_LIMIT_AUTH_PER_MINUTE: 20,
      TRUST_PROXY_HOPS: 1,
      AUTH_BCRYPT_ROUNDS: 12,
    });
    expect(problemsOf({ AUTH_JWT_SECRET: SECRET, AUTH_BCRYPT_ROUNDS: '4' })).toEqual([
      expect.stringContaining('AUTH_BCRYPT_ROUNDS is "4"'),
    ]);
  });

  it('accepts only origins (scheme, host, port) in CORS_ORIGINS', () => {
    const config = loadConfig(GatewayConfig, {
      AUTH_JWT_SECRET: SECRET,
      CORS_ORIGINS: 'https://portal.example.com, http://localhost:4200',
    });
    expect(corsOrigins(config)).toEqual(['https://portal.example.com', 'http://localhost:4200']);
    expect(problemsOf({ AUTH_JWT_SECRET: SECRET, CORS_ORIGINS: 'https://portal.example.com/app' })).toEqual([
      expect.stringContaining('CORS_ORIGINS must be comma-separated origins'),
    ]);
  });
});

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Refresh and API tokens are 256 random bits, so a plain SHA-256 is the right way to store them: a slow
 * password hash adds nothing against guessing and would cost a bcrypt round on every request.
 */
export function hashTokenSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export function newTokenSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}

export const REFRESH_TOKEN_PREFIX = 'slr_';

/** `slr_<session id>.<secret>`: the id finds the session, the secret proves possession. */
export function formatRefreshToken(sessionId: string, secret: string): string {
  return `${REFRESH_TOKEN_PREFIX}${sessionId}.${secret}`;
}

export function parseRefreshToken(token: string): { sessionId: string; secret: string } | null {
  const match = /^slr_([a-f0-9]{24})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!match) return null;
  return { sessionId: match[1] as string, secret: match[2] as string };
}

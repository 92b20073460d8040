import {
  formatRefreshToken,
  hashTokenSecret,
  newTokenSecret,
  parseRefreshToken,
  sameHash,
} from './token-secrets';

describe('token secrets', () => {
  it('makes 256-bit URL-safe secrets that never repeat', () => {
    const secrets = new Set(Array.from({ length: 100 }, () => newTokenSecret()));
    expect(secrets.size).toBe(100);
    for (const secret of secrets) expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('stores a SHA-256 of the secret, never the secret', () => {
    const secret = newTokenSecret();
    const hash = hashTokenSecret(secret);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).not.toContain(secret);
    expect(hashTokenSecret(secret)).toBe(hash);
    expect(sameHash(hash, hashTokenSecret(secret))).toBe(true);
    expect(sameHash(hash, hashTokenSecret(newTokenSecret()))).toBe(false);
    expect(sameHash(hash, 'abcd')).toBe(false);
  });

  it('reads back the session id and secret of a refresh token it wrote', () => {
    const secret = newTokenSecret();
    const token = formatRefreshToken('665f1c2e9b1d4a0012345678', secret);
    expect(token).toMatch(/^slr_665f1c2e9b1d4a0012345678\./);
    expect(parseRefreshToken(token)).toEqual({ sessionId: '665f1c2e9b1d4a0012345678', secret });
  });

  it.each([
    ['an access token', 'eyJhbGciOiJIUzI1NiJ9.e30.sig'],
    ['an API token', `slw_${newTokenSecret()}`],
    ['a truncated token', formatRefreshToken('665f1c2e9b1d4a0012345678', newTokenSecret()).slice(0, -1)],
    ['a bad session id', `slr_not-an-id.${newTokenSecret()}`],
  ])('refuses %s as a refresh token', (_what, token) => {
    expect(parseRefreshToken(token)).toBeNull();
  });
});

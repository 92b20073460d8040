import { JwtService } from '@nestjs/jwt';
import { createHmac } from 'node:crypto';
import { GatewayConfig } from '../config/gateway.config';
import { AccessTokensService } from './access-tokens.service';

const SECRET = 'a-test-secret-that-is-at-least-32-characters';

function service(secret = SECRET, ttlSeconds = 900): AccessTokensService {
  const config = Object.assign(new GatewayConfig(), {
    AUTH_JWT_SECRET: secret,
    AUTH_ACCESS_TOKEN_TTL_SECONDS: ttlSeconds,
  });
  return new AccessTokensService(new JwtService({ secret }), config);
}

const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('AccessTokensService', () => {
  const claims = { sub: '665f1c2e9b1d4a0012345678', sid: '665f1c2e9b1d4a0012345679', ver: 3 };

  it('issues an HS256 token that it verifies back to the same claims', async () => {
    const tokens = service();
    const { accessToken, expiresIn } = await tokens.issue(claims);
    expect(expiresIn).toBe(900);
    const header = JSON.parse(
      Buffer.from(accessToken.split('.')[0] as string, 'base64url').toString(),
    ) as object;
    expect(header).toEqual({ alg: 'HS256', typ: 'JWT' });
    const verified = await tokens.verify(accessToken);
    expect(verified).toEqual({
      claims: expect.objectContaining({ ...claims, typ: 'access', iss: 'slipway', aud: 'slipway-api' }),
    });
  });

  it('refuses a token signed with another secret', async () => {
    const { accessToken } = await service('another-secret-that-is-at-least-32-characters').issue(claims);
    expect(await service().verify(accessToken)).toEqual({ problem: 'The access token is not valid.' });
  });

  it('refuses an unsigned token (alg "none")', async () => {
    const unsigned = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ ...claims, typ: 'access', iss: 'slipway', aud: 'slipway-api', exp: Math.floor(Date.now() / 1000) + 60 })}.`;
    expect(await service().verify(unsigned)).toEqual({ problem: 'The access token is not valid.' });
  });

  it('says an expired token has expired and how to get a new one', async () => {
    const now = Math.floor(Date.now() / 1000);
    const payload = base64url({
      ...claims,
      typ: 'access',
      iss: 'slipway',
      aud: 'slipway-api',
      iat: now - 120,
      exp: now - 60,
    });
    const head = base64url({ alg: 'HS256', typ: 'JWT' });
    const signature = createHmac('sha256', SECRET).update(`${head}.${payload}`).digest('base64url');
    expect(await service().verify(`${head}.${payload}.${signature}`)).toEqual({
      problem: 'The access token has expired. Get a new one with POST /api/v1/auth/refresh.',
    });
  });

  it('refuses a validly signed token that is not an access token', async () => {
    const jwt = new JwtService({ secret: SECRET });
    const other = await jwt.signAsync(
      { sub: claims.sub, typ: 'refresh' },
      { issuer: 'slipway', audience: 'slipway-api' },
    );
    expect(await service().verify(other)).toEqual({ problem: 'This is not an access token.' });
    const foreign = await jwt.signAsync(
      { ...claims, typ: 'access' },
      { issuer: 'someone-else', audience: 'slipway-api' },
    );
    expect(await service().verify(foreign)).toEqual({ problem: 'The access token is not valid.' });
  });

  describe('remembering verified tokens', () => {
    afterEach(() => jest.useRealTimers());

    it('checks the signature of a token once, and answers later requests with the same claims', async () => {
      const jwt = new JwtService({ secret: SECRET });
      const tokens = new AccessTokensService(
        jwt,
        Object.assign(new GatewayConfig(), { AUTH_JWT_SECRET: SECRET, AUTH_ACCESS_TOKEN_TTL_SECONDS: 900 }),
      );
      const { accessToken } = await tokens.issue(claims);
      const verifyAsync = jest.spyOn(jwt, 'verifyAsync');
      const first = await tokens.verify(accessToken);
      const second = await tokens.verify(accessToken);
      expect(second).toEqual(first);
      expect(second).toEqual({ claims: expect.objectContaining(claims) });
      expect(verifyAsync).toHaveBeenCalledTimes(1);
    });

    it('refuses a remembered token once it has expired', async () => {
      jest.useFakeTimers({ now: new Date('2026-11-29T12:00:00Z'), doNotFake: ['nextTick', 'setImmediate'] });
      const tokens = service(SECRET, 60);
      const { accessToken } = await tokens.issue(claims);
      expect(await tokens.verify(accessToken)).toEqual({ claims: expect.objectContaining(claims) });
      jest.setSystemTime(new Date('2026-11-29T12:00:59Z'));
      expect(await tokens.verify(accessToken)).toEqual({ claims: expect.objectContaining(claims) });
      jest.setSystemTime(new Date('2026-11-29T12:01:00Z'));
      expect(await tokens.verify(accessToken)).toEqual({
        problem: 'The access token has expired. Get a new one with POST /api/v1/auth/refresh.',
      });
    });

    it('verifies a token that differs from a remembered one in full, and refuses a forged signature', async () => {
      const tokens = service();
      const { accessToken } = await tokens.issue(claims);
      await tokens.verify(accessToken);
      const [head, payload] = accessToken.split('.');
      const forgedPayload = base64url({
        ...(JSON.parse(Buffer.from(payload as string, 'base64url').toString()) as object),
        sub: '665f1c2e9b1d4a00ffffffff',
      });
      const forged = `${head}.${forgedPayload}.${accessToken.split('.')[2]}`;
      expect(await tokens.verify(forged)).toEqual({ problem: 'The access token is not valid.' });
    });
  });
});

import {
  bearerHeaders,
  createApiToken,
  Platform,
  signIn,
  signUp,
  SignedInUser,
  startPlatform,
  uniqueEmail,
} from '@slipway/testing';

interface Problem {
  status: number;
  title: string;
  detail: string;
}

// Accounts, sessions and API tokens through the real gateway process, with its real database.
describe('gateway authentication', () => {
  let platform: Platform;
  let admin: SignedInUser;
  let user: SignedInUser;

  beforeAll(async () => {
    platform = await startPlatform({ services: ['gateway'], env: { LOG_LEVEL: 'debug' } });
    admin = await signUp(platform.gatewayUrl, { email: uniqueEmail('first') });
    user = await signUp(platform.gatewayUrl);
  }, 180_000);

  afterAll(async () => {
    await platform?.stop();
  }, 60_000);

  const url = (path: string) => `${platform.gatewayUrl}/api/v1${path}`;

  async function call(
    method: string,
    path: string,
    options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<{ status: number; body: unknown; headers: Headers }> {
    const response = await fetch(url(path), {
      method,
      headers: {
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(options.token ? bearerHeaders(options.token) : {}),
        ...options.headers,
      },
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, body, headers: response.headers };
  }

  it('signs a new user up and tells them who they are', async () => {
    const email = uniqueEmail('Mixed-Case').replace('mixed', 'MiXeD');
    const signedUp = await signUp(platform.gatewayUrl, { email });
    const me = await call('GET', '/auth/me', { token: signedUp.accessToken });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({
      user: { id: signedUp.userId, email: email.toLowerCase(), role: 'user', disabledAt: null },
      authenticatedWith: 'session',
      scopes: null,
    });
  });

  it('makes the first user an administrator and the next ones plain users', () => {
    expect(admin.role).toBe('admin');
    expect(user.role).toBe('user');
  });

  it('refuses a second account with the same email', async () => {
    const again = await call('POST', '/auth/signup', {
      body: { email: user.email.toUpperCase(), password: 'another-good-password' },
    });
    expect(again.status).toBe(409);
    expect((again.body as Problem).detail).toContain('already exists');
  });

  it('explains the password rules when a password is too weak', async () => {
    const weak = await call('POST', '/auth/signup', { body: { email: uniqueEmail(), password: 'short' } });
    expect(weak.status).toBe(400);
    expect(weak.headers.get('content-type')).toContain('application/problem+json');
    expect((weak.body as Problem).detail).toContain('at least 10 characters');
    const badEmail = await call('POST', '/auth/signup', {
      body: { email: 'not-an-email', password: 'long-enough-password' },
    });
    expect(badEmail.status).toBe(400);
    expect((badEmail.body as Problem).detail).toContain('email must be an email address');
  });

  it('answers a wrong password with 401 and a clear message, the same as an unknown email', async () => {
    const wrong = await call('POST', '/auth/login', {
      body: { email: user.email, password: 'not-the-password' },
    });
    expect(wrong.status).toBe(401);
    expect((wrong.body as Problem).detail).toBe('The email or the password is wrong.');
    const unknown = await call('POST', '/auth/login', {
      body: { email: uniqueEmail(), password: 'whatever-password' },
    });
    expect(unknown.status).toBe(401);
    expect((unknown.body as Problem).detail).toBe('The email or the password is wrong.');
  });

  it('refuses API requests without a token, with a bad token, and with a token signed by another key', async () => {
    const none = await call('GET', '/auth/me');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toContain('Bearer');
    expect((none.body as Problem).detail).toContain('Authorization: Bearer');
    const garbage = await call('GET', '/auth/me', { token: 'not-a-token' });
    expect(garbage.status).toBe(401);
    const [header, payload] = user.accessToken.split('.');
    const forged = await call('GET', '/auth/me', { token: `${header}.${payload}.c2lnbmF0dXJl` });
    expect(forged.status).toBe(401);
    expect((forged.body as Problem).detail).toBe('The access token is not valid.');
  });

  it('keeps health, docs and the public health summary open', async () => {
    expect((await fetch(`${platform.gatewayUrl}/health/ready`)).status).toBe(200);
    expect((await fetch(`${platform.gatewayUrl}/api/docs/openapi.json`)).status).toBe(200);
    expect((await call('GET', '/system/health')).status).toBe(200);
  });

  it('rotates refresh tokens and ends the session when a used one comes back', async () => {
    const session = await signIn(platform.gatewayUrl, user.email, user.password);
    const first = await call('POST', '/auth/refresh', { body: { refreshToken: session.refreshToken } });
    expect(first.status).toBe(200);
    const rotated = first.body as { accessToken: string; refreshToken: string };
    expect(rotated.refreshToken).not.toBe(session.refreshToken);
    expect((await call('GET', '/auth/me', { token: rotated.accessToken })).status).toBe(200);

    // The old refresh token again: someone else may hold it, so the whole session ends.
    const reused = await call('POST', '/auth/refresh', { body: { refreshToken: session.refreshToken } });
    expect(reused.status).toBe(401);
    expect((reused.body as Problem).detail).toContain('already used');
    const afterReuse = await call('POST', '/auth/refresh', { body: { refreshToken: rotated.refreshToken } });
    expect(afterReuse.status).toBe(401);
    expect((await call('GET', '/auth/me', { token: rotated.accessToken })).status).toBe(401);
    // Other sessions of the user are untouched.
    expect((await call('GET', '/auth/me', { token: user.accessToken })).status).toBe(200);
  });

  it('signs one session out with logout', async () => {
    const session = await signIn(platform.gatewayUrl, user.email, user.password);
    expect((await call('POST', '/auth/logout', { token: session.accessToken })).status).toBe(204);
    expect((await call('GET', '/auth/me', { token: session.accessToken })).status).toBe(401);
    expect(
      (await call('POST', '/auth/refresh', { body: { refreshToken: session.refreshToken } })).status,
    ).toBe(401);
  });

  it('signs every session out with logout-all, but leaves API tokens working', async () => {
    const someone = await signUp(platform.gatewayUrl);
    const laptop = await signIn(platform.gatewayUrl, someone.email, someone.password);
    const { token } = await createApiToken(platform.gatewayUrl, someone, { scopes: ['apps:read'] });

    const result = await call('POST', '/auth/logout-all', { token: laptop.accessToken });
    expect(result.status).toBe(200);
    expect(result.body).toEqual({ sessionsEnded: 2 });
    for (const session of [someone, laptop]) {
      const me = await call('GET', '/auth/me', { token: session.accessToken });
      expect(me.status).toBe(401);
      expect((me.body as Problem).detail).toContain('Sign in again');
      expect(
        (await call('POST', '/auth/refresh', { body: { refreshToken: session.refreshToken } })).status,
      ).toBe(401);
    }
    expect((await call('GET', '/auth/me', { token })).status).toBe(200);
    expect((await signIn(platform.gatewayUrl, someone.email, someone.password)).accessToken).toBeTruthy();
  });
});

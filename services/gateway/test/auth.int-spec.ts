import {
  bearerHeaders,
  createApiToken,
  Platform,
  signIn,
  signUp,
  SignedInUser,
  startPlatform,
  uniqueEmail,
  waitFor,
} from '@slipway/testing';
import { MongoClient, ObjectId } from 'mongodb';

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
    const openApi = await fetch(`${platform.gatewayUrl}/api/docs/openapi.json`);
    expect(openApi.status).toBe(200);
    // The document says which operations need the bearer token and which are open.
    const document = (await openApi.json()) as {
      security: unknown;
      paths: Record<string, Record<string, { security?: unknown }>>;
    };
    expect(document.security).toEqual([{ bearer: [] }]);
    expect(document.paths['/api/v1/auth/login']?.['post']?.security).toEqual([{}]);
    expect(document.paths['/api/v1/system/health']?.['get']?.security).toEqual([{}]);
    expect(document.paths['/api/v1/auth/me']?.['get']?.security).toEqual([{ bearer: [] }]);
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

  it('lets only one of several refreshes racing with the same token win, and ends the session', async () => {
    // Several rounds of 6 at once: on FerretDB, unguarded, more than one would pass the conditional update.
    for (let round = 0; round < 5; round += 1) {
      const session = await signIn(platform.gatewayUrl, user.email, user.password);
      const answers = await Promise.all(
        Array.from({ length: 6 }, () =>
          call('POST', '/auth/refresh', { body: { refreshToken: session.refreshToken } }),
        ),
      );
      const winners = answers.filter((answer) => answer.status === 200);
      expect(winners).toHaveLength(1);
      expect(answers.filter((answer) => answer.status === 401)).toHaveLength(5);
      // The losers presented a token that had just been used: the session ends, the winner's token too.
      const winner = winners[0]?.body as { refreshToken: string };
      expect(
        (await call('POST', '/auth/refresh', { body: { refreshToken: winner.refreshToken } })).status,
      ).toBe(401);
    }
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
  describe('API tokens', () => {
    it('shows the value once, works as a bearer token, and stops working when revoked', async () => {
      const created = await call('POST', '/auth/tokens', {
        token: user.accessToken,
        body: { name: 'CI deploys', scopes: ['apps:read', 'deploy'] },
      });
      expect(created.status).toBe(201);
      const token = created.body as { id: string; token: string; displayPrefix: string; scopes: string[] };
      expect(token.token).toMatch(/^slw_[A-Za-z0-9_-]{43}$/);
      expect(token.token.startsWith(token.displayPrefix)).toBe(true);
      expect(token.scopes).toEqual(['apps:read', 'deploy']);

      const listed = await call('GET', '/auth/tokens', { token: user.accessToken });
      expect(listed.status).toBe(200);
      expect(JSON.stringify(listed.body)).not.toContain(token.token);
      expect((listed.body as { items: Array<{ id: string }> }).items.map((item) => item.id)).toContain(
        token.id,
      );

      const me = await call('GET', '/auth/me', { token: token.token });
      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({
        user: { id: user.userId },
        authenticatedWith: 'api-token',
        scopes: ['apps:read', 'deploy'],
      });

      // Another user cannot even see that the token exists.
      expect((await call('DELETE', `/auth/tokens/${token.id}`, { token: admin.accessToken })).status).toBe(
        404,
      );
      const revoked = await call('DELETE', `/auth/tokens/${token.id}`, { token: user.accessToken });
      expect(revoked.status).toBe(200);
      expect((revoked.body as { revokedAt: string | null }).revokedAt).not.toBeNull();
      const after = await call('GET', '/auth/me', { token: token.token });
      expect(after.status).toBe(401);
      expect((after.body as Problem).detail).toBe('This API token has been revoked.');
      const unknown = await call('GET', '/auth/me', { token: `slw_${'x'.repeat(43)}` });
      expect(unknown.status).toBe(401);
      expect((unknown.body as Problem).detail).toBe('This API token is unknown.');
    });

    it('enforces scopes: a read token cannot write, a write token can', async () => {
      const reader = await createApiToken(platform.gatewayUrl, user, { scopes: ['apps:read'] });
      const writer = await createApiToken(platform.gatewayUrl, user, { scopes: ['apps:write'] });
      const refused = await call('POST', '/uploads', { token: reader.token });
      expect(refused.status).toBe(403);
      expect((refused.body as Problem).detail).toContain('lacks the scope "apps:write"');
      // Past the guard: the uploads endpoint itself answers (the body is empty).
      const allowed = await call('POST', '/uploads', { token: writer.token });
      expect(allowed.status).toBe(400);
      expect((allowed.body as Problem).detail).toContain('The request body is empty');
    });

    it('rejects bad token requests with reasons', async () => {
      const bad = await call('POST', '/auth/tokens', {
        token: user.accessToken,
        body: { name: '', scopes: ['root'] },
      });
      expect(bad.status).toBe(400);
      expect(JSON.stringify(bad.body)).toContain(
        'each scope must be one of: apps:read, apps:write, deploy, secrets:read',
      );
    });

    it('cannot manage tokens, sign out sessions or use admin endpoints', async () => {
      const adminToken = await createApiToken(platform.gatewayUrl, admin, {
        scopes: ['apps:read', 'apps:write', 'deploy', 'secrets:read'],
      });
      for (const [method, path] of [
        ['POST', '/auth/tokens'],
        ['GET', '/auth/tokens'],
        ['POST', '/auth/logout-all'],
        ['GET', '/admin/users'],
        ['GET', '/admin/audit'],
      ] as const) {
        const response = await call(method, path, {
          token: adminToken.token,
          body: method === 'POST' ? {} : undefined,
        });
        expect({ method, path, status: response.status }).toEqual({ method, path, status: 403 });
        expect((response.body as Problem).detail).toContain('API tokens cannot be used here');
      }
    });
  });

  describe('administration', () => {
    it('is for administrators only: a user gets 403 on every admin endpoint', async () => {
      for (const [method, path] of [
        ['GET', '/admin/users'],
        ['GET', '/admin/audit'],
        ['POST', `/admin/users/${admin.userId}/disable`],
        ['POST', `/admin/users/${admin.userId}/enable`],
      ] as const) {
        const response = await call(method, path, { token: user.accessToken });
        expect({ method, path, status: response.status }).toEqual({ method, path, status: 403 });
        expect((response.body as Problem).detail).toBe('Only Slipway administrators can do this.');
      }
    });

    it('lists every user a page at a time', async () => {
      const first = await call('GET', '/admin/users?limit=1', { token: admin.accessToken });
      expect(first.status).toBe(200);
      const page = first.body as {
        items: Array<{ id: string; email: string; role: string }>;
        nextCursor: string;
      };
      expect(page.items).toEqual([expect.objectContaining({ id: admin.userId, role: 'admin' })]);
      expect(page.nextCursor).toBe(admin.userId);
      const rest = await call('GET', `/admin/users?limit=200&cursor=${page.nextCursor}`, {
        token: admin.accessToken,
      });
      const ids = (rest.body as { items: Array<{ id: string }> }).items.map((item) => item.id);
      expect(ids).toContain(user.userId);
      expect(ids).not.toContain(admin.userId);
      expect(JSON.stringify(rest.body)).not.toContain('passwordHash');
      const search = await call(
        'GET',
        `/admin/users?email=${encodeURIComponent(admin.email.slice(0, 10).toUpperCase())}`,
        {
          token: admin.accessToken,
        },
      );
      expect((search.body as { items: Array<{ id: string }> }).items.map((item) => item.id)).toEqual([
        admin.userId,
      ]);
      const bad = await call('GET', '/admin/users?limit=0&cursor=nope', { token: admin.accessToken });
      expect(bad.status).toBe(400);
    });

    it('locks a disabled user out at once, tokens included, and lets them back in when enabled', async () => {
      const target = await signUp(platform.gatewayUrl);
      const token = await createApiToken(platform.gatewayUrl, target, { scopes: ['apps:read'] });

      const disabled = await call('POST', `/admin/users/${target.userId}/disable`, {
        token: admin.accessToken,
      });
      expect(disabled.status).toBe(200);
      expect((disabled.body as { disabledAt: string | null }).disabledAt).not.toBeNull();

      for (const credential of [target.accessToken, token.token]) {
        const me = await call('GET', '/auth/me', { token: credential });
        expect(me.status).toBe(401);
        expect((me.body as Problem).detail).toContain('This account is disabled');
      }
      const login = await call('POST', '/auth/login', {
        body: { email: target.email, password: target.password },
      });
      expect(login.status).toBe(403);
      expect((login.body as Problem).detail).toContain('This account is disabled');
      expect(
        (await call('POST', '/auth/refresh', { body: { refreshToken: target.refreshToken } })).status,
      ).toBe(401);

      expect(
        (await call('POST', `/admin/users/${target.userId}/enable`, { token: admin.accessToken })).status,
      ).toBe(200);
      const back = await signIn(platform.gatewayUrl, target.email, target.password);
      expect((await call('GET', '/auth/me', { token: back.accessToken })).status).toBe(200);
      // Sessions from before stay ended; the API token works again.
      expect((await call('GET', '/auth/me', { token: target.accessToken })).status).toBe(401);
      expect((await call('GET', '/auth/me', { token: token.token })).status).toBe(200);
    });

    it('does not let an administrator disable themselves, and says so', async () => {
      const response = await call('POST', `/admin/users/${admin.userId}/disable`, {
        token: admin.accessToken,
      });
      expect(response.status).toBe(409);
      expect((response.body as Problem).detail).toContain('cannot disable your own account');
      expect(
        (await call('POST', '/admin/users/000000000000000000000000/disable', { token: admin.accessToken }))
          .status,
      ).toBe(404);
    });

    it('keeps an audit log of who did what, when and from where, with filters and pages', async () => {
      const agent = 'audit-test-agent/1.0';
      const someone = await signUp(platform.gatewayUrl);
      await call('POST', '/auth/login', {
        body: { email: someone.email, password: 'a-wrong-password' },
        headers: { 'user-agent': agent },
      });
      await call('POST', '/auth/login', {
        body: { email: someone.email, password: someone.password },
        // Not behind a trusted proxy (TRUST_PROXY_HOPS=0): a forwarded address is ignored.
        headers: { 'user-agent': agent, 'x-forwarded-for': '192.0.2.1' },
      });

      type AuditPage = {
        items: Array<{
          id: string;
          at: string;
          action: string;
          actorId: string | null;
          outcome: string;
          ip: string;
          userAgent: string;
          details: Record<string, unknown>;
        }>;
        nextCursor: string | null;
      };
      const mine = await call('GET', `/admin/audit?actorId=${someone.userId}`, { token: admin.accessToken });
      expect(mine.status).toBe(200);
      const events = (mine.body as AuditPage).items;
      expect(events.map((event) => event.action)).toEqual(['auth.logged-in', 'auth.signed-up']);
      expect(events[0]).toMatchObject({
        outcome: 'success',
        userAgent: agent,
        ip: expect.stringMatching(/127\.0\.0\.1/),
      });

      const failed = await call('GET', '/admin/audit?action=auth.login-failed&outcome=failure', {
        token: admin.accessToken,
      });
      const failures = (failed.body as AuditPage).items;
      expect(failures[0]).toMatchObject({
        actorId: null,
        userAgent: agent,
        details: { email: someone.email },
      });
      expect(JSON.stringify(failed.body)).not.toContain('a-wrong-password');

      // A password typed into the email field is not kept.
      await call('POST', '/auth/login', {
        body: { email: 'Typed-My-Passw0rd', password: 'whatever-password' },
      });
      const latest = await call('GET', '/admin/audit?action=auth.login-failed&limit=1', {
        token: admin.accessToken,
      });
      expect((latest.body as AuditPage).items[0]?.details).toEqual({
        email: '(not an email address)',
        reason: 'wrong email or password',
      });
      expect(JSON.stringify(latest.body)).not.toContain('Typed-My-Passw0rd'.toLowerCase());

      const family = await call('GET', '/admin/audit?action=admin.&limit=200', { token: admin.accessToken });
      const adminActions = (family.body as AuditPage).items.map((event) => event.action);
      expect(adminActions).toEqual(expect.arrayContaining(['admin.user-disabled', 'admin.user-enabled']));
      expect(adminActions.every((action) => action.startsWith('admin.'))).toBe(true);

      const first = (await call('GET', '/admin/audit?limit=2', { token: admin.accessToken }))
        .body as AuditPage;
      expect(first.items).toHaveLength(2);
      const second = (
        await call('GET', `/admin/audit?limit=2&cursor=${first.nextCursor}`, { token: admin.accessToken })
      ).body as AuditPage;
      expect(second.items).toHaveLength(2);
      const times = [...first.items, ...second.items].map((event) => Date.parse(event.at));
      expect([...times].sort((a, b) => b - a)).toEqual(times);
      expect(new Set([...first.items, ...second.items].map((event) => event.id)).size).toBe(4);

      const since = new Date(Date.now() + 60_000).toISOString();
      const future = (await call('GET', `/admin/audit?since=${since}`, { token: admin.accessToken }))
        .body as AuditPage;
      expect(future.items).toEqual([]);
      const bad = await call('GET', '/admin/audit?since=yesterday', { token: admin.accessToken });
      expect(bad.status).toBe(400);
      expect((bad.body as Problem).detail).toContain('since must be an ISO 8601 time');
    });
  });

  it('never writes a password or a token to its logs', async () => {
    const password = `secret-${Date.now()}-password`;
    const email = uniqueEmail('logs');
    const signedUp = await signUp(platform.gatewayUrl, { email, password });
    await call('POST', '/auth/login', { body: { email, password: `${password}-wrong` } });
    const refreshed = await call('POST', '/auth/refresh', { body: { refreshToken: signedUp.refreshToken } });
    const { token } = await createApiToken(platform.gatewayUrl, signedUp, { scopes: ['apps:read'] });
    await call('GET', '/auth/me', { token });
    await call('GET', '/auth/me', { token: `${token}x` });
    const output = platform.output('gateway');
    // The request log is on (LOG_LEVEL=debug): the requests are there, their secrets are not.
    expect(output).toContain('/api/v1/auth/refresh');
    const secrets = [
      password,
      signedUp.accessToken,
      signedUp.refreshToken,
      (refreshed.body as { accessToken: string }).accessToken,
      (refreshed.body as { refreshToken: string }).refreshToken,
      token,
      token.slice(4),
    ];
    for (const secret of secrets) expect(output).not.toContain(secret);
  });
  describe('storage', () => {
    it('remembers at most 100 used refresh tokens per session', async () => {
      const session = await signIn(platform.gatewayUrl, user.email, user.password);
      const sessionId = session.refreshToken.slice(4, 28);
      const mongo = await MongoClient.connect(platform.database.url);
      try {
        const sessions = mongo.db('slipway_gateway').collection('sessions');
        const old = Array.from({ length: 100 }, (_, index) => index.toString(16).padStart(64, '0'));
        await sessions.updateOne({ _id: new ObjectId(sessionId) }, { $set: { rotatedTokenHashes: old } });
        const refreshed = await call('POST', '/auth/refresh', {
          body: { refreshToken: session.refreshToken },
        });
        expect(refreshed.status).toBe(200);
        const stored = await sessions.findOne({ _id: new ObjectId(sessionId) });
        const hashes = stored?.['rotatedTokenHashes'] as string[];
        expect(hashes).toHaveLength(100);
        expect(hashes[0]).toBe(old[1]);
        expect(hashes.at(-1)).toMatch(/^[0-9a-f]{64}$/);
        expect(hashes.at(-1)).not.toBe(old[99]);
      } finally {
        await mongo.close();
      }
    });

    it('deletes sessions finished over a week ago when the gateway starts (and hourly)', async () => {
      const mongo = await MongoClient.connect(platform.database.url);
      try {
        const sessions = mongo.db('slipway_gateway').collection('sessions');
        const longAgo = new Date(Date.now() - 8 * 24 * 3600 * 1000);
        const { insertedId } = await sessions.insertOne({
          userId: user.userId,
          tokenHash: '0'.repeat(64),
          rotatedTokenHashes: [],
          expiresAt: longAgo,
          endedAt: longAgo,
          endReason: 'logout',
        });
        await platform.stopService('gateway');
        await platform.startService('gateway');
        await waitFor(async () => (await sessions.findOne({ _id: insertedId })) === null, {
          timeoutMs: 10_000,
          description: 'the finished session to be deleted',
        });
        // Live sessions survive the sweep and the restart.
        expect((await call('GET', '/auth/me', { token: user.accessToken })).status).toBe(200);
      } finally {
        await mongo.close();
      }
    });
  });
});

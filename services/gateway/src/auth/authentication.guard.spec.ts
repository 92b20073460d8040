import { ExecutionContext, ForbiddenException, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FailedAuthenticationLimiter } from '../http/rate-limit.guard';
import { AdminOnly, RequireScope, SessionOnly } from './auth.decorators';
import type { Authentication, VerifiedRequest } from './authentication';
import { AuthenticationGuard } from './authentication.guard';
import type { Authenticator } from './authenticator.service';
import { PublicRoute } from './public-route.decorator';

class Routes {
  @PublicRoute()
  open(): void {}

  plain(): void {}

  @RequireScope('deploy')
  deploy(): void {}

  @RequireScope()
  anyToken(): void {}

  @SessionOnly()
  sessionOnly(): void {}

  @AdminOnly()
  adminOnly(): void {}
}

/** The same handlers, under a controller that is admin-only as a whole. */
@AdminOnly()
class AdminRoutes extends Routes {}

type Route = keyof Routes;

const SESSION: Authentication = { via: 'session', actor: { userId: 'u1', role: 'user' }, sessionId: 's1' };
const ADMIN: Authentication = { via: 'session', actor: { userId: 'a1', role: 'admin' }, sessionId: 's2' };
const READ_TOKEN: Authentication = {
  via: 'api-token',
  actor: { userId: 'u1', role: 'user' },
  apiTokenId: 't1',
  scopes: ['apps:read'],
};

function setUp(credentials: Record<string, Authentication>) {
  const failures: string[] = [];
  const authenticator = {
    authenticate: async (credential: string) =>
      credentials[credential] ?? { problem: 'The access token is not valid.' },
  } as unknown as Authenticator;
  const limiter = {
    count: async () => void failures.push('counted'),
  } as unknown as FailedAuthenticationLimiter;
  const guard = new AuthenticationGuard(new Reflector(), authenticator, limiter);

  const run = async (
    route: Route,
    options: { method?: string; token?: string; path?: string; controller?: typeof Routes } = {},
  ) => {
    const headers: Record<string, string> = {};
    const response = { setHeader: (name: string, value: string) => (headers[name] = value) };
    const request = {
      method: options.method ?? 'GET',
      path: options.path ?? '/api/v1/things',
      headers: options.token === undefined ? {} : { authorization: `Bearer ${options.token}` },
    } as unknown as VerifiedRequest;
    const context = {
      getType: () => 'http',
      getHandler: () => Routes.prototype[route],
      getClass: () => options.controller ?? Routes,
      switchToHttp: () => ({ getRequest: () => request, getResponse: () => response }),
    } as unknown as ExecutionContext;
    const allowed = await guard.canActivate(context);
    return { allowed, request, headers };
  };
  return { run, failures };
}

describe('AuthenticationGuard', () => {
  const { run, failures } = setUp({ session: SESSION, admin: ADMIN, reader: READ_TOKEN });

  it('lets anyone reach a public route and ignores credentials there, even bad ones', async () => {
    expect((await run('open')).allowed).toBe(true);
    const before = failures.length;
    expect((await run('open', { token: 'forged' })).allowed).toBe(true);
    expect(failures.length).toBe(before);
    expect((await run('open', { token: 'session' })).request.actor).toBeUndefined();
  });

  it('never guards routes outside the API (probes, metrics)', async () => {
    expect((await run('plain', { path: '/health/ready' })).allowed).toBe(true);
  });

  it('asks for a bearer token on every other API route, with WWW-Authenticate', async () => {
    await expect(run('plain')).rejects.toThrow(UnauthorizedException);
    await expect(run('plain')).rejects.toThrow(
      'Sign in first: send "Authorization: Bearer <access token or API token>".',
    );
    await expect(run('plain', { token: '' })).rejects.toThrow('must be "Bearer <access token or API token>"');
  });

  it('counts a refused credential against the per-IP budget and reports why it was refused', async () => {
    const before = failures.length;
    await expect(run('plain', { token: 'forged' })).rejects.toThrow('The access token is not valid.');
    expect(failures.length).toBe(before + 1);
  });

  it('puts the verified caller on the request', async () => {
    const { allowed, request } = await run('plain', { token: 'session', method: 'DELETE' });
    expect(allowed).toBe(true);
    expect(request.actor).toEqual(SESSION.actor);
    expect(request.authentication).toEqual(SESSION);
  });

  it('lets an API token read with apps:read, and nothing more', async () => {
    expect((await run('plain', { token: 'reader', method: 'GET' })).allowed).toBe(true);
    expect((await run('plain', { token: 'reader', method: 'HEAD' })).allowed).toBe(true);
    await expect(run('plain', { token: 'reader', method: 'POST' })).rejects.toThrow(
      'This API token lacks the scope "apps:write" needed here.',
    );
    await expect(run('deploy', { token: 'reader', method: 'POST' })).rejects.toThrow(
      'lacks the scope "deploy"',
    );
    expect((await run('anyToken', { token: 'reader', method: 'POST' })).allowed).toBe(true);
  });

  it('does not limit signed-in users by scopes', async () => {
    expect((await run('deploy', { token: 'session', method: 'POST' })).allowed).toBe(true);
  });

  it('keeps session-only routes from API tokens', async () => {
    await expect(run('sessionOnly', { token: 'reader' })).rejects.toThrow(ForbiddenException);
    expect((await run('sessionOnly', { token: 'session' })).allowed).toBe(true);
  });

  it('keeps admin routes for signed-in administrators', async () => {
    await expect(run('adminOnly', { token: 'session' })).rejects.toThrow(
      'Only Slipway administrators can do this.',
    );
    await expect(run('adminOnly', { token: 'reader' })).rejects.toThrow('API tokens cannot be used here');
    expect((await run('adminOnly', { token: 'admin' })).allowed).toBe(true);
  });

  it("applies each controller's decorators to a handler it shares with another controller", async () => {
    expect((await run('plain', { token: 'session' })).allowed).toBe(true);
    await expect(run('plain', { token: 'session', controller: AdminRoutes })).rejects.toThrow(
      'Only Slipway administrators can do this.',
    );
    expect((await run('plain', { token: 'session' })).allowed).toBe(true);
  });
});

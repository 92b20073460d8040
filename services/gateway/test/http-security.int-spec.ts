import { bearerHeaders, makeTempDir, Platform, startPlatform, uniqueEmail } from '@slipway/testing';
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const ALLOWED_ORIGIN = 'https://portal.example.test';
const AUTH_LIMIT = 3;
const API_LIMIT = 5;

interface Problem {
  status: number;
  title: string;
  detail: string;
}

// The gateway's HTTP surface behind one reverse proxy (TRUST_PROXY_HOPS=1), so each test can play a
// different client IP with X-Forwarded-For.
describe('gateway HTTP security', () => {
  let platform: Platform;

  beforeAll(async () => {
    // A stand-in portal build: the real one (dist/web/browser) may not be built yet in a fresh clone.
    const portal = await makeTempDir('slipway-portal-');
    await writeFile(join(portal, 'index.html'), '<!doctype html><title>Slipway</title><app-root></app-root>');
    await writeFile(join(portal, 'main-ABCD1234.js'), 'console.log("portal");');
    await mkdir(join(portal, 'media'));
    await writeFile(join(portal, 'media', 'logo.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    platform = await startPlatform({
      services: ['gateway'],
      env: {
        WEB_DIST_DIR: portal,
        CORS_ORIGINS: ALLOWED_ORIGIN,
        RATE_LIMIT_AUTH_PER_MINUTE: String(AUTH_LIMIT),
        RATE_LIMIT_API_PER_MINUTE: String(API_LIMIT),
        TRUST_PROXY_HOPS: '1',
        UPLOAD_MAX_BYTES: String(4 * 1024 * 1024),
      },
    });
  }, 180_000);

  afterAll(async () => {
    await platform?.stop();
  }, 60_000);

  const url = (path: string) => `${platform.gatewayUrl}${path}`;
  let clients = 0;
  /** A client IP no other request of this file uses. */
  const fromIp = (): Record<string, string> => ({ 'x-forwarded-for': `203.0.113.${(clients += 1)}` });

  async function signUpFrom(headers: Record<string, string>): Promise<string> {
    const response = await fetch(url('/api/v1/auth/signup'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ email: uniqueEmail(), password: `pw-${randomBytes(9).toString('hex')}` }),
    });
    expect(response.status).toBe(201);
    return ((await response.json()) as { accessToken: string }).accessToken;
  }

  function login(headers: Record<string, string>): Promise<Response> {
    return fetch(url('/api/v1/auth/login'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ email: 'nobody@example.test', password: 'wrong-password' }),
    });
  }

  describe('rate limits', () => {
    it('limits sign-in attempts per client IP and answers 429 problem+json with Retry-After', async () => {
      const client = { 'x-forwarded-for': '198.51.100.7' };
      for (let attempt = 1; attempt <= AUTH_LIMIT; attempt += 1) {
        expect((await login(client)).status).toBe(401);
      }
      const limited = await login(client);
      expect(limited.status).toBe(429);
      expect(limited.headers.get('content-type')).toContain('application/problem+json');
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      const problem = (await limited.json()) as Problem;
      expect(problem).toMatchObject({ status: 429, title: 'Too many requests' });
      expect(problem.detail).toMatch(/at most 3 a minute .* Try again in \d+ s\./);
      // Sign-up and refresh share the budget; another client IP has its own.
      const signUp = await fetch(url('/api/v1/auth/signup'), {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...client },
        body: JSON.stringify({ email: uniqueEmail(), password: 'a-good-long-password' }),
      });
      expect(signUp.status).toBe(429);
      expect((await login({ 'x-forwarded-for': '198.51.100.8' })).status).toBe(401);
    });

    it('counts refused tokens against the same per-IP budget, so tokens cannot be guessed quickly', async () => {
      const client = { 'x-forwarded-for': '198.51.100.20' };
      const guess = () =>
        fetch(url('/api/v1/auth/me'), {
          headers: { ...client, ...bearerHeaders(`slw_${randomBytes(32).toString('base64url')}`) },
        });
      for (let attempt = 1; attempt <= AUTH_LIMIT; attempt += 1) {
        expect((await guess()).status).toBe(401);
      }
      const limited = await guess();
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toBeTruthy();
    });

    it('ignores stale or made-up tokens on public routes instead of counting them as guesses', async () => {
      const client = fromIp();
      for (let request = 1; request <= AUTH_LIMIT + 1; request += 1) {
        const response = await fetch(url('/api/v1/system/health'), {
          headers: { ...client, ...bearerHeaders('an-expired-or-made-up-token') },
        });
        expect(response.status).toBe(200);
      }
    });

    it('limits other API requests per token, not per IP', async () => {
      const client = fromIp();
      const first = await signUpFrom(client);
      const second = await signUpFrom(fromIp());
      for (let request = 1; request <= API_LIMIT; request += 1) {
        const response = await fetch(url('/api/v1/auth/me'), {
          headers: { ...client, ...bearerHeaders(first) },
        });
        expect(response.status).toBe(200);
      }
      const limited = await fetch(url('/api/v1/auth/me'), {
        headers: { ...client, ...bearerHeaders(first) },
      });
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toBeTruthy();
      // Same IP, another token: its own budget.
      const other = await fetch(url('/api/v1/auth/me'), { headers: { ...client, ...bearerHeaders(second) } });
      expect(other.status).toBe(200);
      // Probes are never limited.
      for (let probe = 0; probe < API_LIMIT + 2; probe += 1) {
        expect((await fetch(url('/health/live'))).status).toBe(200);
      }
    });
  });

  describe('CORS', () => {
    it('answers a preflight from a configured origin, and not from any other', async () => {
      const preflight = (origin: string) =>
        fetch(url('/api/v1/auth/me'), {
          method: 'OPTIONS',
          headers: {
            origin,
            'access-control-request-method': 'GET',
            'access-control-request-headers': 'authorization',
          },
        });
      const allowed = await preflight(ALLOWED_ORIGIN);
      expect(allowed.status).toBe(204);
      expect(allowed.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
      expect(allowed.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
      expect(allowed.headers.get('access-control-allow-credentials')).toBeNull();

      const other = await preflight('https://evil.example.test');
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
      const plain = await fetch(url('/api/v1/system/health'), {
        headers: { origin: 'https://evil.example.test' },
      });
      expect(plain.headers.get('access-control-allow-origin')).toBeNull();
      const fromPortal = await fetch(url('/api/v1/system/health'), { headers: { origin: ALLOWED_ORIGIN } });
      expect(fromPortal.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
      expect(fromPortal.headers.get('access-control-expose-headers')).toContain('Retry-After');
    });
  });

  describe('headers', () => {
    it('sends helmet headers with a CSP that allows only same-origin scripts', async () => {
      for (const path of ['/api/v1/system/health', '/api/docs', '/']) {
        const response = await fetch(url(path), { headers: fromIp() });
        expect({ path, status: response.status }).toEqual({ path, status: 200 });
        const csp = response.headers.get('content-security-policy') ?? '';
        expect(csp).toContain("default-src 'self'");
        expect(csp).toContain("script-src 'self'");
        expect(csp).toContain("object-src 'none'");
        expect(csp).toContain("frame-ancestors 'none'");
        expect(csp).not.toContain('upgrade-insecure-requests');
        expect(response.headers.get('x-content-type-options')).toBe('nosniff');
        expect(response.headers.get('x-frame-options')).toBe('DENY');
        expect(response.headers.get('referrer-policy')).toBe('no-referrer');
        // Apps are served on subdomains, possibly over plain HTTP: HSTS must not cover them.
        expect(response.headers.get('strict-transport-security')).toBe('max-age=15552000');
        expect(response.headers.get('x-powered-by')).toBeNull();
      }
    });
  });

  describe('body size', () => {
    it('refuses a JSON body over the limit with 413 problem+json', async () => {
      const response = await fetch(url('/api/v1/auth/login'), {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': '198.51.100.99' },
        body: JSON.stringify({ email: 'a@example.test', password: 'x'.repeat(2 * 1024 * 1024) }),
      });
      expect(response.status).toBe(413);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(((await response.json()) as Problem).detail).toContain('larger than the 1048576 bytes');
    });

    it('answers malformed JSON with 400 problem+json', async () => {
      const response = await fetch(url('/api/v1/auth/login'), {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': '198.51.100.98' },
        body: '{"email": ',
      });
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(((await response.json()) as Problem).detail).toBe('The request body is not valid JSON.');
    });

    it('keeps the larger upload limit for source archives', async () => {
      const token = await signUpFrom(fromIp());
      // gzip magic, then 2 MiB: over the JSON limit, under UPLOAD_MAX_BYTES.
      const archive = Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0x00]), randomBytes(2 * 1024 * 1024)]);
      const response = await fetch(url('/api/v1/uploads'), {
        method: 'POST',
        headers: { 'content-type': 'application/gzip', ...fromIp(), ...bearerHeaders(token) },
        body: new Uint8Array(archive),
      });
      expect(response.status).toBe(201);
      expect(((await response.json()) as { sizeBytes: number }).sizeBytes).toBe(archive.length);
    });
  });

  describe('portal', () => {
    it("serves the build's files with cache headers, and index.html for every other page", async () => {
      const script = await fetch(url('/main-ABCD1234.js'));
      expect(script.status).toBe(200);
      expect(await script.text()).toBe('console.log("portal");');
      expect(script.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      const logo = await fetch(url('/media/logo.svg'));
      expect(logo.status).toBe(200);
      expect(logo.headers.get('content-type')).toContain('image/svg+xml');
      expect(logo.headers.get('cache-control')).toBe('public, max-age=300');
      for (const page of ['/', '/apps/some-app/settings', '/media/../../etc/passwd', '/%E0%A4%A']) {
        const response = await fetch(url(page));
        expect(response.status).toBe(200);
        expect(await response.text()).toContain('<app-root>');
        expect(response.headers.get('cache-control')).toBe('no-cache');
      }
    });

    it('leaves the API to the API: an unknown API path is a problem+json 404, not the portal', async () => {
      const response = await fetch(url('/api/v1/no-such-thing'), { headers: fromIp() });
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
    });
  });
});

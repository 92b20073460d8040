import { freePorts, waitFor } from '@slipway/testing';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { TLSSocket } from 'node:tls';
import { RuntimeHarness } from '../runtime-harness';

jest.setTimeout(180_000);

interface TlsAnswer {
  status: number;
  body: string;
  subjectAltName: string;
  issuer: string;
}

/** GET / over TLS to 127.0.0.1 with SNI and Host `host`, trusting only `ca`. */
function getOverTls(port: number, host: string, ca: string): Promise<TlsAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      {
        host: '127.0.0.1',
        port,
        path: '/',
        servername: host,
        headers: { Host: host },
        ca,
        agent: false,
        timeout: 10_000,
      },
      (response) => {
        const certificate = (response.socket as TLSSocket).getPeerCertificate();
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            body,
            subjectAltName: certificate.subjectaltname ?? '',
            issuer: JSON.stringify(certificate.issuer ?? {}),
          }),
        );
      },
    );
    req.once('timeout', () => req.destroy(new Error('no answer within 10 s')));
    req.once('error', reject);
    req.end();
  });
}

// Production HTTPS with Caddy's automatic certificates, using Caddy's internal CA instead of Let's Encrypt
// (no ACME server is reachable here): the same automation, a different issuer.
describe('runtime: apps over HTTPS with automatic certificates (real Caddy)', () => {
  let runtime: RuntimeHarness;
  let httpsPort: number;
  let httpPort: number;

  beforeAll(async () => {
    [httpsPort, httpPort] = (await freePorts(2)) as [number, number];
    runtime = await RuntimeHarness.start({
      APPS_HTTPS: 'true',
      TLS_ISSUER: 'internal',
      CADDY_HTTPS_PORT: String(httpsPort),
      CADDY_HTTP_PORT: String(httpPort),
    });
  });

  afterAll(async () => {
    await runtime?.stop();
  });

  it('serves an app at https://<app>.<base domain> with a certificate for its host, and redirects plain HTTP', async () => {
    const releaseId = await runtime.deploy('secure');
    const live = (await runtime.releaseOutcome(releaseId)).live;
    expect(live?.url).toBe(`https://secure.localhost:${httpsPort}`);

    const ca = (await (await fetch(`${runtime.platform.caddy.adminUrl}/pki/ca/local`)).json()) as {
      root_certificate: string;
    };
    const answer = await waitFor(
      () => getOverTls(httpsPort, 'secure.localhost', ca.root_certificate).catch(() => undefined),
      { timeoutMs: 30_000, description: 'the app to answer over TLS' },
    );
    expect(answer).toMatchObject({ status: 200, body: `release=${releaseId}` });
    expect(answer.subjectAltName).toContain('DNS:secure.localhost');
    expect(answer.issuer).toContain('Caddy Local Authority');

    const redirect = await new Promise<{ status: number; location: string }>((resolve, reject) => {
      const req = httpRequest(
        { host: '127.0.0.1', port: httpPort, path: '/page', headers: { Host: 'secure.localhost' } },
        (response) => {
          response.resume();
          resolve({ status: response.statusCode ?? 0, location: String(response.headers.location ?? '') });
        },
      );
      req.once('error', reject);
      req.end();
    });
    expect(redirect.status).toBe(308);
    // Caddy 2.6.2's automatic redirect leaves a non-default HTTPS port out (production uses 443 anyway).
    expect(redirect.location).toMatch(/^https:\/\/secure\.localhost(:\d+)?\/page$/);
  });
});

import { AppDto, LogPageDto } from '@slipway/contracts';
import {
  OtlpCollector,
  Platform,
  SignedInUser,
  signUp,
  startOtlpCollector,
  startPlatform,
  waitFor,
} from '@slipway/testing';
import { MongoClient } from 'mongodb';
import { randomBytes } from 'node:crypto';

/** App names are DNS labels: lowercase, digits and hyphens. */
function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(3).toString('hex')}`;
}

// The wiring across real processes: gateway → NATS request → apps → its database → app.created.v1 on
// JetStream → logs → its database, in one trace.
describe('walking skeleton: creating an app', () => {
  let collector: OtlpCollector;
  let platform: Platform;
  let user: SignedInUser;

  beforeAll(async () => {
    collector = await startOtlpCollector();
    platform = await startPlatform({ services: ['gateway', 'apps', 'logs'], env: collector.exporterEnv() });
    user = await signUp(platform.gatewayUrl);
  }, 180_000);

  afterAll(async () => {
    await platform?.stop();
    await collector?.stop();
  }, 60_000);

  async function createApp(name: string): Promise<{ app: AppDto; traceId: string }> {
    const response = await fetch(`${platform.gatewayUrl}/api/v1/apps`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...user.headers },
      body: JSON.stringify({ name, repoUrl: 'https://git.example.com/acme/shop.git', branch: 'release' }),
    });
    expect(response.status).toBe(201);
    const traceId = response.headers.get('x-trace-id') ?? '';
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    return { app: (await response.json()) as AppDto, traceId };
  }

  it('stores the app in the apps database and returns it through the gateway', async () => {
    const name = uniqueName('shop');
    const { app } = await createApp(name);
    expect(app).toMatchObject({ name, sourceKind: 'git', branch: 'release' });

    const fetched = (await (
      await fetch(`${platform.gatewayUrl}/api/v1/apps/${app.id}`, { headers: user.headers })
    ).json()) as AppDto;
    expect(fetched).toEqual(app);

    const client = await MongoClient.connect(platform.database.url);
    try {
      const stored = await client.db('slipway_apps').collection('apps').findOne({ name });
      expect(stored?.['repoUrl']).toBe('https://git.example.com/acme/shop.git');
      expect(stored?.['createdEventPublishedAt']).toBeInstanceOf(Date);
    } finally {
      await client.close();
    }
  });

  it('makes the logs service record a system line for the new app, in the same trace', async () => {
    const name = uniqueName('blog');
    const { app, traceId } = await createApp(name);

    const page = await waitFor(
      async () => {
        const response = await fetch(`${platform.gatewayUrl}/api/v1/apps/${app.id}/logs`, {
          headers: user.headers,
        });
        const body = (await response.json()) as LogPageDto;
        return body.items.length > 0 ? body : undefined;
      },
      { timeoutMs: 15_000, description: 'the system log line for the new app' },
    );
    expect(page.items).toEqual([
      expect.objectContaining({ appId: app.id, source: 'system', text: `App ${name} created`, traceId }),
    ]);

    const spans = await waitFor(
      async () => {
        const inTrace = collector.spans().filter((span) => span.traceId === traceId);
        const services = new Set(inTrace.map((span) => span.service));
        return ['slipway-gateway', 'slipway-apps', 'slipway-logs'].every((service) => services.has(service))
          ? inTrace
          : undefined;
      },
      { timeoutMs: 15_000, description: 'spans from gateway, apps and logs in the request trace' },
    );
    const names = spans.map((span) => `${span.service}: ${span.name}`);
    expect(names).toEqual(
      expect.arrayContaining([
        'slipway-apps: handle rpc.apps.create',
        'slipway-logs: consume app.created.v1',
      ]),
    );
  });

  it('answers bad input with a problem+json that names each problem, and stores nothing', async () => {
    const response = await fetch(`${platform.gatewayUrl}/api/v1/apps`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...user.headers },
      body: JSON.stringify({ name: 'Not A DNS Name', shell: 'rm -rf /' }),
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    const problem = (await response.json()) as { detail: string; errors: string[] };
    expect(problem.errors).toEqual(
      expect.arrayContaining([
        'property shell should not exist',
        expect.stringContaining('app name must be 1-63 characters of lowercase letters'),
      ]),
    );
    const list = (await (
      await fetch(`${platform.gatewayUrl}/api/v1/apps`, { headers: user.headers })
    ).json()) as { items: AppDto[] };
    expect(list.items.map((app) => app.name)).not.toContain('Not A DNS Name');
  });

  it('refuses a duplicate app name with 409 and an unknown app with 404', async () => {
    const name = uniqueName('dup');
    await createApp(name);
    const again = await fetch(`${platform.gatewayUrl}/api/v1/apps`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...user.headers },
      body: JSON.stringify({ name, image: 'nginx:1.27' }),
    });
    expect(again.status).toBe(409);
    expect(((await again.json()) as { detail: string }).detail).toBe(
      `An app named "${name}" already exists.`,
    );

    const missing = await fetch(`${platform.gatewayUrl}/api/v1/apps/000000000000000000000000`, {
      headers: user.headers,
    });
    expect(missing.status).toBe(404);
  });

  it('serves the OpenAPI document describing the apps endpoints', async () => {
    const response = await fetch(`${platform.gatewayUrl}/api/docs/openapi.json`);
    expect(response.status).toBe(200);
    const document = (await response.json()) as { paths: Record<string, unknown> };
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/api/v1/apps', '/api/v1/apps/{id}', '/api/v1/system/health']),
    );
  });
});

import {
  DEFAULT_HEALTH_CHECK,
  EventSubjects,
  ReleaseRequestedEvent,
  SystemResourcesDto,
} from '@slipway/contracts';
import {
  buildRuntimeTestApp,
  Platform,
  removeContainersByLabel,
  SignedInUser,
  signUp,
  startPlatform,
  waitFor,
} from '@slipway/testing';
import { connect, JSONCodec, NatsConnection } from 'nats';
import { randomBytes } from 'node:crypto';

const codec = JSONCodec<unknown>();

// The admin resource charts read the real runtime's samples through the real gateway.
describe('gateway: system-wide resources for administrators', () => {
  const scope = `test-${randomBytes(4).toString('hex')}`;
  let platform: Platform;
  let nats: NatsConnection;
  let admin: SignedInUser;
  let user: SignedInUser;

  beforeAll(async () => {
    const image = await buildRuntimeTestApp();
    platform = await startPlatform({
      services: ['gateway', 'runtime'],
      env: {
        RUNTIME_SCOPE: scope,
        EXTRA_CONTAINER_LABELS: 'io.slipway.test=true',
        METRICS_INTERVAL_MS: '500',
        METRICS_BUCKET_MS: '1000',
      },
    });
    nats = await connect({ servers: platform.nats.url });
    admin = await signUp(platform.gatewayUrl);
    user = await signUp(platform.gatewayUrl);
    // A release as the apps service would request it: one instance of the runtime's test app.
    const releaseId = `rel-${randomBytes(6).toString('hex')}`;
    const release: ReleaseRequestedEvent = {
      releaseId,
      deploymentId: `dep-${releaseId}`,
      appId: 'app-charted',
      appName: 'charted',
      image,
      port: 8080,
      env: [],
      plan: 'starter',
      replicas: 1,
      healthCheck: { ...DEFAULT_HEALTH_CHECK, intervalMs: 100, deadlineMs: 20_000 },
      domains: [],
      reason: 'deploy',
      requestedAt: new Date().toISOString(),
    };
    await nats.jetstream().publish(EventSubjects.ReleaseRequested, codec.encode(release), {
      msgID: `release.requested:${releaseId}`,
    });
  }, 180_000);

  afterAll(async () => {
    await nats?.close();
    await platform?.stop();
    await removeContainersByLabel('io.slipway.scope', scope);
  }, 60_000);

  const resources = (query = '', headers: Record<string, string> = admin.headers) =>
    fetch(`${platform.gatewayUrl}/api/v1/admin/resources${query}`, { headers });

  it('gives an administrator the running containers and their memory, added up per bucket', async () => {
    expect(admin.role).toBe('admin');
    const figures = await waitFor(
      async () => {
        const response = await resources();
        expect(response.status).toBe(200);
        const body = (await response.json()) as SystemResourcesDto;
        return body.current.containersRunning === 1 && body.buckets.some((b) => b.containers === 1)
          ? body
          : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 500, description: `the released instance in the figures` },
    );
    expect(figures).toMatchObject({
      window: '1h',
      bucketSeconds: 60,
      current: { containersRunning: 1, containersCrashed: 0, appsRunning: 1, appsStopped: 0 },
    });
    expect(figures.buckets.at(-1)?.memoryBytes).toBeGreaterThan(1024 * 1024);

    const day = await resources('?window=24h');
    expect(day.status).toBe(200);
    expect(await day.json()).toMatchObject({ window: '24h', bucketSeconds: 900 });
  });

  it('rejects an unknown window with a problem naming the choices', async () => {
    const response = await resources('?window=7d');
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(JSON.stringify(await response.json())).toMatch(/window must be one of 1h, 24h/);
  });

  it('is described in the OpenAPI document, with its windows and bearer authentication', async () => {
    const response = await fetch(`${platform.gatewayUrl}/api/docs/openapi.json`);
    const document = (await response.json()) as {
      paths: Record<
        string,
        {
          get?: {
            parameters?: Array<{ name: string; schema?: { enum?: string[] } }>;
            security?: unknown[];
            responses: Record<string, unknown>;
          };
        }
      >;
    };
    const operation = document.paths['/api/v1/admin/resources']?.get;
    expect(operation?.parameters?.find((parameter) => parameter.name === 'window')?.schema?.enum).toEqual([
      '1h',
      '24h',
    ]);
    expect(Object.keys(operation?.responses ?? {})).toEqual(expect.arrayContaining(['200', '401', '403']));
    expect(operation?.security).toEqual([{ bearer: [] }]);
  });

  it('refuses a signed-in user who is not an administrator (403) and an anonymous caller (401)', async () => {
    expect(user.role).toBe('user');
    const forbidden = await resources('', user.headers);
    expect(forbidden.status).toBe(403);
    expect(forbidden.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect((await resources('', {})).status).toBe(401);
  });
});

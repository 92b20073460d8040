import { AppDto, AppListDto, QuerySubjects } from '@slipway/contracts';
import { nestRpcRequest, Platform, signUp, SignedInUser, startPlatform, waitFor } from '@slipway/testing';
import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { gunzipSync } from 'node:zlib';

// A cache time far longer than the test, so only forgetting can make a change visible.
describe('app lists answered from memory (real gateway, apps service, NATS, FerretDB)', () => {
  let platform: Platform;
  let user: SignedInUser;

  beforeAll(async () => {
    platform = await startPlatform({ services: ['gateway', 'apps'], env: { APP_LIST_CACHE_MS: '60000' } });
    user = await signUp(platform.gatewayUrl);
  }, 180_000);

  afterAll(async () => {
    await platform?.stop();
  }, 60_000);

  const list = async (): Promise<{ status: number; names: string[] }> => {
    const response = await fetch(`${platform.gatewayUrl}/api/v1/apps`, { headers: user.headers });
    if (response.status !== 200) return { status: response.status, names: [] };
    return { status: 200, names: ((await response.json()) as AppListDto).items.map((app) => app.name) };
  };
  const uniqueName = (prefix: string) => `${prefix}-${randomBytes(3).toString('hex')}`;
  /** POST /apps through this gateway; the status says whether it was accepted. */
  const createApp = (name: string) =>
    fetch(`${platform.gatewayUrl}/api/v1/apps`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...user.headers },
      body: JSON.stringify({ name, image: 'nginx:1.27' }),
    });

  /** A GET with exactly these headers (fetch would add Accept-Encoding and undo the gzip itself). */
  const rawList = (acceptEncoding: string | undefined) =>
    new Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }>((resolve, reject) => {
      const headers: Record<string, string> = { ...user.headers };
      if (acceptEncoding !== undefined) headers['accept-encoding'] = acceptEncoding;
      const request = httpRequest(`${platform.gatewayUrl}/api/v1/apps`, { headers }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks),
          }),
        );
      });
      request.on('error', reject);
      request.end();
    });

  it('sends the list gzipped to a client that accepts gzip, and plain to one that does not', async () => {
    const name = uniqueName('zipped');
    expect((await createApp(name)).status).toBe(201);

    const plain = await rawList(undefined);
    expect(plain.status).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(plain.headers['vary']).toBe('Accept-Encoding');
    expect(Number(plain.headers['content-length'])).toBe(plain.body.length);
    const list = JSON.parse(plain.body.toString('utf8')) as AppListDto;
    expect(list.items.map((app) => app.name)).toContain(name);

    for (const accepted of ['gzip, deflate, br', 'gzip']) {
      const zipped = await rawList(accepted);
      expect(zipped.status).toBe(200);
      expect(zipped.headers['content-encoding']).toBe('gzip');
      expect(zipped.headers['vary']).toBe('Accept-Encoding');
      expect(zipped.body.length).toBeLessThan(plain.body.length);
      expect(gunzipSync(zipped.body).toString('utf8')).toBe(plain.body.toString('utf8'));
    }
    // Refused (q=0) or not offered: plain.
    for (const refused of ['gzip;q=0', 'deflate', 'identity']) {
      expect((await rawList(refused)).headers['content-encoding']).toBeUndefined();
    }
  });

  it('shows an app created through this gateway in the very next list', async () => {
    expect((await list()).status).toBe(200);
    const name = uniqueName('direct');
    expect((await createApp(name)).status).toBe(201);
    expect((await list()).names).toContain(name);
  });

  it('shows an app created elsewhere once its app.created.v1 event arrives', async () => {
    const before = await list();
    const name = uniqueName('elsewhere');
    // As another gateway instance would: straight to the apps service, bypassing this gateway.
    await nestRpcRequest<AppDto>(platform.nats.url, QuerySubjects.AppsCreate, {
      name,
      image: 'nginx:1.27',
      actor: { userId: user.userId, role: user.role },
    });
    expect(before.names).not.toContain(name);
    await waitFor(async () => ((await list()).names.includes(name) ? true : undefined), {
      timeoutMs: 10_000,
      intervalMs: 100,
      description: 'the app created elsewhere in the list',
    });
  });

  it('answers a repeated list from memory, and asks again after a write', async () => {
    const cached = await list();
    await platform.stopService('apps');
    try {
      // The apps service is gone, yet the list still answers: it comes from memory.
      expect(await list()).toEqual(cached);
      const write = await createApp(uniqueName('refused'));
      expect(write.status).toBe(503);
      // After the write the gateway asks the apps service again, and says it is unavailable.
      expect((await list()).status).toBe(503);
    } finally {
      await platform.startService('apps');
    }
    expect((await list()).names).toEqual(cached.names);
  });
});

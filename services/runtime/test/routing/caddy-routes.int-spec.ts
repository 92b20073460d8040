import { Agent, createServer, request, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { startCaddy, StartedCaddy } from '@slipway/testing';
import { adminRequest } from '../../src/caddy/caddy-admin.client';
import { RouteSpec } from '../../src/routing/app-route';
import { AppRoute, CaddyRoutes } from '../../src/routing/caddy-routes';
import { RoutingError } from '../../src/routing/routing-error';

interface Upstream {
  name: string;
  address: string;
  server: Server;
}

/** A tiny app instance that answers every request with its own name. */
async function startUpstream(name: string): Promise<Upstream> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.end(name);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { name, address: `127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

function stopUpstream(upstream: Upstream): Promise<void> {
  upstream.server.closeAllConnections();
  return new Promise((resolve) => upstream.server.close(() => resolve()));
}

interface Answer {
  status: number;
  body: string;
}

/** GET / on Caddy's app port with the given Host header (keep-alive when an agent is given). */
function get(httpPort: number, host: string, agent?: Agent): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: httpPort, path: '/', headers: { Host: host }, agent: agent ?? false },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        res.on('error', reject);
      },
    );
    req.setTimeout(5000, () => req.destroy(new Error('request timed out')));
    req.on('error', (error) => reject(Object.assign(error, { reusedSocket: req.reusedSocket })));
    req.end();
  });
}

/**
 * What browsers, curl and Go's HTTP client do (RFC 9112 §9.3.1): a GET sent on a reused keep-alive connection
 * that the server closed before answering is sent again once, on a new connection. Node's agent does not do it
 * by itself. Caddy closes idle keep-alive connections of the old config on every config change.
 */
async function getRetryingStaleConnection(
  httpPort: number,
  host: string,
  agent: Agent,
): Promise<Answer & { retried: boolean }> {
  try {
    return { ...(await get(httpPort, host, agent)), retried: false };
  } catch (error) {
    const { reusedSocket, code } = error as { reusedSocket?: boolean; code?: string };
    if (reusedSocket !== true || (code !== 'ECONNRESET' && code !== 'EPIPE')) throw error;
    return { ...(await get(httpPort, host)), retried: true };
  }
}

async function catchAllIsLast(adminUrl: string): Promise<boolean> {
  const response = await adminRequest(
    new URL(`${adminUrl}/config/apps/http/servers/slipway/routes`),
    'GET',
    undefined,
    5000,
  );
  const routes = JSON.parse(response.body) as { '@id'?: string }[];
  return routes.at(-1)?.['@id'] === 'slipway-catch-all-404';
}

describe('CaddyRoutes against a real Caddy', () => {
  let caddy: StartedCaddy;
  let routes: CaddyRoutes;
  const upstreams: Upstream[] = [];

  async function upstream(name: string): Promise<Upstream> {
    const started = await startUpstream(name);
    upstreams.push(started);
    return started;
  }

  beforeAll(async () => {
    caddy = await startCaddy();
    routes = new CaddyRoutes({ adminUrl: caddy.adminUrl });
  });

  afterAll(async () => {
    await caddy?.stop();
    await Promise.all(upstreams.map(stopUpstream));
  });

  it('routes an app host to its upstream and leaves unknown hosts to the catch-all 404', async () => {
    const a = await upstream('alpha-1');
    await routes.upsertAppRoute({ appName: 'alpha', upstreams: [a.address], healthPath: '/' });

    expect(await get(caddy.httpPort, 'alpha.localhost')).toEqual({ status: 200, body: 'alpha-1' });
    const unknown = await get(caddy.httpPort, 'nobody.localhost');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toContain('No Slipway app is deployed at this address');
    expect(await catchAllIsLast(caddy.adminUrl)).toBe(true);
    expect(await routes.listAppRoutes()).toContainEqual({
      appName: 'alpha',
      hosts: ['alpha.localhost'],
      upstreams: [a.address],
      stopped: false,
    });
  });

  it('spreads requests over several upstreams', async () => {
    const [one, two] = await Promise.all([upstream('beta-1'), upstream('beta-2')]);
    await routes.upsertAppRoute({ appName: 'beta', upstreams: [one.address, two.address] });

    const seen = new Set<string>();
    for (let i = 0; i < 10; i++) seen.add((await get(caddy.httpPort, 'beta.localhost')).body);
    expect([...seen].sort()).toEqual(['beta-1', 'beta-2']);
  });

  it('retries another upstream when one is down instead of failing the request', async () => {
    const [up, down] = await Promise.all([upstream('gamma-up'), upstream('gamma-down')]);
    await stopUpstream(down);
    await routes.upsertAppRoute({ appName: 'gamma', upstreams: [down.address, up.address] });

    for (let i = 0; i < 6; i++) {
      expect(await get(caddy.httpPort, 'gamma.localhost')).toEqual({ status: 200, body: 'gamma-up' });
    }
  });

  it('switches an app from one upstream to another without failing a single request', async () => {
    const [a, b] = await Promise.all([upstream('delta-a'), upstream('delta-b')]);
    await routes.upsertAppRoute({ appName: 'delta', upstreams: [a.address] });
    const agent = new Agent({ keepAlive: true, maxSockets: 4 });
    const answers = new Map<string, number>();
    const failures: string[] = [];
    let retriedOnStaleConnection = 0;
    let switched = false;
    let fromBAfterSwitch = 0;

    // Four keep-alive clients send requests back to back for at most 3 s / 1,500 requests in all.
    const deadline = Date.now() + 3000;
    let sent = 0;
    const client = async (): Promise<void> => {
      while (Date.now() < deadline && sent < 1500) {
        sent++;
        try {
          const answer = await getRetryingStaleConnection(caddy.httpPort, 'delta.localhost', agent);
          if (answer.retried) retriedOnStaleConnection++;
          const key = `${answer.status} ${answer.body}`;
          answers.set(key, (answers.get(key) ?? 0) + 1);
          if (switched && answer.body === 'delta-b') fromBAfterSwitch++;
        } catch (error) {
          failures.push((error as Error).message);
        }
      }
    };
    const clients = Promise.all([client(), client(), client(), client()]);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const started = performance.now();
    await routes.upsertAppRoute({ appName: 'delta', upstreams: [b.address] });
    const switchMs = performance.now() - started;
    switched = true;
    await clients;
    agent.destroy();

    const total = [...answers.values()].reduce((sum, n) => sum + n, 0);
    console.log(
      `upstream switch through the admin API took ${switchMs.toFixed(1)} ms; ` +
        `${total} requests during the test: ${JSON.stringify(Object.fromEntries(answers))}, ` +
        `${failures.length} failed ${JSON.stringify(failures)}, ${retriedOnStaleConnection} resent after Caddy closed an idle keep-alive connection`,
    );
    expect(failures).toEqual([]);
    expect([...answers.keys()].every((key) => key.startsWith('200 '))).toBe(true);
    expect(answers.get('200 delta-a')).toBeGreaterThan(0);
    expect(fromBAfterSwitch).toBeGreaterThan(0);
    expect(await get(caddy.httpPort, 'delta.localhost')).toEqual({ status: 200, body: 'delta-b' });
    expect((await routes.listAppRoutes()).filter((route) => route.appName === 'delta')).toHaveLength(1);
  });

  it('adds a new app once when two upserts for it race', async () => {
    const [one, two] = await Promise.all([upstream('iota-1'), upstream('iota-2')]);
    await Promise.all([
      routes.upsertAppRoute({ appName: 'iota', upstreams: [one.address] }),
      routes.upsertAppRoute({ appName: 'iota', upstreams: [two.address] }),
    ]);

    expect((await routes.listAppRoutes()).filter((route) => route.appName === 'iota')).toEqual([
      { appName: 'iota', hosts: ['iota.localhost'], upstreams: [two.address], stopped: false },
    ]);
  });

  it('answers a stopped app with 503 and a page that says so, and proxies again once started', async () => {
    const a = await upstream('epsilon-1');
    await routes.upsertAppRoute({ appName: 'epsilon', upstreams: [a.address] });
    await routes.setAppStopped('epsilon');

    const stopped = await get(caddy.httpPort, 'epsilon.localhost');
    expect(stopped.status).toBe(503);
    expect(stopped.body).toContain('epsilon is stopped');
    expect((await routes.listAppRoutes()).find((route) => route.appName === 'epsilon')?.stopped).toBe(true);

    await routes.upsertAppRoute({ appName: 'epsilon', upstreams: [a.address] });
    expect(await get(caddy.httpPort, 'epsilon.localhost')).toEqual({ status: 200, body: 'epsilon-1' });
  });

  it('removes an app route, and removing it again is fine', async () => {
    const a = await upstream('zeta-1');
    await routes.upsertAppRoute({ appName: 'zeta', upstreams: [a.address] });
    await routes.removeAppRoute('zeta');
    await routes.removeAppRoute('zeta');

    expect((await get(caddy.httpPort, 'zeta.localhost')).status).toBe(404);
    expect((await routes.listAppRoutes()).map((route) => route.appName)).not.toContain('zeta');
    expect(await catchAllIsLast(caddy.adminUrl)).toBe(true);
  });

  it('syncs to a desired list: adds, replaces, stops and removes app routes and keeps the catch-all last', async () => {
    const [one, two, three] = await Promise.all([upstream('sync-1'), upstream('sync-2'), upstream('sync-3')]);
    await routes.syncAll([]);
    await routes.upsertAppRoute({ appName: 'keep', upstreams: [one.address] });
    await routes.upsertAppRoute({ appName: 'change', upstreams: [one.address] });
    await routes.upsertAppRoute({ appName: 'drop', upstreams: [one.address] });

    const result = await routes.syncAll([
      { appName: 'keep', upstreams: [one.address] },
      { appName: 'change', upstreams: [two.address] },
      { appName: 'new', upstreams: [three.address] },
      { appName: 'paused', upstreams: [], stopped: true },
    ]);

    expect(result).toEqual({ added: ['new', 'paused'], replaced: ['change'], removed: ['drop'] });
    expect((await routes.listAppRoutes()).map((route) => route.appName).sort()).toEqual([
      'change',
      'keep',
      'new',
      'paused',
    ]);
    expect((await get(caddy.httpPort, 'paused.localhost')).status).toBe(503);
    expect(await catchAllIsLast(caddy.adminUrl)).toBe(true);
    expect((await get(caddy.httpPort, 'keep.localhost')).body).toBe('sync-1');
    expect((await get(caddy.httpPort, 'change.localhost')).body).toBe('sync-2');
    expect((await get(caddy.httpPort, 'new.localhost')).body).toBe('sync-3');
    expect((await get(caddy.httpPort, 'drop.localhost')).status).toBe(404);
    expect(await routes.syncAll([...(await routes.listAppRoutes())].map(toSpec))).toEqual({
      added: [],
      replaced: [],
      removed: [],
    });
  });

  it("says what Caddy's admin API refused, in its own words", async () => {
    const wrongServer = new CaddyRoutes({ adminUrl: caddy.adminUrl, serverName: 'missing' });
    const a = await upstream('eta-1');

    const error = await wrongServer
      .upsertAppRoute({ appName: 'eta', upstreams: [a.address] })
      .catch((e) => e);
    expect(error).toBeInstanceOf(RoutingError);
    expect((error as RoutingError).message).toMatch(
      /^Caddy refused to add the route of app "eta": HTTP \d{3}, ".+"\.$/,
    );
    await expect(routes.upsertAppRoute({ appName: '../config', upstreams: [a.address] })).rejects.toThrow(
      /App name "..\/config" is not valid/,
    );
  });

  it('restores every route with syncAll after Caddy restarts with only the base config', async () => {
    const own = await startCaddy();
    try {
      const a = await upstream('theta-1');
      const desired = [{ appName: 'theta', upstreams: [a.address] }];
      await new CaddyRoutes({ adminUrl: own.adminUrl }).syncAll(desired);
      await own.stop();

      const restarted = await startCaddy();
      try {
        const restored = new CaddyRoutes({ adminUrl: restarted.adminUrl });
        expect((await get(restarted.httpPort, 'theta.localhost')).status).toBe(404);
        expect(await restored.syncAll(desired)).toEqual({ added: ['theta'], replaced: [], removed: [] });
        expect(await get(restarted.httpPort, 'theta.localhost')).toEqual({ status: 200, body: 'theta-1' });
        expect(await catchAllIsLast(restarted.adminUrl)).toBe(true);
      } finally {
        await restarted.stop();
      }
    } finally {
      await own.stop().catch(() => undefined);
    }
  });
});

function toSpec(route: AppRoute): RouteSpec {
  return { appName: route.appName, hosts: route.hosts, upstreams: route.upstreams, stopped: route.stopped };
}

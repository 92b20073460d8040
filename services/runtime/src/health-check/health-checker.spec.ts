import { createServer as createHttpServer, RequestListener, Server } from 'node:http';
import { AddressInfo, createServer as createTcpServer, Server as TcpServer } from 'node:net';

import { checkHealth } from './health-checker';

const fast = { intervalMs: 10, attemptTimeoutMs: 200 };

async function listen<T extends Server | TcpServer>(server: T): Promise<{ server: T; port: number }> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

async function close(server: Server | TcpServer): Promise<void> {
  if ('closeAllConnections' in server) server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}

/** A port nothing listens on (bound, read, closed). */
async function closedPort(): Promise<number> {
  const { server, port } = await listen(createTcpServer());
  await close(server);
  return port;
}

describe('checkHealth', () => {
  const servers: (Server | TcpServer)[] = [];
  async function httpServer(handler: RequestListener): Promise<number> {
    const { server, port } = await listen(createHttpServer(handler));
    servers.push(server);
    return port;
  }
  afterEach(async () => {
    await Promise.all(servers.splice(0).map(close));
  });

  it('is healthy once the required number of consecutive 2xx answers arrived', async () => {
    const port = await httpServer((_req, res) => res.end('ok'));
    const result = await checkHealth(
      { kind: 'http', host: '127.0.0.1', port },
      { ...fast, successesRequired: 3, deadlineMs: 2000 },
    );
    expect(result).toEqual({ healthy: true, attempts: 3, ms: expect.any(Number) });
  });

  it('counts a 3xx as healthy and probes the given path', async () => {
    const paths: string[] = [];
    const port = await httpServer((req, res) => {
      paths.push(req.url ?? '');
      res.writeHead(302, { location: '/elsewhere' }).end();
    });
    const result = await checkHealth(
      { kind: 'http', host: '127.0.0.1', port, path: '/healthz' },
      { ...fast, deadlineMs: 2000 },
    );
    expect(result.healthy).toBe(true);
    expect(paths).toEqual(['/healthz']);
  });

  it('tries a booting app quickly until it first answers, then at the normal interval', async () => {
    const port = await closedPort();
    const seen: number[] = [];
    setTimeout(() => {
      const server = createHttpServer((_req, res) => {
        seen.push(Date.now());
        res.end('ok');
      });
      servers.push(server);
      server.listen(port, '127.0.0.1');
    }, 100);
    const result = await checkHealth(
      { kind: 'http', host: '127.0.0.1', port },
      { intervalMs: 5000, untilFirstAnswerIntervalMs: 10, attemptTimeoutMs: 200, deadlineMs: 3000 },
    );
    expect(result.healthy).toBe(true);
    expect(result.attempts).toBeGreaterThan(2);
    expect(seen).toHaveLength(1);
  });

  it('becomes healthy when the app starts answering after a few failures', async () => {
    let calls = 0;
    const port = await httpServer((_req, res) => {
      calls++;
      res.statusCode = calls <= 3 ? 503 : 200;
      res.end();
    });
    const result = await checkHealth(
      { kind: 'http', host: '127.0.0.1', port },
      { ...fast, deadlineMs: 2000 },
    );
    expect(result).toMatchObject({ healthy: true, attempts: 4 });
  });

  it('starts the consecutive count again after a failure', async () => {
    const statuses = [200, 500, 200, 200];
    const port = await httpServer((_req, res) => {
      res.statusCode = statuses.shift() ?? 200;
      res.end();
    });
    const result = await checkHealth(
      { kind: 'http', host: '127.0.0.1', port },
      { ...fast, successesRequired: 2, deadlineMs: 2000 },
    );
    expect(result).toMatchObject({ healthy: true, attempts: 4 });
  });

  it('reports a readable reason and the last error when the app keeps answering 5xx', async () => {
    const port = await httpServer((_req, res) => {
      res.statusCode = 500;
      res.end();
    });
    const result = await checkHealth({ kind: 'http', host: '127.0.0.1', port }, { ...fast, deadlineMs: 150 });
    expect(result.healthy).toBe(false);
    if (result.healthy) return;
    expect(result.lastError).toBe('HTTP 500');
    expect(result.reason).toMatch(/did not become healthy within 150 ms .*HTTP 500/);
    expect(result.ms).toBeLessThan(1000);
  });

  it("keeps the app's own last error when the deadline cuts the final attempt short", async () => {
    let requests = 0;
    const port = await httpServer((_req, res) => {
      requests += 1;
      if (requests > 1) return; // later attempts hang until the deadline ends them
      res.statusCode = 503;
      res.end();
    });
    const result = await checkHealth(
      { kind: 'http', host: '127.0.0.1', port },
      { intervalMs: 20, attemptTimeoutMs: 5_000, deadlineMs: 200 },
    );
    expect(result).toMatchObject({ healthy: false, lastError: 'HTTP 503' });
    expect(requests).toBe(2);
  });

  it('fails when nothing listens, naming the connection error', async () => {
    const port = await closedPort();
    const result = await checkHealth({ kind: 'http', host: '127.0.0.1', port }, { ...fast, deadlineMs: 100 });
    expect(result).toMatchObject({ healthy: false, lastError: expect.stringContaining('ECONNREFUSED') });
  });

  it('gives up on an attempt that does not answer within its timeout', async () => {
    const port = await httpServer(() => undefined); // never answers
    const result = await checkHealth(
      { kind: 'http', host: '127.0.0.1', port },
      { intervalMs: 10, attemptTimeoutMs: 50, deadlineMs: 300 },
    );
    expect(result).toMatchObject({
      healthy: false,
      lastError: expect.stringMatching(/^no response within \d+ ms$/),
    });
    expect(result.ms).toBeLessThan(1000);
  });

  it('stops at once with the reason giveUpIf returns', async () => {
    const port = await closedPort();
    let asked = 0;
    const result = await checkHealth(
      { kind: 'tcp', host: '127.0.0.1', port },
      {
        ...fast,
        deadlineMs: 10_000,
        giveUpIf: () => (++asked > 2 ? 'The process exited with code 1.' : undefined),
      },
    );
    expect(result).toMatchObject({ healthy: false, reason: 'The process exited with code 1.', attempts: 2 });
    expect(result.ms).toBeLessThan(1000);
  });

  it('checks a TCP port', async () => {
    const { server, port } = await listen(createTcpServer((socket) => socket.end()));
    servers.push(server);
    await expect(
      checkHealth({ kind: 'tcp', host: '127.0.0.1', port }, { ...fast, deadlineMs: 1000 }),
    ).resolves.toMatchObject({
      healthy: true,
      attempts: 1,
    });
    const closed = await closedPort();
    const result = await checkHealth(
      { kind: 'tcp', host: '127.0.0.1', port: closed },
      { ...fast, deadlineMs: 100 },
    );
    expect(result).toMatchObject({
      healthy: false,
      reason: expect.stringContaining(`tcp 127.0.0.1:${closed}`),
    });
  });
});

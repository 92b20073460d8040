import { ServiceHealthDto, ServiceName, SystemHealthDto } from '@slipway/contracts';
import { platformForSuite, waitFor } from '@slipway/testing';

// The platform's health comes from heartbeats of the real services, with their real dependencies.
describe('platform health from heartbeats', () => {
  const platform = platformForSuite();

  async function health(): Promise<SystemHealthDto> {
    const response = await fetch(`${platform().gatewayUrl}/api/v1/system/health`);
    expect(response.status).toBe(200);
    return (await response.json()) as SystemHealthDto;
  }

  async function waitForStatus(name: ServiceName, status: ServiceHealthDto['status'], timeoutMs: number) {
    return waitFor(
      async () => {
        const service = (await health()).services.find((candidate) => candidate.name === name);
        return service?.status === status ? service : undefined;
      },
      { timeoutMs, intervalMs: 250, description: `${name} to be ${status}` },
    );
  }

  it('shows every service up with its version, uptime and the dependencies it really uses', async () => {
    const snapshot = await waitFor(
      async () => {
        const current = await health();
        return current.status === 'up' ? current : undefined;
      },
      { timeoutMs: 20_000, description: 'every service up' },
    );
    const dependenciesOf = (name: ServiceName) =>
      snapshot.services
        .find((service) => service.name === name)
        ?.dependencies.map((dependency) => `${dependency.name}:${dependency.status}`)
        .sort();

    expect(snapshot.services.map((service) => service.name)).toEqual([
      'gateway',
      'apps',
      'builder',
      'runtime',
      'logs',
    ]);
    for (const service of snapshot.services) {
      expect(service.version).toMatch(/^\d+\.\d+\.\d+/);
      expect(service.uptimeSeconds).toBeGreaterThanOrEqual(0);
      expect(Date.parse(service.lastSeenAt ?? '')).toBeGreaterThan(Date.now() - 15_000);
    }
    expect(dependenciesOf('apps')).toEqual(['database:up', 'nats:up']);
    expect(dependenciesOf('builder')).toEqual(['database:up', 'docker:up', 'nats:up']);
    expect(dependenciesOf('runtime')).toEqual(['caddy:up', 'database:up', 'docker:up', 'nats:up']);
  });

  it('shows a crashed service as down within 15 s, and up again once it is back', async () => {
    await waitForStatus('logs', 'up', 20_000);
    await platform().killService('logs');

    const down = await waitForStatus('logs', 'down', 15_000);
    expect(down.lastSeenAt).not.toBeNull();
    expect((await health()).status).toBe('degraded');

    await platform().startService('logs');
    await waitForStatus('logs', 'up', 20_000);
  });

  it('marks a service degraded, naming the dependency, when Caddy stops answering', async () => {
    await platform().caddy.stop();
    const runtime = await waitForStatus('runtime', 'degraded', 15_000);
    expect(runtime.dependencies).toContainEqual(expect.objectContaining({ name: 'caddy', status: 'down' }));
    const runtimeReady = await fetch(`${platform().services.get('runtime')?.httpUrl}/health/ready`);
    expect(runtimeReady.status).toBe(503);
  });

  it('stops a service gracefully on SIGTERM: it exits 0 after closing its connections', async () => {
    const builder = platform().services.get('builder');
    await platform().stopService('builder');
    expect(await builder?.process.waitForExit()).toEqual({ code: 0, signal: null });
    await waitForStatus('builder', 'down', 15_000);
  });
});

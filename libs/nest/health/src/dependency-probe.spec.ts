import { DependencyProbes, runProbe } from './dependency-probe';

describe('dependency probes', () => {
  it('reports a reachable dependency as up with its latency and detail', async () => {
    const status = await runProbe({ name: 'docker', check: async () => 'engine 20.10' });
    expect(status).toMatchObject({ name: 'docker', status: 'up', detail: 'engine 20.10' });
    expect(status.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('reports a failing dependency as down with the reason', async () => {
    const status = await runProbe({
      name: 'caddy',
      check: async () => {
        throw new Error('connect ECONNREFUSED 127.0.0.1:2019');
      },
    });
    expect(status).toEqual({ name: 'caddy', status: 'down', detail: 'connect ECONNREFUSED 127.0.0.1:2019' });
  });

  it('reports a dependency that hangs as down after the timeout', async () => {
    const status = await runProbe({ name: 'database', check: () => new Promise(() => undefined) }, 50);
    expect(status).toEqual({ name: 'database', status: 'down', detail: 'no answer within 50 ms' });
  });

  it('checks every registered probe, one entry per dependency name', async () => {
    const probes = new DependencyProbes();
    probes.add({ name: 'nats', check: async () => undefined });
    probes.add({ name: 'nats', check: async () => 'replaced' });
    probes.add({ name: 'database', check: async () => 'slipway_apps' });
    const statuses = await probes.checkAll();
    expect(statuses.map((status) => [status.name, status.detail])).toEqual([
      ['nats', 'replaced'],
      ['database', 'slipway_apps'],
    ]);
  });
});

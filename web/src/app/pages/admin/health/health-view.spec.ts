import type { ServiceHealthDto, SystemHealthDto } from '@slipway/contracts';

import { toHealthView } from './health-view';

const generatedAt = Date.parse('2026-01-01T10:00:00.000Z');

function service(overrides: Partial<ServiceHealthDto> & Pick<ServiceHealthDto, 'name'>): ServiceHealthDto {
  return {
    status: 'up',
    version: '0.1.0',
    instanceId: `${overrides.name}-1`,
    uptimeSeconds: 176,
    lastSeenAt: new Date(generatedAt - 4_000).toISOString(),
    dependencies: [{ name: 'database', status: 'up', latencyMs: 3.2 }],
    ...overrides,
  };
}

function report(services: ServiceHealthDto[], status: SystemHealthDto['status'] = 'up'): SystemHealthDto {
  return { status, generatedAt: new Date(generatedAt).toISOString(), staleAfterSeconds: 15, services };
}

describe('toHealthView', () => {
  it('shows heartbeat age and uptime on the gateway clock', () => {
    const view = toHealthView(report([service({ name: 'gateway' })]), generatedAt + 1_000);

    expect(view.rows[0]).toMatchObject({
      name: 'gateway',
      status: 'up',
      version: '0.1.0',
      uptime: '3 min', // 176 s at the heartbeat, 5 s later
      lastHeartbeat: '5 s ago',
    });
    expect(view.headline).toBe('All services are up');
    expect(view.servicesUp).toBe(1);
  });

  it('shows no uptime for a down service and "never" data for one that never reported', () => {
    const view = toHealthView(
      report(
        [
          service({
            name: 'builder',
            status: 'down',
            lastSeenAt: new Date(generatedAt - 47_000).toISOString(),
          }),
          service({ name: 'apps', status: 'down', version: null, uptimeSeconds: null, lastSeenAt: null }),
          service({ name: 'gateway' }),
        ],
        'down',
      ),
      generatedAt,
    );

    expect(view.rows[0]).toMatchObject({ uptime: null, lastHeartbeat: '47 s ago' });
    expect(view.rows[1]).toMatchObject({ version: null, uptime: null, lastHeartbeat: null });
    expect(view.headline).toBe('2 services are down');
    expect(view.servicesUp).toBe(1);
  });

  it('names degraded services and describes failing dependencies', () => {
    const view = toHealthView(
      report(
        [
          service({
            name: 'runtime',
            status: 'degraded',
            dependencies: [{ name: 'caddy', status: 'down', detail: 'connect ECONNREFUSED' }],
          }),
        ],
        'degraded',
      ),
      generatedAt,
    );

    expect(view.headline).toBe('1 service is degraded');
    expect(view.rows[0]?.dependencies).toEqual([
      { name: 'caddy', status: 'down', description: 'caddy: down (connect ECONNREFUSED)' },
    ]);
  });

  it('says so when no service has reported', () => {
    expect(toHealthView(report([]), generatedAt).headline).toBe('No services have reported yet');
  });

  it("shows the builder's own queue from its heartbeat, and nothing while the builder is down", () => {
    const buildQueue = { queued: 1, running: 1, concurrency: 1 };
    const view = toHealthView(report([service({ name: 'builder', buildQueue })]), generatedAt);
    expect(view.builderQueue).toEqual({ ...buildQueue, label: '1 running of 1 slot, 1 waiting for a slot' });

    const idle = toHealthView(
      report([service({ name: 'builder', buildQueue: { queued: 0, running: 0, concurrency: 2 } })]),
      generatedAt,
    );
    expect(idle.builderQueue?.label).toBe('0 running of 2 slots, none waiting');

    const down = toHealthView(
      report([service({ name: 'builder', status: 'down', buildQueue })], 'degraded'),
      generatedAt,
    );
    expect(down.builderQueue).toBeNull();
  });
});

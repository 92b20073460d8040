import { HeartbeatEvent, ServiceName } from '@slipway/contracts';
import { summarizeHealth } from './heartbeat-registry';

const NOW = Date.parse('2026-11-29T10:00:00.000Z');

function beat(service: ServiceName, overrides: Partial<HeartbeatEvent> = {}): HeartbeatEvent {
  return {
    service,
    instanceId: `${service}-1`,
    version: '1.2.3',
    startedAt: '2026-11-29T09:00:00.000Z',
    uptimeSeconds: 3600,
    sentAt: '2026-11-29T09:59:59.000Z',
    intervalMs: 5000,
    dependencies: [
      { name: 'database', status: 'up', latencyMs: 2 },
      { name: 'nats', status: 'up', latencyMs: 1 },
    ],
    ...overrides,
  };
}

function seen(entries: Array<[ServiceName, HeartbeatEvent, number]>) {
  return new Map(
    entries.map(([name, event, secondsAgo]) => [name, { event, receivedAt: NOW - secondsAgo * 1000 }]),
  );
}

describe('summarizeHealth', () => {
  const all: ServiceName[] = ['gateway', 'apps', 'builder', 'runtime', 'logs'];

  it('reports every service up when each sent a recent heartbeat with healthy dependencies', () => {
    const health = summarizeHealth(seen(all.map((name) => [name, beat(name), 3])), NOW, 12);
    expect(health.status).toBe('up');
    expect(health.services.map((service) => [service.name, service.status])).toEqual(
      all.map((name) => [name, 'up']),
    );
    expect(health.services[0]).toMatchObject({
      version: '1.2.3',
      uptimeSeconds: 3600,
      lastSeenAt: '2026-11-29T09:59:57.000Z',
    });
  });

  it('marks a service down once its last heartbeat is older than the stale limit', () => {
    const entries = all.map((name): [ServiceName, HeartbeatEvent, number] => [
      name,
      beat(name),
      name === 'builder' ? 13 : 2,
    ]);
    const health = summarizeHealth(seen(entries), NOW, 12);
    expect(health.services.find((service) => service.name === 'builder')?.status).toBe('down');
    expect(health.status).toBe('degraded');
  });

  it('marks a service degraded when one of its dependencies is down', () => {
    const runtime = beat('runtime', {
      dependencies: [
        { name: 'docker', status: 'up' },
        { name: 'caddy', status: 'down', detail: 'connect ECONNREFUSED' },
      ],
    });
    const health = summarizeHealth(seen([['runtime', runtime, 1]]), NOW, 12);
    const runtimeHealth = health.services.find((service) => service.name === 'runtime');
    expect(runtimeHealth?.status).toBe('degraded');
    expect(runtimeHealth?.dependencies).toContainEqual({
      name: 'caddy',
      status: 'down',
      detail: 'connect ECONNREFUSED',
    });
  });

  it("passes the builder's queue through while its heartbeat is fresh, and drops it once stale", () => {
    const builder = beat('builder', { buildQueue: { queued: 2, running: 1, concurrency: 1 } });
    const fresh = summarizeHealth(seen([['builder', builder, 1]]), NOW, 12);
    expect(fresh.services.find((service) => service.name === 'builder')?.buildQueue).toEqual({
      queued: 2,
      running: 1,
      concurrency: 1,
    });
    const stale = summarizeHealth(seen([['builder', builder, 13]]), NOW, 12);
    expect(stale.services.find((service) => service.name === 'builder')).not.toHaveProperty('buildQueue');
  });

  it('lists a service that never sent a heartbeat as down, and the platform as down when none did', () => {
    const health = summarizeHealth(new Map(), NOW, 12);
    expect(health.status).toBe('down');
    expect(health.services).toHaveLength(5);
    expect(health.services.every((service) => service.status === 'down' && service.lastSeenAt === null)).toBe(
      true,
    );
  });
});

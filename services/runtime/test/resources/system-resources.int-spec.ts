import { AppRuntimeStatusDto, EventSubjects, QuerySubjects, SystemResourcesDto } from '@slipway/contracts';
import { nestRpcRequest, waitFor } from '@slipway/testing';
import { RuntimeHarness } from '../runtime-harness';

jest.setTimeout(180_000);

// The admin charts' figures: every app's instances added up from the samples the runtime really stores.
describe('runtime: system-wide resources (real Docker, Caddy, NATS, FerretDB)', () => {
  let runtime: RuntimeHarness;

  beforeAll(async () => {
    runtime = await RuntimeHarness.start();
  });

  afterAll(async () => {
    await runtime?.stop();
  });

  const resources = (window?: '1h' | '24h') =>
    nestRpcRequest<SystemResourcesDto>(
      runtime.platform.nats.url,
      QuerySubjects.RuntimeResources,
      window ? { window } : {},
    );

  it('answers zero containers and no buckets before anything runs', async () => {
    const empty = await resources();
    expect(empty).toMatchObject({
      window: '1h',
      bucketSeconds: 60,
      current: { containersRunning: 0, containersCrashed: 0, appsRunning: 0, appsStopped: 0 },
      buckets: [],
    });
  });

  it('counts every running instance of every app, with their memory, in the aggregate', async () => {
    await Promise.all([runtime.deploy('totals-a', { replicas: 2 }), runtime.deploy('totals-b')]);
    const statuses = await Promise.all(
      ['app-totals-a', 'app-totals-b'].map((appId) =>
        nestRpcRequest<AppRuntimeStatusDto>(runtime.platform.nats.url, QuerySubjects.RuntimeStatus, {
          appId,
        }),
      ),
    );
    const running = statuses.flatMap((status) => status.instances).filter((i) => i.health === 'healthy');
    expect(running).toHaveLength(3);

    // The harness stores a sample per instance every 2 s: wait for a chart bucket all three are in.
    const answer = await waitFor(
      async () => {
        const current = await resources();
        return current.buckets.some((bucket) => bucket.containers === running.length) ? current : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 500, description: 'a bucket with every running instance' },
    );
    expect(answer.current).toEqual({
      containersRunning: 3,
      containersCrashed: 0,
      appsRunning: 2,
      appsStopped: 0,
    });
    const full = answer.buckets.find((bucket) => bucket.containers === running.length);
    // Each instance is a Node server: several MB each, added up.
    expect(full?.memoryBytes).toBeGreaterThan(3 * 1024 * 1024);
    expect(full?.cpuPercent).toBeGreaterThanOrEqual(0);
    expect(answer.buckets.every((bucket) => bucket.containers <= running.length)).toBe(true);

    const day = await resources('24h');
    expect(day).toMatchObject({ window: '24h', bucketSeconds: 900 });
    expect(day.buckets.some((bucket) => bucket.containers === 3)).toBe(true);
  });

  it('counts a stopped app as stopped, its containers no longer running', async () => {
    const operationId = await runtime.lifecycle(EventSubjects.AppStopRequested, 'totals-b');
    await runtime.result(operationId);
    const answer = await resources();
    expect(answer.current).toMatchObject({ containersRunning: 2, appsRunning: 1, appsStopped: 1 });
  });

  it('rejects an unknown window with a reason', async () => {
    await expect(
      nestRpcRequest(runtime.platform.nats.url, QuerySubjects.RuntimeResources, { window: '7d' }),
    ).rejects.toThrow(/window must be one of 1h, 24h/);
  });
});

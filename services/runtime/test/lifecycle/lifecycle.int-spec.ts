import {
  AppMetricsDto,
  AppRuntimeStatusDto,
  EventSubjects,
  InstanceMetricsSampledEvent,
  QuerySubjects,
} from '@slipway/contracts';
import { nestRpcRequest, waitFor } from '@slipway/testing';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { continuousLoad, RuntimeHarness } from '../runtime-harness';

jest.setTimeout(180_000);

describe('runtime lifecycle, crashes and status (real Docker, Caddy, NATS, FerretDB)', () => {
  let runtime: RuntimeHarness;

  beforeAll(async () => {
    runtime = await RuntimeHarness.start({ KEEP_RELEASES_PER_APP: '2' });
  });

  afterAll(async () => {
    await runtime?.stop();
  });

  /** An image as the builder makes them: labelled as Slipway's build of this app. */
  const builtImage = async (appId: string, tag: string): Promise<string> => {
    const dir = await mkdtemp(join(tmpdir(), 'slipway-kept-image-'));
    try {
      await writeFile(
        join(dir, 'Dockerfile'),
        `FROM ${runtime.image}\nLABEL io.slipway.managed-by=slipway io.slipway.kind=build io.slipway.app=${appId} build.tag=${tag}\n`,
      );
      await promisify(execFile)('docker', ['build', '-q', '-t', tag, dir]);
      return tag;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };
  const imageExists = (tag: string) =>
    runtime.docker
      .getImage(tag)
      .inspect()
      .then(
        () => true,
        () => false,
      );

  const releasesRunning = async (appName: string) =>
    (await runtime.containers(appName)).filter((container) => container.State === 'running');

  it('scales to 3 instances that Caddy balances across, and back to 1, without failed requests', async () => {
    await runtime.deploy('scaled');
    const load = continuousLoad(runtime, 'scaled.localhost', 3);

    const up = await runtime.lifecycle(EventSubjects.AppScaleRequested, 'scaled', { replicas: 3 });
    expect(await runtime.result(up)).toMatchObject({
      subject: EventSubjects.AppScaled,
      event: { replicas: 3 },
    });
    expect(await releasesRunning('scaled')).toHaveLength(3);
    const ports = new Set<string>();
    const status = await nestRpcRequest<AppRuntimeStatusDto>(
      runtime.platform.nats.url,
      QuerySubjects.RuntimeStatus,
      {
        appId: 'app-scaled',
      },
    );
    expect(status).toMatchObject({ state: 'running', desiredReplicas: 3 });
    expect(status.instances.filter((instance) => instance.health === 'healthy')).toHaveLength(3);
    for (const container of await releasesRunning('scaled'))
      ports.add(container.Labels['io.slipway.host-port'] ?? '');
    expect(ports.size).toBe(3);

    const down = await runtime.lifecycle(EventSubjects.AppScaleRequested, 'scaled', { replicas: 1 });
    expect(await runtime.result(down)).toMatchObject({
      subject: EventSubjects.AppScaled,
      event: { replicas: 1 },
    });
    await waitFor(async () => (await runtime.containers('scaled')).length === 1, {
      timeoutMs: 15_000,
      description: 'the extra instances to be drained and removed',
    });
    const report = await load.stop();
    expect(report.failures).toEqual([]);
    expect(report.ok).toBeGreaterThan(50);
  });

  it('stops an app (503 page), starts it again and restarts it rolling, each idempotent with its result event', async () => {
    const releaseId = await runtime.deploy('pausable');

    const stop = await runtime.lifecycle(EventSubjects.AppStopRequested, 'pausable');
    expect(await runtime.result(stop)).toMatchObject({
      subject: EventSubjects.AppStopped,
      event: { replicas: 0 },
    });
    const stopped = await runtime.get('pausable.localhost');
    expect(stopped.status).toBe(503);
    expect(stopped.body).toContain('pausable is stopped');
    expect(await runtime.containers('pausable')).toEqual([]);
    const again = await runtime.lifecycle(EventSubjects.AppStopRequested, 'pausable');
    expect(await runtime.result(again)).toMatchObject({ subject: EventSubjects.AppStopped });

    const start = await runtime.lifecycle(EventSubjects.AppStartRequested, 'pausable');
    expect(await runtime.result(start)).toMatchObject({
      subject: EventSubjects.AppStarted,
      event: { replicas: 1 },
    });
    expect(await runtime.get('pausable.localhost')).toEqual({ status: 200, body: `release=${releaseId}` });

    const before = (await runtime.containers('pausable')).map((container) => container.Id);
    const load = continuousLoad(runtime, 'pausable.localhost', 3);
    const restart = await runtime.lifecycle(EventSubjects.AppRestartRequested, 'pausable');
    expect(await runtime.result(restart)).toMatchObject({ subject: EventSubjects.AppRestarted });
    await waitFor(
      async () => {
        const now = (await runtime.containers('pausable')).map((container) => container.Id);
        return now.length === 1 && !before.includes(now[0] ?? '');
      },
      { timeoutMs: 15_000, description: 'a fresh instance to replace the old one' },
    );
    const report = await load.stop();
    expect(report.failures).toEqual([]);
    expect(await runtime.get('pausable.localhost')).toEqual({ status: 200, body: `release=${releaseId}` });
  });

  it('routes custom domains when they change', async () => {
    const releaseId = await runtime.deploy('branded');
    const operation = await runtime.lifecycle(EventSubjects.AppDomainsUpdated, 'branded', {
      domains: ['www.branded.test'],
    });
    expect(await runtime.result(operation, 10_000)).toMatchObject({
      subject: EventSubjects.AppDomainsApplied,
    });
    expect(await runtime.get('www.branded.test')).toEqual({ status: 200, body: `release=${releaseId}` });
    expect((await runtime.get('branded.localhost')).status).toBe(200);
  });

  it('marks a crashed instance, reports it with exit code and last lines, and has it restarted', async () => {
    const releaseId = await runtime.deploy('fragile');
    expect((await runtime.get('fragile.localhost', '/crash')).body).toBe('crashing');

    const crash = await waitFor(() => runtime.crashes.find((event) => event.appId === 'app-fragile'), {
      timeoutMs: 15_000,
      description: 'instance.crashed.v1',
    });
    expect(crash).toMatchObject({ releaseId, exitCode: 3, restartCount: 1, crashLoop: false });
    expect(crash.lastLogLines).toEqual(
      expect.arrayContaining([expect.stringContaining('crashing on request')]),
    );

    await waitFor(async () => (await runtime.get('fragile.localhost')).status === 200, {
      timeoutMs: 20_000,
      description: 'the app to answer again after the restart',
    });
    const status = await waitFor(
      async () => {
        const current = await nestRpcRequest<AppRuntimeStatusDto>(
          runtime.platform.nats.url,
          QuerySubjects.RuntimeStatus,
          { appId: 'app-fragile' },
        );
        return current.instances[0]?.health === 'healthy' ? current : undefined;
      },
      { timeoutMs: 20_000, description: 'the instance to be healthy again' },
    );
    expect(status.instances[0]).toMatchObject({ restartCount: 1, exitCode: 3 });
  });

  it('samples CPU, memory and network per instance, publishes each sample, and answers them downsampled', async () => {
    const published: InstanceMetricsSampledEvent[] = [];
    const subscription = runtime.subscribe<InstanceMetricsSampledEvent>(
      EventSubjects.InstanceMetricsSampled,
      (event) => {
        if (event.appId === 'app-measured') published.push(event);
      },
    );
    const releaseId = await runtime.deploy('measured');
    for (let i = 0; i < 20; i++) await runtime.get('measured.localhost');
    const metrics = await waitFor(
      async () => {
        const answer = await nestRpcRequest<AppMetricsDto>(
          runtime.platform.nats.url,
          QuerySubjects.RuntimeMetrics,
          {
            appId: 'app-measured',
          },
        );
        return answer.samples.length > 0 ? answer : undefined;
      },
      { timeoutMs: 20_000, description: 'a stored metrics sample' },
    );
    expect(metrics.samples[0]).toMatchObject({ memoryLimitBytes: 256 * 1024 * 1024 });
    expect(metrics.samples[0]?.memoryBytes).toBeGreaterThan(1024 * 1024);
    expect(metrics.samples[0]?.networkRxBytes).toBeGreaterThan(0);
    await waitFor(async () => (published.length > 0 ? true : undefined), {
      timeoutMs: 20_000,
      description: 'a published metrics sample',
    });
    subscription.unsubscribe();
    expect(published[0]).toMatchObject({
      appId: 'app-measured',
      releaseId,
      memoryLimitBytes: 256 * 1024 * 1024,
    });
    expect(published[0]?.instanceId).toMatch(/^slipway-measured-/);
    expect(published[0]?.memoryBytes).toBeGreaterThan(1024 * 1024);
    expect(Date.parse(published[0]?.sampledAt ?? '')).toBeGreaterThan(Date.now() - 60_000);
  });

  it('allocates distinct persisted ports to 10 releases requested at the same time', async () => {
    const names = Array.from({ length: 10 }, (_, i) => `many-${i}`);
    const releaseIds = await Promise.all(names.map((name) => runtime.requestRelease(name)));
    const outcomes = await Promise.all(releaseIds.map((id) => runtime.releaseOutcome(id, 120_000)));
    expect(outcomes.map((outcome) => outcome.failed?.reason ?? 'live')).toEqual(names.map(() => 'live'));
    const ports = (await runtime.containers()).filter((c) =>
      c.Labels['io.slipway.app']?.startsWith('app-many-'),
    );
    expect(ports).toHaveLength(10);
    expect(new Set(ports.map((c) => c.Labels['io.slipway.host-port'])).size).toBe(10);
    for (const [i, name] of names.entries()) {
      expect(await runtime.get(`${name}.localhost`)).toEqual({
        status: 200,
        body: `release=${releaseIds[i]}`,
      });
    }
  });

  it('deletes everything the runtime held for an app, and a repeated delete is fine', async () => {
    await runtime.deploy('doomed', { replicas: 2 });
    await runtime.publish(EventSubjects.AppDeleted, {
      appId: 'app-doomed',
      appName: 'doomed',
      deletedAt: new Date().toISOString(),
    });
    expect(await runtime.result('delete:app-doomed')).toMatchObject({
      subject: EventSubjects.AppRuntimeRemoved,
    });
    expect(await runtime.containers('doomed')).toEqual([]);
    expect((await runtime.get('doomed.localhost')).status).toBe(404);
    const status = await nestRpcRequest<AppRuntimeStatusDto>(
      runtime.platform.nats.url,
      QuerySubjects.RuntimeStatus,
      {
        appId: 'app-doomed',
      },
    );
    expect(status).toMatchObject({ state: 'none', instances: [] });

    runtime.results.delete('delete:app-doomed');
    await runtime.publish(EventSubjects.AppDeleted, {
      appId: 'app-doomed',
      appName: 'doomed',
      deletedAt: new Date().toISOString(),
    });
    expect(await runtime.result('delete:app-doomed')).toMatchObject({
      subject: EventSubjects.AppRuntimeRemoved,
    });
  });

  it("keeps the last releases' images for rollback without a rebuild, and removes them with the app", async () => {
    const tags = await Promise.all(
      [1, 2, 3].map((n) => builtImage('app-kept', `slipway-test/kept:${n}-${Date.now().toString(36)}`)),
    );
    const [first, second, third] = [
      await runtime.deploy('kept', { image: tags[0] }),
      await runtime.deploy('kept', { image: tags[1] }),
      await runtime.deploy('kept', { image: tags[2] }),
    ];
    expect(first).not.toBe(second);
    await waitFor(async () => !(await imageExists(tags[0] ?? '')), {
      timeoutMs: 20_000,
      description: 'the oldest release image to be removed (2 kept)',
    });
    expect(await imageExists(tags[1] ?? '')).toBe(true);
    expect(await imageExists(tags[2] ?? '')).toBe(true);

    // Rollback: the kept image of the previous release, run again as a new release.
    const rollback = await runtime.deploy('kept', {
      image: tags[1],
      reason: 'rollback',
      env: { RELEASE_MARK: second },
    });
    expect(await runtime.get('kept.localhost')).toEqual({ status: 200, body: `release=${second}` });
    expect(runtime.releases.get(rollback)?.live?.previousReleaseId).toBe(third);

    await runtime.publish(EventSubjects.AppDeleted, {
      appId: 'app-kept',
      appName: 'kept',
      deletedAt: new Date().toISOString(),
    });
    await runtime.result('delete:app-kept');
    expect(await runtime.containers('kept')).toEqual([]);
    for (const tag of tags) expect(await imageExists(tag ?? '')).toBe(false);
  });
});

import { Consumers, EventSubjects } from '@slipway/contracts';
import { waitFor } from '@slipway/testing';
import { continuousLoad, RuntimeHarness } from '../runtime-harness';

jest.setTimeout(180_000);

describe('runtime releases (real Docker, Caddy, NATS, FerretDB)', () => {
  let runtime: RuntimeHarness;

  beforeAll(async () => {
    runtime = await RuntimeHarness.start();
  });

  afterAll(async () => {
    await runtime?.stop();
  });

  it('deploys an image and serves it through Caddy on <app>.localhost with its sealed env opened', async () => {
    const releaseId = await runtime.requestRelease('hello', { domains: ['hello.example.test'] });
    const outcome = await runtime.releaseOutcome(releaseId);

    expect(outcome.failed).toBeUndefined();
    expect(outcome.live).toMatchObject({ releaseId, appId: 'app-hello', replicas: 1 });
    expect(outcome.live?.url).toMatch(/^http:\/\/hello\.localhost(:\d+)?$/);
    expect(outcome.progress.map((event) => event.stage)).toEqual(
      expect.arrayContaining(['starting', 'health-check', 'switching']),
    );
    expect(await runtime.get('hello.localhost')).toEqual({ status: 200, body: `release=${releaseId}` });
    expect(await runtime.get('hello.example.test')).toEqual({ status: 200, body: `release=${releaseId}` });
    expect((await runtime.get('nobody.localhost')).status).toBe(404);

    const [container] = await runtime.containers('hello');
    const info = await runtime.docker.getContainer(container?.Id ?? '').inspect();
    expect(info.HostConfig.Init).toBe(true);
    expect(info.HostConfig.Memory).toBe(256 * 1024 * 1024);
    expect(info.HostConfig.NanoCpus).toBe(0.5e9);
    expect(info.HostConfig.RestartPolicy?.Name).toBe('on-failure');
    expect(info.Config.Labels).toMatchObject({
      'io.slipway.app': 'app-hello',
      'io.slipway.release': releaseId,
      'io.slipway.managed-by': 'slipway',
    });

    // The app's own output reaches the logs pipeline as runtime lines of its deployment.
    await waitFor(
      () => runtime.logLines.find((line) => line.appId === 'app-hello' && line.text.includes('listening')),
      { timeoutMs: 10_000, description: 'the app start-up line in the logs pipeline' },
    );
    expect(runtime.platform.output('runtime')).not.toContain(`RELEASE_MARK=${releaseId}`);
  });

  it('keeps the old release serving when the new one fails its health check, and says why with its last lines', async () => {
    const good = await runtime.deploy('steady');
    const bad = await runtime.requestRelease('steady', {
      env: { FAIL_HEALTH: '1' },
      healthCheck: { path: '/health', deadlineMs: 3000 },
    });
    const outcome = await runtime.releaseOutcome(bad);

    expect(outcome.live).toBeUndefined();
    expect(outcome.failed?.reason).toMatch(/did not become healthy/);
    expect(outcome.failed?.reason).toMatch(/HTTP 500/);
    expect(outcome.failed?.lastLogLines).toEqual(
      expect.arrayContaining([expect.stringContaining('FAIL_HEALTH is set')]),
    );
    expect(await runtime.get('steady.localhost')).toEqual({ status: 200, body: `release=${good}` });
    const containers = await runtime.containers('steady');
    expect(containers.map((container) => container.Labels['io.slipway.release'])).toEqual([good]);
  });

  it('fails a release whose process exits at once, without waiting for the deadline', async () => {
    const releaseId = await runtime.requestRelease('exits', {
      image: 'slipway-local/node:20-bookworm',
      healthCheck: { deadlineMs: 60_000 },
    });
    const outcome = await runtime.releaseOutcome(releaseId, 30_000);
    expect(outcome.failed?.reason).toMatch(/exited with code/);
    expect(await runtime.containers('exits')).toEqual([]);
  });

  it('redeploys and rolls back with zero failed requests under continuous load through Caddy', async () => {
    const first = await runtime.deploy('busy', { replicas: 2 });
    const load = continuousLoad(runtime, 'busy.localhost', 4);
    await waitFor(() => load.report.ok > 50, { timeoutMs: 10_000, description: 'load to run' });

    const second = await runtime.deploy('busy', { replicas: 2 });
    await waitFor(() => (load.report.bodies.get(`release=${second}`) ?? 0) > 50, {
      timeoutMs: 10_000,
      description: 'the second release to serve',
    });
    // Rollback: the first release's image again, as a new release; nothing is built.
    const rollback = await runtime.deploy('busy', {
      replicas: 2,
      reason: 'rollback',
      env: { RELEASE_MARK: first },
    });
    await waitFor(() => (load.report.bodies.get(`release=${first}`) ?? 0) > 100, {
      timeoutMs: 10_000,
      description: 'the rolled-back release to serve',
    });
    const report = await load.stop();

    expect(report.failures).toEqual([]);
    expect(report.failed).toBe(0);
    expect(report.ok).toBeGreaterThan(300);
    expect(report.bodies.get(`release=${second}`)).toBeGreaterThan(0);
    // release.live is published at the switch; the previous instances are drained right after.
    await waitFor(
      async () => {
        const releases = (await runtime.containers('busy')).map((c) => c.Labels['io.slipway.release']);
        return releases.length === 2 && releases.every((release) => release === rollback);
      },
      { timeoutMs: 15_000, description: 'only the rolled-back release to be left running' },
    );
    expect(runtime.releases.get(rollback)?.live?.previousReleaseId).toBe(second);
  });

  it('does nothing more when a release request is delivered again after it went live', async () => {
    const releaseId = await runtime.deploy('once');
    const before = (await runtime.containers('once')).map((container) => container.Id);
    const request = runtime.requests.get(releaseId);
    // A new message id, so JetStream's de-duplication does not hide it: the runtime itself must ignore it.
    await runtime.publish(EventSubjects.ReleaseRequested, request ?? {});
    await runtime.consumerIdle(Consumers.RuntimeOnReleaseRequested.durableName);

    expect((await runtime.containers('once')).map((container) => container.Id)).toEqual(before);
    expect(
      runtime.releases.get(releaseId)?.progress.filter((event) => event.stage === 'starting'),
    ).toHaveLength(1);
    expect(await runtime.get('once.localhost')).toEqual({ status: 200, body: `release=${releaseId}` });
  });

  it('refuses a release asked for before the one now live, and leaves the live one alone', async () => {
    const newer = await runtime.deploy('ordered');
    const late = await runtime.requestRelease('ordered', {
      requestedAt: new Date(Date.now() - 60_000).toISOString(),
    });
    const outcome = await runtime.releaseOutcome(late);

    expect(outcome.live).toBeUndefined();
    expect(outcome.failed?.reason).toBe(`A newer release (${newer}) went live first.`);
    expect(await runtime.get('ordered.localhost')).toEqual({ status: 200, body: `release=${newer}` });
    const containers = await runtime.containers('ordered');
    expect(containers.map((container) => container.Labels['io.slipway.release'])).toEqual([newer]);
  });
});

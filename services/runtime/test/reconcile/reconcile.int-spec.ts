import { renderCaddyBaseConfig, waitFor } from '@slipway/testing';
import { setTimeout as sleep } from 'node:timers/promises';
import { RuntimeHarness, TEST_LABEL } from '../runtime-harness';

jest.setTimeout(180_000);

const RECONCILE_INTERVAL_MS = 1500;

describe('runtime reconciliation (real Docker, Caddy, NATS, FerretDB)', () => {
  let runtime: RuntimeHarness;

  beforeAll(async () => {
    runtime = await RuntimeHarness.start({
      RECONCILE_INTERVAL_MS: String(RECONCILE_INTERVAL_MS),
      RESTART_MAX_RETRIES: '1',
    });
  });

  afterAll(async () => {
    await runtime?.stop();
  });

  const ids = async (appName: string) =>
    (await runtime.containers(appName)).map((container) => container.Id).sort();

  it('keeps apps serving while the runtime is stopped, and recreates nothing when it starts again', async () => {
    const releaseId = await runtime.deploy('durable', { replicas: 2 });
    const before = await ids('durable');

    await runtime.platform.stopService('runtime');
    for (let i = 0; i < 20; i++) {
      expect(await runtime.get('durable.localhost')).toEqual({ status: 200, body: `release=${releaseId}` });
    }
    await runtime.platform.startService('runtime');
    // Several reconciliation passes (one at start-up, then every interval) have run after this.
    await sleep(RECONCILE_INTERVAL_MS * 3);

    expect(await ids('durable')).toEqual(before);
    expect(await runtime.get('durable.localhost')).toEqual({ status: 200, body: `release=${releaseId}` });
  });

  it('forwards what an app wrote while the runtime was down once it is back, and nothing twice', async () => {
    await runtime.deploy('chatty');
    await runtime.get('chatty.localhost', '/before-the-stop');
    const linesOf = (path: string) =>
      runtime.logLines.filter(
        (line) => line.text.endsWith(` GET ${path}`) && line.text.startsWith('test app '),
      );
    await waitFor(() => linesOf('/before-the-stop').length === 1, {
      timeoutMs: 10_000,
      description: 'the line written before the stop to be forwarded',
    });
    // The forwarded position is saved every 2 s and at shutdown.
    await runtime.platform.stopService('runtime');
    for (let i = 0; i < 5; i++) {
      expect((await runtime.get('chatty.localhost', `/while-down-${i}`)).status).toBe(200);
    }
    await runtime.platform.startService('runtime');
    await waitFor(
      () => Array.from({ length: 5 }, (_, i) => linesOf(`/while-down-${i}`).length).every((n) => n === 1),
      { timeoutMs: 20_000, description: 'the lines written while the runtime was down to be forwarded' },
    );
    await runtime.get('chatty.localhost', '/after-the-start');
    await waitFor(() => linesOf('/after-the-start').length === 1, {
      timeoutMs: 10_000,
      description: 'a line written after the start to be forwarded',
    });
    await sleep(1000);
    expect(linesOf('/before-the-stop')).toHaveLength(1);
    for (let i = 0; i < 5; i++) expect(linesOf(`/while-down-${i}`)).toHaveLength(1);
  });

  it("removes containers of its own scope that nothing wants and never touches anyone else's", async () => {
    await runtime.deploy('tidy');
    const create = (name: string, labels: Record<string, string>, orphan = false) =>
      runtime.docker
        .createContainer({
          name,
          Image: runtime.image,
          Labels: { [TEST_LABEL]: 'true', ...labels },
          Cmd: ['sleep', '600'],
        })
        .then(async (container) => {
          // The periodic reconciliation may remove an orphan between its creation and its start: that is
          // the behaviour under test, not a failure to set it up.
          await container.start().catch((error: { statusCode?: number }) => {
            if (!orphan || (error.statusCode !== 409 && error.statusCode !== 404)) throw error;
          });
          return container.id;
        });
    const suffix = Date.now().toString(36);
    const orphanName = `slipway-tidy-orphan-${suffix}`;
    const orphan = await create(
      orphanName,
      {
        'io.slipway.managed-by': 'slipway',
        'io.slipway.instance': orphanName,
        'io.slipway.app': 'app-tidy',
        'io.slipway.scope': runtime.scope,
      },
      true,
    );
    const stranger = await create(`stranger-${suffix}`, {});
    const lookalike = await create(`lookalike-${suffix}`, {
      // Inherited from a Slipway image, but not an instance Slipway started: the name does not match.
      'io.slipway.managed-by': 'slipway',
      'io.slipway.instance': 'someone-else',
      'io.slipway.app': 'app-tidy',
      'io.slipway.scope': runtime.scope,
    });

    await waitFor(
      () =>
        runtime.docker
          .getContainer(orphan)
          .inspect()
          .then(
            () => false,
            () => true,
          ),
      { timeoutMs: 15_000, description: 'the orphan to be removed' },
    );
    await sleep(RECONCILE_INTERVAL_MS * 2);
    for (const untouched of [stranger, lookalike]) {
      expect((await runtime.docker.getContainer(untouched).inspect()).State.Running).toBe(true);
      await runtime.docker.getContainer(untouched).remove({ force: true });
    }
    expect((await runtime.get('tidy.localhost')).status).toBe(200);
  });

  it('replaces an instance whose container disappeared, and puts back a route Caddy lost', async () => {
    const releaseId = await runtime.deploy('phoenix');
    const [gone] = await ids('phoenix');
    await runtime.docker.getContainer(gone ?? '').remove({ force: true });
    const [replacement] = await waitFor(
      async () => {
        const now = await runtime.containers('phoenix');
        return now.length === 1 && now[0]?.Id !== gone && now[0]?.State === 'running' ? now : undefined;
      },
      { timeoutMs: 20_000, description: 'a replacement instance' },
    );
    expect(replacement?.Labels['io.slipway.release']).toBe(releaseId);
    await waitFor(async () => (await runtime.get('phoenix.localhost')).status === 200, {
      timeoutMs: 15_000,
      description: 'the app to answer through its replacement',
    });

    // As after a Caddy restart: the app's route is gone from Caddy's config.
    const removed = await fetch(`${runtime.platform.caddy.adminUrl}/id/app-phoenix`, { method: 'DELETE' });
    expect(removed.status).toBe(200);
    expect((await runtime.get('phoenix.localhost')).status).toBe(404);
    await waitFor(async () => (await runtime.get('phoenix.localhost')).status === 200, {
      timeoutMs: 15_000,
      description: 'the route to be restored from the runtime database',
    });
  });

  it('finishes a release after the runtime was killed in the middle of it, leaving no orphan', async () => {
    const first = await runtime.deploy('resumable');
    const second = await runtime.requestRelease('resumable', {
      env: { STARTUP_DELAY_MS: '3000' },
      healthCheck: { deadlineMs: 30_000 },
    });
    await waitFor(
      () => runtime.releases.get(second)?.progress.find((event) => event.stage === 'health-check'),
      { timeoutMs: 20_000, description: 'the second release to wait for its health check' },
    );
    await runtime.platform.killService('runtime');
    expect(await runtime.get('resumable.localhost')).toEqual({ status: 200, body: `release=${first}` });

    await runtime.platform.startService('runtime');
    const outcome = await runtime.releaseOutcome(second, 60_000);
    expect(outcome.failed).toBeUndefined();
    expect(await runtime.get('resumable.localhost')).toEqual({ status: 200, body: `release=${second}` });
    await waitFor(
      async () => {
        const left = await runtime.containers('resumable');
        return left.length === 1 && left[0]?.Labels['io.slipway.release'] === second;
      },
      { timeoutMs: 20_000, description: 'exactly one instance, of the second release, to be left' },
    );
  });

  it('replaces, with backoff, an instance Docker gave up restarting, and reports the crash loop', async () => {
    const releaseId = await runtime.deploy('flaky');
    const crashesOf = () => runtime.crashes.filter((event) => event.appId === 'app-flaky');
    const crashAndRecover = async (count: number) => {
      expect((await runtime.get('flaky.localhost', '/crash')).body).toBe('crashing');
      await waitFor(() => crashesOf().length >= count, { timeoutMs: 15_000, description: `crash ${count}` });
      await waitFor(async () => (await runtime.get('flaky.localhost')).status === 200, {
        timeoutMs: 40_000,
        description: `the app to answer again after crash ${count}`,
      });
    };
    await crashAndRecover(1); // Docker's restart policy (one retry) brings it back
    const [restarted] = await ids('flaky');
    await crashAndRecover(2); // Docker gives up; reconciliation replaces it after its backoff
    const [replacement] = await ids('flaky');
    expect(replacement).not.toBe(restarted);
    await crashAndRecover(3);

    expect(crashesOf().map((event) => [event.exitCode, event.crashLoop])).toEqual([
      [3, false],
      [3, false],
      [3, true],
    ]);
    expect(crashesOf()[2]).toMatchObject({ releaseId, restartCount: 3 });
  });

  it('rebuilds every app route from its database when Caddy comes back with only its base config', async () => {
    const [one, two] = [await runtime.deploy('rebuilt-one'), await runtime.deploy('rebuilt-two')];
    const { adminUrl, httpPort } = runtime.platform.caddy;
    // What a restarted Caddy serves: the base config (catch-all 404) and no app route.
    const reloaded = await fetch(`${adminUrl}/load`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: await renderCaddyBaseConfig(httpPort, new URL(adminUrl).host),
    });
    expect(reloaded.status).toBe(200);
    expect((await runtime.get('rebuilt-one.localhost')).status).toBe(404);

    await waitFor(
      async () =>
        (await runtime.get('rebuilt-one.localhost')).body === `release=${one}` &&
        (await runtime.get('rebuilt-two.localhost')).body === `release=${two}`,
      { timeoutMs: 15_000, description: 'both routes to be rebuilt' },
    );
  });
});

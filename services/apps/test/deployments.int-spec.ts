import {
  AppDto,
  DeploymentDto,
  DeploymentListDto,
  DeploymentStatusDto,
  EventSubjects,
  ReleaseListDto,
} from '@slipway/contracts';
import { waitFor } from '@slipway/testing';
import { ADMIN, AppsHarness, appName, rpcError, userActor } from './apps-harness';

// The deployment state machine in the real apps service, driven by events; this test plays the builder
// and the runtime by publishing their events, so every path (failure, cancel, supersede, timeout) is
// reachable on demand.
describe('apps: deployments driven by events', () => {
  let apps: AppsHarness;
  const owner = userActor();

  beforeAll(async () => {
    apps = await AppsHarness.start({ DEPLOYMENT_RELEASE_TIMEOUT_MS: '8000' });
  }, 180_000);

  afterAll(async () => {
    if (process.env['SHOW_SERVICE_OUTPUT']) console.log(apps?.platform.output('apps'));
    await apps?.stop();
  }, 60_000);

  async function createGitApp(prefix: string, extra: object = {}): Promise<AppDto> {
    return apps.rpc<AppDto>('rpc.apps.create', {
      actor: owner,
      name: appName(prefix),
      repoUrl: 'https://git.example.com/acme/shop.git',
      branch: 'main',
      port: 3000,
      ...extra,
    });
  }

  async function deploy(app: AppDto, extra: object = {}): Promise<DeploymentDto> {
    return apps.rpc<DeploymentDto>('rpc.deployments.create', { actor: owner, appId: app.id, ...extra });
  }

  /** Deploys and plays a successful build and release; returns the running deployment. */
  async function deployToRunning(app: AppDto, extra: object = {}): Promise<DeploymentDto> {
    const deployment = await deploy(app, extra);
    await apps.buildRequested(deployment.id);
    await apps.buildSucceeds({ deploymentId: deployment.id, appId: app.id, appName: app.name });
    await apps.releaseLive(await apps.releaseRequested(deployment.id));
    return apps.deploymentIn(owner, deployment.id, 'running');
  }

  it('takes a deployment from queued through the build and release to running, storing and publishing every transition', async () => {
    const app = await createGitApp('flow', { rootDirectory: 'apps/web', buildCommand: 'npm run build' });
    await apps.rpc('rpc.apps.env.set', {
      actor: owner,
      appId: app.id,
      vars: [{ name: 'GREETING', value: 'hello' }],
      apply: 'next-deploy',
    });
    const deployment = await deploy(app, { ref: 'release-1' });
    expect(deployment).toMatchObject({ state: 'queued', trigger: 'api', requestedBy: owner.userId });

    const build = await apps.buildRequested(deployment.id);
    expect(build).toMatchObject({
      appId: app.id,
      appName: app.name,
      source: { kind: 'git', repoUrl: 'https://git.example.com/acme/shop.git', ref: 'release-1' },
      settings: { rootDirectory: 'apps/web', buildCommand: 'npm run build', port: 3000 },
    });

    // Step by step, so each report is handled before the next (separate consumers do not keep order).
    await apps.buildProgresses({ deploymentId: deployment.id, appId: app.id }, 'clone', 10);
    await apps.deploymentIn(owner, deployment.id, 'cloning');
    await apps.buildProgresses({ deploymentId: deployment.id, appId: app.id }, 'install', 40);
    await apps.deploymentIn(owner, deployment.id, 'building');
    await apps.buildSucceeds({ deploymentId: deployment.id, appId: app.id, appName: app.name });
    const release = await apps.releaseRequested(deployment.id);
    expect(release).toMatchObject({
      appId: app.id,
      image: `slipway/${app.name}:${deployment.id}`,
      port: 3000,
      plan: 'starter',
      replicas: 1,
      reason: 'deploy',
      healthCheck: { kind: 'http', path: '/' },
    });
    // The env var travels sealed: its name in clear, its value not.
    expect(release.env.map((envVar) => envVar.name)).toEqual(['GREETING']);
    expect(release.env[0]?.value.keyId).toBe('a');
    expect(JSON.stringify(release)).not.toContain('hello');

    await apps.releaseLive(release);
    const running = await apps.deploymentIn(owner, deployment.id, 'running');
    expect(running.transitions.map((transition) => transition.to)).toEqual([
      'queued',
      'cloning',
      'building',
      'releasing',
      'running',
    ]);
    expect(running).toMatchObject({
      commitSha: 'a'.repeat(40),
      commitMessage: 'Serve a greeting',
      url: `http://${app.name}.apps.test`,
    });

    const published = await waitFor(
      () => {
        const events = apps.events(
          EventSubjects.DeploymentTransitioned,
          (payload) => payload['deploymentId'] === deployment.id,
        );
        return events.length >= 5 ? events : undefined;
      },
      { timeoutMs: 10_000, description: 'five deployment.transitioned.v1 events' },
    );
    expect(published.map((event) => [event.payload['sequence'], event.payload['to']])).toEqual([
      [1, 'queued'],
      [2, 'cloning'],
      [3, 'building'],
      [4, 'releasing'],
      [5, 'running'],
    ]);
    expect(published.map((event) => event.messageId)).toEqual(
      [1, 2, 3, 4, 5].map((sequence) => `deployment.transitioned:${deployment.id}:${sequence}`),
    );

    const status = await apps.rpc<DeploymentStatusDto>('rpc.deployments.status', {
      actor: owner,
      deploymentId: deployment.id,
    });
    expect(status).toMatchObject({ state: 'running', url: `http://${app.name}.apps.test` });
    expect(status.timings.map((timing) => timing.state)).toEqual([
      'queued',
      'cloning',
      'building',
      'releasing',
      'running',
    ]);

    const fetchedApp = await apps.rpc<AppDto>('rpc.apps.get', { actor: owner, id: app.id });
    expect(fetchedApp).toMatchObject({
      currentDeploymentId: deployment.id,
      url: `http://${app.name}.apps.test`,
    });
    const releases = await apps.rpc<ReleaseListDto>('rpc.releases.list', { actor: owner, appId: app.id });
    expect(releases.items).toEqual([
      expect.objectContaining({ id: release.releaseId, state: 'live', deploymentId: deployment.id }),
    ]);
  });

  it('records a failed build with its reason and log lines, and a failed release with the container output', async () => {
    const app = await createGitApp('fails');
    const first = await deploy(app);
    await apps.buildRequested(first.id);
    await apps.publish(EventSubjects.BuildFailed, {
      deploymentId: first.id,
      appId: app.id,
      stage: 'install',
      reason: 'npm install failed with exit code 1',
      logTail: ['npm ERR! code E404', 'npm ERR! 404 Not Found - left-pad'],
      occurredAt: new Date().toISOString(),
    });
    const failed = await apps.deploymentIn(owner, first.id, 'failed');
    expect(failed.reason).toBe('npm install failed with exit code 1');
    expect(failed.logTail).toEqual(['npm ERR! code E404', 'npm ERR! 404 Not Found - left-pad']);
    expect(failed.transitions.at(-1)?.reason).toContain('stage install');

    const second = await deploy(app);
    await apps.buildRequested(second.id);
    await apps.buildSucceeds({ deploymentId: second.id, appId: app.id, appName: app.name });
    const release = await apps.releaseRequested(second.id);
    await apps.publish(EventSubjects.ReleaseFailed, {
      releaseId: release.releaseId,
      deploymentId: second.id,
      appId: app.id,
      reason: 'the health check never passed within 60 s',
      lastLogLines: ['Error: listen EADDRINUSE'],
      occurredAt: new Date().toISOString(),
    });
    const releaseFailed = await apps.deploymentIn(owner, second.id, 'failed');
    expect(releaseFailed).toMatchObject({
      reason: 'the health check never passed within 60 s',
      logTail: ['Error: listen EADDRINUSE'],
    });
    const status = await apps.rpc<DeploymentStatusDto>('rpc.deployments.status', {
      actor: owner,
      deploymentId: second.id,
    });
    expect(status.lastLogLines).toEqual(['Error: listen EADDRINUSE']);
  });

  it('runs one deployment per app at a time; a newer one supersedes the queued one; cancel stops the build', async () => {
    const app = await createGitApp('queue');
    const first = await deploy(app);
    await apps.buildRequested(first.id);
    await apps.publish(EventSubjects.BuildProgressed, {
      deploymentId: first.id,
      appId: app.id,
      stage: 'clone',
      percent: 10,
      occurredAt: new Date().toISOString(),
    });
    await apps.deploymentIn(owner, first.id, 'cloning');

    const second = await deploy(app);
    const third = await deploy(app);
    const superseded = await apps.deploymentIn(owner, second.id, 'superseded');
    expect(superseded.reason).toBe(`Superseded by the newer deployment ${third.id}`);
    // Neither waiting deployment was handed to the builder while the first one builds.
    expect(
      apps.events(
        EventSubjects.BuildRequested,
        (payload) =>
          payload['deploymentId'] !== first.id &&
          [second.id, third.id].includes(payload['deploymentId'] as string),
      ),
    ).toEqual([]);

    const cancelled = await apps.rpc<DeploymentDto>('rpc.deployments.cancel', {
      actor: owner,
      deploymentId: first.id,
    });
    expect(cancelled.state).toBe('cancelled');
    await apps.waitForEvent(
      EventSubjects.BuildCancelRequested,
      (payload) => payload['deploymentId'] === first.id,
      'the build cancel request',
    );
    // The first one is out of the way, so the third starts.
    await apps.buildRequested(third.id);

    const again = await rpcError(
      apps.rpc('rpc.deployments.cancel', { actor: owner, deploymentId: first.id }),
    );
    expect(again).toMatchObject({
      code: 'CONFLICT',
      message: 'The deployment is already cancelled; there is nothing to cancel.',
    });

    // A late success for the cancelled build changes nothing.
    await apps.buildSucceeds({ deploymentId: first.id, appId: app.id, appName: app.name });
    await apps.buildSucceeds({ deploymentId: third.id, appId: app.id, appName: app.name });
    await apps.releaseRequested(third.id);
    expect(
      (await apps.rpc<DeploymentDto>('rpc.deployments.get', { actor: owner, deploymentId: first.id })).state,
    ).toBe('cancelled');
    expect(
      apps.events(EventSubjects.ReleaseRequested, (payload) => payload['deploymentId'] === first.id),
    ).toEqual([]);
  });

  it('accepts deploy.requested.v1 by app name once per idempotency key', async () => {
    const app = await createGitApp('event');
    const request = {
      appName: app.name,
      ref: 'main',
      requestedBy: 'ci:jenkins',
      idempotencyKey: `build-${app.name}-42`,
      message: 'release 42',
    };
    await apps.publish(EventSubjects.DeployRequested, request);
    await apps.publish(EventSubjects.DeployRequested, request);
    const list = await waitFor(
      async () => {
        const page = await apps.rpc<DeploymentListDto>('rpc.deployments.list', {
          actor: owner,
          appId: app.id,
        });
        return page.items.length > 0 ? page : undefined;
      },
      { timeoutMs: 15_000, description: 'the deployment from the event' },
    );
    // Both messages handled (the consumer acks in order), still one deployment.
    await waitFor(
      () => apps.events(EventSubjects.BuildRequested, (payload) => payload['appId'] === app.id).length === 1,
      {
        timeoutMs: 10_000,
        description: 'one build request',
      },
    );
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const again = await apps.rpc<DeploymentListDto>('rpc.deployments.list', { actor: owner, appId: app.id });
    expect(again.items).toHaveLength(1);
    expect(list.items[0]).toMatchObject({
      trigger: 'event',
      requestedBy: 'ci:jenkins',
      message: 'release 42',
      source: { ref: 'main' },
    });
  });

  it('parks an invalid deploy.requested.v1 with the reason instead of dropping it', async () => {
    await apps.publish(EventSubjects.DeployRequested, {
      appName: 'no-such-app-here',
      requestedBy: 'ci',
      idempotencyKey: 'k-unknown',
    });
    await apps.publish(EventSubjects.DeployRequested, { requestedBy: 'ci', idempotencyKey: 'k-noapp' });
    const unknown = await apps.waitForEvent(
      'parked.deploy.requested.v1',
      (payload) => (payload['payload'] as { idempotencyKey?: string })?.idempotencyKey === 'k-unknown',
      'the unknown-app request to be parked',
    );
    expect(unknown.payload['reason']).toBe('invalid payload: no app with name "no-such-app-here"');
    const noApp = await apps.waitForEvent(
      'parked.deploy.requested.v1',
      (payload) => (payload['payload'] as { idempotencyKey?: string })?.idempotencyKey === 'k-noapp',
      'the request without an app to be parked',
    );
    expect(noApp.payload['reason']).toContain('give the app by appId or by appName (exactly one)');
  });

  it('rolls back to a kept release and applies env changes by releasing the running image again', async () => {
    const app = await createGitApp('rollback');
    const first = await deployToRunning(app);
    const second = await deployToRunning(app);
    expect(
      (await apps.rpc<DeploymentDto>('rpc.deployments.get', { actor: owner, deploymentId: first.id })).state,
    ).toBe('stopped');

    const rollback = await apps.rpc<DeploymentDto>('rpc.deployments.rollback', {
      actor: owner,
      appId: app.id,
      releaseId: first.releaseId,
    });
    expect(rollback).toMatchObject({ trigger: 'rollback', rollbackOfReleaseId: first.releaseId });
    const rollbackRelease = await apps.releaseRequested(rollback.id);
    expect(rollbackRelease).toMatchObject({
      reason: 'rollback',
      image: `slipway/${app.name}:${first.id}`,
      port: 3000,
    });
    await apps.releaseLive(rollbackRelease);
    await apps.deploymentIn(owner, rollback.id, 'running');
    expect(
      (await apps.rpc<DeploymentDto>('rpc.deployments.get', { actor: owner, deploymentId: second.id })).state,
    ).toBe('stopped');
    // No build for a rollback.
    expect(
      apps.events(EventSubjects.BuildRequested, (payload) => payload['deploymentId'] === rollback.id),
    ).toEqual([]);

    const applied = await apps.rpc<{ applyDeploymentId: string }>('rpc.apps.env.set', {
      actor: owner,
      appId: app.id,
      vars: [{ name: 'FEATURE_FLAG', value: 'on' }],
      apply: 'now',
    });
    const envRelease = await apps.releaseRequested(applied.applyDeploymentId);
    expect(envRelease).toMatchObject({ reason: 'env-change', image: `slipway/${app.name}:${first.id}` });
    expect(envRelease.env.map((envVar) => envVar.name)).toEqual(['FEATURE_FLAG']);

    const unknownRelease = await rpcError(
      apps.rpc('rpc.deployments.rollback', { actor: owner, appId: app.id, releaseId: '0'.repeat(24) }),
    );
    expect(unknownRelease.code).toBe('NOT_FOUND');
  });

  it("hides another user's deployments and refuses to act on them", async () => {
    const app = await createGitApp('private');
    const deployment = await deploy(app);
    const stranger = userActor();
    for (const [subject, data] of [
      ['rpc.deployments.get', { deploymentId: deployment.id }],
      ['rpc.deployments.status', { deploymentId: deployment.id }],
      ['rpc.deployments.cancel', { deploymentId: deployment.id }],
      ['rpc.deployments.list', { appId: app.id }],
      ['rpc.deployments.create', { appId: app.id }],
      ['rpc.deployments.redeploy', { appId: app.id }],
      ['rpc.releases.list', { appId: app.id }],
    ] as const) {
      const error = await rpcError(apps.rpc(subject, { actor: stranger, ...data }));
      expect({ subject, code: error.code }).toEqual({ subject, code: 'NOT_FOUND' });
    }
    const asAdmin = await apps.rpc<DeploymentDto>('rpc.deployments.get', {
      actor: ADMIN,
      deploymentId: deployment.id,
    });
    expect(asAdmin.id).toBe(deployment.id);
  });

  it('fails a deployment that outlives its deadline, even across a crash of the apps service', async () => {
    const app = await createGitApp('timeout');
    const deployment = await deploy(app);
    await apps.buildRequested(deployment.id);
    await apps.buildSucceeds({ deploymentId: deployment.id, appId: app.id, appName: app.name });
    await apps.releaseRequested(deployment.id);
    await apps.deploymentIn(owner, deployment.id, 'releasing');

    // The runtime never answers, and the apps service dies mid-deployment.
    await apps.platform.killService('apps');
    await new Promise((resolve) => setTimeout(resolve, 8500));
    await apps.platform.startService('apps');

    const failed = await apps.deploymentIn(owner, deployment.id, 'failed');
    expect(failed.reason).toMatch(
      /^Timed out after \d+ s in releasing, waiting for the runtime to report the release live or failed$/,
    );
  });

  it('picks up build results published while the apps service was down', async () => {
    const app = await createGitApp('resume');
    const deployment = await deploy(app);
    await apps.buildRequested(deployment.id);
    await apps.platform.killService('apps');
    await apps.buildSucceeds({ deploymentId: deployment.id, appId: app.id, appName: app.name });
    await apps.platform.startService('apps');
    await apps.releaseLive(await apps.releaseRequested(deployment.id));
    const running = await apps.deploymentIn(owner, deployment.id, 'running');
    // Progress and result arrive through separate consumers after the restart, in either order; a late
    // progress report never moves the deployment backwards.
    const states = running.transitions.map((transition) => transition.to);
    expect(states[0]).toBe('queued');
    expect(states.slice(-2)).toEqual(['releasing', 'running']);
  });
});

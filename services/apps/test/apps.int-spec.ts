import {
  AppDto,
  AppHooksDto,
  AppListDto,
  DeploymentDto,
  EnvVarListDto,
  EventSubjects,
  LifecycleAcceptedDto,
  WebhookResultDto,
} from '@slipway/contracts';
import { SecretBox } from '@slipway/nest-secrets';
import { waitFor } from '@slipway/testing';
import { MongoClient } from 'mongodb';
import { createHmac, randomBytes } from 'node:crypto';
import { AppsConfig } from '../src/config/apps.config';
import { rotateSecrets } from '../src/rotate-secrets';
import { ADMIN, AppsHarness, appName, rpcError, SECRETS_KEY_A, userActor } from './apps-harness';

/** A push payload shaped like GitHub's (trimmed to fields that matter, same structure and names). */
function gitHubPush(branch: string, after: string) {
  return {
    ref: `refs/heads/${branch}`,
    before: '0'.repeat(40),
    after,
    created: false,
    deleted: false,
    forced: false,
    base_ref: null,
    compare: `https://github.com/acme/shop/compare/000000000000...${after.slice(0, 12)}`,
    commits: [{ id: after, message: 'Fix the checkout button\n\nLonger body', author: { name: 'Ada' } }],
    head_commit: {
      id: after,
      message: 'Fix the checkout button\n\nLonger body',
      timestamp: '2026-11-29T10:00:00Z',
    },
    repository: {
      id: 1,
      name: 'shop',
      full_name: 'acme/shop',
      clone_url: 'https://github.com/acme/shop.git',
      default_branch: 'main',
    },
    pusher: { name: 'ada', email: 'ada@example.com' },
    sender: { login: 'ada', id: 2, type: 'User' },
  };
}

// The apps service's own API over NATS: tenancy, settings, env vars sealed at rest, key rotation,
// lifecycle commands, deletion and the deploy hook and GitHub webhook checks.
describe('apps: apps, env vars, lifecycle and hooks', () => {
  let apps: AppsHarness;
  const owner = userActor();
  const stranger = userActor();

  beforeAll(async () => {
    apps = await AppsHarness.start();
  }, 180_000);

  afterAll(async () => {
    await apps?.stop();
  }, 60_000);

  async function createApp(extra: object = {}, actor = owner): Promise<AppDto> {
    return apps.rpc<AppDto>('rpc.apps.create', {
      actor,
      name: appName('shop'),
      repoUrl: 'https://git.example.com/acme/shop.git',
      ...extra,
    });
  }

  it('stores what the wizard collects and returns it with defaults filled in', async () => {
    const app = await createApp({
      branch: 'main',
      rootDirectory: 'apps/web',
      installCommand: 'npm ci',
      startCommand: 'node server.js',
      port: 3000,
      plan: 'pro',
      region: 'eu-west',
      framework: 'express',
      domains: ['shop.example.com'],
      autoDeploy: true,
      database: { enabled: true, type: 'postgres' },
      healthCheck: {
        kind: 'http',
        path: '/healthz',
        intervalMs: 500,
        timeoutMs: 1000,
        successesRequired: 1,
        deadlineMs: 30_000,
      },
    });
    expect(app).toMatchObject({
      ownerId: owner.userId,
      sourceKind: 'git',
      rootDirectory: 'apps/web',
      port: 3000,
      plan: 'pro',
      region: 'eu-west',
      framework: 'express',
      domains: ['shop.example.com'],
      autoDeploy: true,
      database: { enabled: true, type: 'postgres' },
      healthCheck: { path: '/healthz' },
      replicas: 1,
      desiredState: 'running',
      currentDeploymentId: null,
    });
    const plain = await createApp({ name: appName('plain') });
    expect(plain).toMatchObject({
      plan: 'starter',
      region: 'local',
      autoDeploy: false,
      healthCheck: { kind: 'http', path: '/' },
    });

    const updated = await apps.rpc<AppDto>('rpc.apps.update', {
      actor: owner,
      id: app.id,
      plan: 'starter',
      buildCommand: 'npm run build',
    });
    expect(updated).toMatchObject({
      plan: 'starter',
      buildCommand: 'npm run build',
      installCommand: 'npm ci',
    });

    const invalid = await rpcError(
      apps.rpc('rpc.apps.update', { actor: owner, id: app.id, plan: 'gold', domains: ['Not A Domain'] }),
    );
    expect(invalid.code).toBe('VALIDATION');
    expect(invalid.details).toEqual(
      expect.arrayContaining([
        'plan must be one of starter, pro',
        'each domain must be a lowercase host name such as www.example.com',
      ]),
    );
  });

  it('keeps every one of several settings saved at the same moment', async () => {
    const app = await createApp();
    // Each a different field of the same app, all at once (FerretDB would keep one of concurrent writes).
    const changes: object[] = [
      { region: 'eu-central' },
      { framework: 'fastify' },
      { port: 4100 },
      { rootDirectory: 'services/api' },
      { buildCommand: 'npm run build:api' },
      { autoDeploy: true },
    ];
    await Promise.all([
      ...changes.map((change) => apps.rpc('rpc.apps.update', { actor: owner, id: app.id, ...change })),
      // The owner's env changes bump the app's env revision meanwhile.
      ...['A', 'B', 'C'].map((name) =>
        apps.rpc('rpc.apps.env.set', {
          actor: owner,
          appId: app.id,
          vars: [{ name, value: name.toLowerCase() }],
          apply: 'next-deploy',
        }),
      ),
    ]);
    const stored = await apps.rpc<AppDto>('rpc.apps.get', { actor: owner, id: app.id });
    expect(stored).toMatchObject(Object.assign({}, ...changes));
  });

  it("treats another user's app as not found everywhere, lists only your own, and lets an admin see all", async () => {
    const mine = await createApp();
    const theirs = await createApp({}, stranger);
    const attempts: Array<[string, object]> = [
      ['rpc.apps.get', { id: theirs.id }],
      ['rpc.apps.update', { id: theirs.id, plan: 'pro' }],
      ['rpc.apps.delete', { id: theirs.id }],
      ['rpc.apps.env.list', { appId: theirs.id }],
      ['rpc.apps.env.set', { appId: theirs.id, vars: [{ name: 'A', value: '1' }], apply: 'next-deploy' }],
      ['rpc.apps.env.import', { appId: theirs.id, dotenv: 'A=1', apply: 'next-deploy' }],
      ['rpc.apps.env.delete', { appId: theirs.id, names: ['A'], apply: 'next-deploy' }],
      ['rpc.apps.power', { appId: theirs.id, action: 'stop' }],
      ['rpc.apps.scale', { appId: theirs.id, replicas: 2 }],
      ['rpc.apps.domains.set', { appId: theirs.id, domains: [] }],
      ['rpc.apps.hooks.get', { appId: theirs.id }],
      ['rpc.deployments.create', { appId: theirs.id }],
      ['rpc.deployments.rollback', { appId: theirs.id, releaseId: '0'.repeat(24) }],
    ];
    for (const [subject, data] of attempts) {
      const error = await rpcError(apps.rpc(subject, { actor: owner, ...data }));
      expect({ subject, code: error.code }).toEqual({ subject, code: 'NOT_FOUND' });
    }
    const list = await apps.rpc<AppListDto>('rpc.apps.list', { actor: owner });
    expect(list.items.map((app) => app.id)).toContain(mine.id);
    expect(list.items.every((app) => app.ownerId === owner.userId)).toBe(true);
    const all = await apps.rpc<AppListDto>('rpc.apps.list', { actor: ADMIN, limit: 200 });
    expect(all.items.map((app) => app.id)).toEqual(expect.arrayContaining([mine.id, theirs.id]));
    expect((await apps.rpc<AppDto>('rpc.apps.get', { actor: ADMIN, id: theirs.id })).id).toBe(theirs.id);
    const missingActor = await rpcError(apps.rpc('rpc.apps.list', {}));
    expect(missingActor.code).toBe('VALIDATION');
  });

  it('pages through apps newest first with a cursor', async () => {
    const pager = userActor();
    const created: AppDto[] = [];
    for (let index = 0; index < 5; index += 1) created.push(await createApp({}, pager));
    const first = await apps.rpc<AppListDto>('rpc.apps.list', { actor: pager, limit: 2 });
    const second = await apps.rpc<AppListDto>('rpc.apps.list', {
      actor: pager,
      limit: 2,
      cursor: first.nextCursor,
    });
    const third = await apps.rpc<AppListDto>('rpc.apps.list', {
      actor: pager,
      limit: 2,
      cursor: second.nextCursor,
    });
    expect([...first.items, ...second.items, ...third.items].map((app) => app.id)).toEqual(
      created.map((app) => app.id).reverse(),
    );
    expect(third.nextCursor).toBeNull();
    expect((await rpcError(apps.rpc('rpc.apps.list', { actor: pager, cursor: 'nonsense' }))).code).toBe(
      'VALIDATION',
    );
  });

  it('keeps env vars sealed at rest, masks them, reveals them to the owner only, and imports .env text', async () => {
    const app = await createApp();
    const set = await apps.rpc<EnvVarListDto>('rpc.apps.env.set', {
      actor: owner,
      appId: app.id,
      vars: [{ name: 'DATABASE_URL', value: 'postgres://shop:s3cret-pw@db/shop' }],
      apply: 'next-deploy',
    });
    expect(set.items).toEqual([expect.objectContaining({ name: 'DATABASE_URL', value: null, masked: true })]);
    expect(set.applyDeploymentId).toBeNull();

    const imported = await apps.rpc<EnvVarListDto>('rpc.apps.env.import', {
      actor: owner,
      appId: app.id,
      dotenv: '# from .env\nexport NODE_ENV=production\nGREETING="hello\\nworld"\n',
      apply: 'next-deploy',
    });
    expect(imported.items.map((envVar) => envVar.name)).toEqual(['DATABASE_URL', 'GREETING', 'NODE_ENV']);

    const revealed = await apps.rpc<EnvVarListDto>('rpc.apps.env.list', {
      actor: owner,
      appId: app.id,
      reveal: true,
      names: ['GREETING'],
    });
    expect(revealed.items.find((envVar) => envVar.name === 'GREETING')).toMatchObject({
      value: 'hello\nworld',
      masked: false,
    });
    expect(revealed.items.find((envVar) => envVar.name === 'DATABASE_URL')).toMatchObject({
      value: null,
      masked: true,
    });
    const adminReveal = await rpcError(
      apps.rpc('rpc.apps.env.list', { actor: ADMIN, appId: app.id, reveal: true }),
    );
    expect(adminReveal).toMatchObject({
      code: 'VALIDATION',
      message: "Only the app's owner can reveal its env var values.",
    });

    const badImport = await rpcError(
      apps.rpc('rpc.apps.env.import', { actor: owner, appId: app.id, dotenv: 'OK=1\n2BAD=x', apply: 'now' }),
    );
    expect(badImport).toMatchObject({
      code: 'VALIDATION',
      details: ['line 2: "2BAD" is not a valid variable name'],
    });
    const badName = await rpcError(
      apps.rpc('rpc.apps.env.set', {
        actor: owner,
        appId: app.id,
        vars: [{ name: 'has space', value: 'x' }],
        apply: 'now',
      }),
    );
    expect(badName.code).toBe('VALIDATION');

    await apps.rpc('rpc.apps.env.delete', {
      actor: owner,
      appId: app.id,
      names: ['NODE_ENV'],
      apply: 'next-deploy',
    });
    const client = await MongoClient.connect(apps.platform.database.url);
    try {
      const stored = await client.db('slipway_apps').collection('env_vars').find({ appId: app.id }).toArray();
      expect(stored.map((document) => document['name']).sort()).toEqual(['DATABASE_URL', 'GREETING']);
      expect(JSON.stringify(stored)).not.toContain('s3cret-pw');
      expect(stored.every((document) => document['value']?.keyId === 'a')).toBe(true);
    } finally {
      await client.close();
    }
  });

  it('re-seals every env var and webhook secret under a new active key with the rotation command', async () => {
    const app = await createApp();
    await apps.rpc('rpc.apps.env.set', {
      actor: owner,
      appId: app.id,
      vars: [{ name: 'TOKEN', value: 'rotate-me' }],
      apply: 'next-deploy',
    });
    const hooks = await apps.rpc<AppHooksDto>('rpc.apps.hooks.get', { actor: owner, appId: app.id });
    const keyB = randomBytes(32).toString('base64');
    const config = Object.assign(new AppsConfig(), {
      MONGO_URL: apps.platform.database.url,
      SECRETS_KEYS: `a:${SECRETS_KEY_A},b:${keyB}`,
      SECRETS_ACTIVE_KEY_ID: 'b',
    });
    const result = await rotateSecrets(config);
    expect(result.envVars).toBeGreaterThanOrEqual(1);
    expect(result.appSecrets).toBeGreaterThanOrEqual(2);
    expect(await rotateSecrets(config)).toEqual({ envVars: 0, appSecrets: 0 });

    const onlyB = SecretBox.fromConfig(`b:${keyB}`, 'b');
    const client = await MongoClient.connect(apps.platform.database.url);
    try {
      const envVar = await client
        .db('slipway_apps')
        .collection('env_vars')
        .findOne({ appId: app.id, name: 'TOKEN' });
      expect(envVar?.['value'].keyId).toBe('b');
      expect(onlyB.open(envVar?.['value'])).toBe('rotate-me');
      const stored = await client.db('slipway_apps').collection('apps').findOne({ name: app.name });
      expect(onlyB.open(stored?.['githubWebhookSecret'])).toBe(hooks.githubWebhookSecret);
      expect(onlyB.open(stored?.['deployHookToken'])).toBe(hooks.deployHookToken);
    } finally {
      await client.close();
    }
  });

  it('sends stop, start, restart, scale and domain commands for a released app, and follows the runtime', async () => {
    const app = await createApp();
    const notYet = await rpcError(
      apps.rpc('rpc.apps.power', { actor: owner, appId: app.id, action: 'stop' }),
    );
    expect(notYet.code).toBe('CONFLICT');

    const deployment = await apps.rpc<DeploymentDto>('rpc.deployments.create', {
      actor: owner,
      appId: app.id,
    });
    await apps.buildRequested(deployment.id);
    await apps.buildSucceeds({ deploymentId: deployment.id, appId: app.id, appName: app.name });
    await apps.releaseLive(await apps.releaseRequested(deployment.id));
    await apps.deploymentIn(owner, deployment.id, 'running');

    const stop = await apps.rpc<LifecycleAcceptedDto>('rpc.apps.power', {
      actor: owner,
      appId: app.id,
      action: 'stop',
    });
    const stopRequest = await apps.waitForEvent(
      EventSubjects.AppStopRequested,
      (payload) => payload['operationId'] === stop.operationId,
      'the stop request',
    );
    expect(stopRequest.payload).toMatchObject({ appId: app.id, appName: app.name });
    expect((await apps.rpc<AppDto>('rpc.apps.get', { actor: owner, id: app.id })).desiredState).toBe(
      'stopped',
    );
    const result = (operation: string, replicas: number, operationId: string) => ({
      operationId,
      appId: app.id,
      operation,
      replicas,
      occurredAt: new Date().toISOString(),
    });
    await apps.publish(EventSubjects.AppStopped, result('stop', 0, stop.operationId));
    await apps.deploymentIn(owner, deployment.id, 'stopped');

    const start = await apps.rpc<LifecycleAcceptedDto>('rpc.apps.power', {
      actor: owner,
      appId: app.id,
      action: 'start',
    });
    await apps.waitForEvent(
      EventSubjects.AppStartRequested,
      (payload) => payload['operationId'] === start.operationId,
      'the start request',
    );
    await apps.publish(EventSubjects.AppStarted, result('start', 1, start.operationId));
    await apps.deploymentIn(owner, deployment.id, 'running');

    const restart = await apps.rpc<LifecycleAcceptedDto>('rpc.apps.power', {
      actor: owner,
      appId: app.id,
      action: 'restart',
    });
    await apps.waitForEvent(
      EventSubjects.AppRestartRequested,
      (payload) => payload['operationId'] === restart.operationId,
      'the restart request',
    );

    const scale = await apps.rpc<LifecycleAcceptedDto>('rpc.apps.scale', {
      actor: owner,
      appId: app.id,
      replicas: 3,
    });
    const scaleRequest = await apps.waitForEvent(
      EventSubjects.AppScaleRequested,
      (payload) => payload['operationId'] === scale.operationId,
      'the scale request',
    );
    expect(scaleRequest.payload['replicas']).toBe(3);
    expect((await apps.rpc<AppDto>('rpc.apps.get', { actor: owner, id: app.id })).replicas).toBe(3);

    const withDomains = await apps.rpc<AppDto>('rpc.apps.domains.set', {
      actor: owner,
      appId: app.id,
      domains: ['shop.example.com', 'www.shop.example.com'],
    });
    expect(withDomains.domains).toEqual(['shop.example.com', 'www.shop.example.com']);
    const domainsEvent = await apps.waitForEvent(
      EventSubjects.AppDomainsUpdated,
      (payload) => payload['appId'] === app.id,
      'the domains update',
    );
    expect(domainsEvent.payload['domains']).toEqual(['shop.example.com', 'www.shop.example.com']);

    // The next release carries the new replicas and domains.
    const next = await apps.rpc<DeploymentDto>('rpc.deployments.redeploy', { actor: owner, appId: app.id });
    await apps.buildRequested(next.id);
    await apps.buildSucceeds({ deploymentId: next.id, appId: app.id, appName: app.name });
    expect(await apps.releaseRequested(next.id)).toMatchObject({
      replicas: 3,
      domains: ['shop.example.com', 'www.shop.example.com'],
    });
  });

  it('deletes an app: gone for every query, app.deleted.v1 published, its records removed', async () => {
    const app = await createApp();
    await apps.rpc('rpc.apps.env.set', {
      actor: owner,
      appId: app.id,
      vars: [{ name: 'A', value: '1' }],
      apply: 'next-deploy',
    });
    const deployment = await apps.rpc<DeploymentDto>('rpc.deployments.create', {
      actor: owner,
      appId: app.id,
    });
    await apps.buildRequested(deployment.id);

    expect((await rpcError(apps.rpc('rpc.apps.delete', { actor: stranger, id: app.id }))).code).toBe(
      'NOT_FOUND',
    );
    await apps.rpc('rpc.apps.delete', { actor: owner, id: app.id });
    const deleted = await apps.waitForEvent(
      EventSubjects.AppDeleted,
      (payload) => payload['appId'] === app.id,
      'app.deleted.v1',
    );
    expect(deleted.payload).toMatchObject({ appName: app.name });
    expect(deleted.messageId).toBe(`app.deleted:${app.id}`);
    await apps.waitForEvent(
      EventSubjects.BuildCancelRequested,
      (payload) => payload['deploymentId'] === deployment.id,
      'the cancel of its running build',
    );
    expect((await rpcError(apps.rpc('rpc.apps.get', { actor: owner, id: app.id }))).code).toBe('NOT_FOUND');

    const client = await MongoClient.connect(apps.platform.database.url);
    try {
      const db = client.db('slipway_apps');
      await waitFor(
        async () => {
          const left = await Promise.all([
            db.collection('apps').countDocuments({ name: app.name }),
            db.collection('env_vars').countDocuments({ appId: app.id }),
            db.collection('deployments').countDocuments({ appId: app.id }),
          ]);
          return left.every((count) => count === 0);
        },
        { timeoutMs: 10_000, description: 'the app, its env vars and deployments to be removed' },
      );
    } finally {
      await client.close();
    }
    // The name is free again.
    await createApp({ name: app.name });
  });

  it('deploys an app from uploads only with an uploaded archive, and an image app from its image', async () => {
    const fromUploads = await apps.rpc<AppDto>('rpc.apps.create', {
      actor: owner,
      name: appName('upload'),
      sourceKind: 'archive',
    });
    const missing = await rpcError(
      apps.rpc('rpc.deployments.create', { actor: owner, appId: fromUploads.id }),
    );
    expect(missing).toMatchObject({ code: 'VALIDATION' });
    expect(missing.details).toEqual([
      `app ${fromUploads.name} is deployed from uploads: give the uploaded archive's object name`,
    ]);
    const withArchive = await apps.rpc<DeploymentDto>('rpc.deployments.create', {
      actor: owner,
      appId: fromUploads.id,
      archiveObject: 'upload-6b0c1a40.tar.gz',
    });
    expect((await apps.buildRequested(withArchive.id)).source).toEqual({
      kind: 'archive',
      archiveObject: 'upload-6b0c1a40.tar.gz',
    });

    const fromImage = await apps.rpc<AppDto>('rpc.apps.create', {
      actor: owner,
      name: appName('image'),
      image: 'slipway-local/static:bookworm',
    });
    const refused = await rpcError(
      apps.rpc('rpc.deployments.create', { actor: owner, appId: fromImage.id, ref: 'main' }),
    );
    expect(refused.details).toEqual([`app ${fromImage.name} is not built from git, so a ref does not apply`]);
    const imageDeployment = await apps.rpc<DeploymentDto>('rpc.deployments.create', {
      actor: owner,
      appId: fromImage.id,
    });
    expect((await apps.buildRequested(imageDeployment.id)).source).toEqual({
      kind: 'image',
      image: 'slipway-local/static:bookworm',
    });
  });

  it('deploys from the deploy hook with the right token and refuses any other', async () => {
    const app = await createApp();
    const hooks = await apps.rpc<AppHooksDto>('rpc.apps.hooks.get', { actor: owner, appId: app.id });
    expect(hooks.deployHookToken.length).toBeGreaterThanOrEqual(32);
    expect(await apps.rpc<AppHooksDto>('rpc.apps.hooks.get', { actor: owner, appId: app.id })).toEqual(hooks);

    const wrong = await rpcError(apps.rpc('rpc.apps.hooks.deploy', { appId: app.id, token: 'guess' }));
    expect(wrong).toMatchObject({ code: 'NOT_FOUND', message: 'No deploy hook at this address.' });
    const result = await apps.rpc<WebhookResultDto>('rpc.apps.hooks.deploy', {
      appId: app.id,
      token: hooks.deployHookToken,
      ref: 'v1.2.0',
    });
    expect(result.outcome).toBe('deployed');
    const build = await apps.buildRequested(result.deploymentId ?? '');
    expect(build.source.ref).toBe('v1.2.0');
  });

  it('deploys the pushed commit from a signed GitHub push to the app branch, and refuses forged or unsigned ones', async () => {
    const app = await createApp({ branch: 'main', autoDeploy: true });
    const { githubWebhookSecret } = await apps.rpc<AppHooksDto>('rpc.apps.hooks.get', {
      actor: owner,
      appId: app.id,
    });
    const sha = randomBytes(20).toString('hex');
    const deliver = (
      event: string,
      body: object,
      signWith: string | null,
      deliveryId = randomBytes(8).toString('hex'),
    ) => {
      const raw = Buffer.from(JSON.stringify(body));
      const signature =
        signWith === null ? '' : `sha256=${createHmac('sha256', signWith).update(raw).digest('hex')}`;
      return apps.rpc<WebhookResultDto>('rpc.apps.hooks.github', {
        appId: app.id,
        event,
        deliveryId,
        signature,
        bodyBase64: raw.toString('base64'),
      });
    };

    expect(await deliver('push', gitHubPush('main', sha), 'not-the-secret')).toMatchObject({
      outcome: 'refused',
      deploymentId: null,
    });
    expect(await deliver('push', gitHubPush('main', sha), null)).toMatchObject({
      outcome: 'refused',
      reason: 'The request is not signed (no X-Hub-Signature-256 header).',
    });
    expect(
      await deliver('ping', { zen: 'Keep it logically awesome.', hook_id: 1 }, githubWebhookSecret),
    ).toMatchObject({ outcome: 'ignored' });
    expect(await deliver('push', gitHubPush('feature/x', sha), githubWebhookSecret)).toMatchObject({
      outcome: 'ignored',
      reason: `push to feature/x; app ${app.name} deploys main`,
    });

    const deliveryId = randomBytes(8).toString('hex');
    const deployed = await deliver('push', gitHubPush('main', sha), githubWebhookSecret, deliveryId);
    expect(deployed.outcome).toBe('deployed');
    const build = await apps.buildRequested(deployed.deploymentId ?? '');
    expect(build.source.ref).toBe(sha);
    const deployment = await apps.rpc<DeploymentDto>('rpc.deployments.get', {
      actor: owner,
      deploymentId: deployed.deploymentId,
    });
    expect(deployment).toMatchObject({
      trigger: 'github-push',
      requestedBy: 'github:ada',
      message: 'Fix the checkout button',
    });
    // GitHub redelivers with the same delivery id: no second deployment.
    expect(
      (await deliver('push', gitHubPush('main', sha), githubWebhookSecret, deliveryId)).deploymentId,
    ).toBe(deployed.deploymentId);

    await apps.rpc('rpc.apps.update', { actor: owner, id: app.id, autoDeploy: false });
    expect(await deliver('push', gitHubPush('main', sha), githubWebhookSecret)).toMatchObject({
      outcome: 'ignored',
      reason: `auto-deploy is off for app ${app.name}`,
    });
  });
});

import {
  AppDto,
  DeploymentDto,
  DeploymentStatusDto,
  EnvVarListDto,
  EventSubjects,
  ReleaseRequestedEvent,
} from '@slipway/contracts';
import { createApiToken, Platform, SignedInUser, signUp, startPlatform, waitFor } from '@slipway/testing';
import { connect, JSONCodec, NatsConnection } from 'nats';
import { createHmac, randomBytes } from 'node:crypto';

const codec = JSONCodec<unknown>();

function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(3).toString('hex')}`;
}

// The app-scoped REST API through the real gateway, apps and logs services. The builder and the runtime
// are played by this test over NATS, so the point is the API: actors, tenancy, scopes, errors, webhooks.
describe('gateway: apps, env vars, deployments and webhooks', () => {
  let platform: Platform;
  let nats: NatsConnection;
  let owner: SignedInUser;
  let stranger: SignedInUser;
  const seen: Array<{ subject: string; payload: Record<string, unknown> }> = [];

  beforeAll(async () => {
    platform = await startPlatform({
      services: ['gateway', 'apps', 'logs'],
      env: { SECRETS_KEYS: `k1:${randomBytes(32).toString('base64')}`, DEPLOYMENT_SWEEP_INTERVAL_MS: '300' },
    });
    nats = await connect({ servers: platform.nats.url });
    for (const subject of ['build.>', 'release.>']) {
      nats.subscribe(subject, {
        callback: (_error, message) =>
          seen.push({
            subject: message.subject,
            payload: codec.decode(message.data) as Record<string, unknown>,
          }),
      });
    }
    await signUp(platform.gatewayUrl); // the first account is the admin
    owner = await signUp(platform.gatewayUrl);
    stranger = await signUp(platform.gatewayUrl);
  }, 180_000);

  afterAll(async () => {
    await nats?.drain();
    await platform?.stop();
  }, 60_000);

  async function call(
    user: SignedInUser | null,
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) {
    const response = await fetch(`${platform.gatewayUrl}/api/v1${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(user?.headers ?? {}),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return {
      status: response.status,
      type: response.headers.get('content-type') ?? '',
      body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
    };
  }

  async function published(subject: string, deploymentId: string): Promise<Record<string, unknown>> {
    return waitFor(
      () =>
        seen.find((event) => event.subject === subject && event.payload['deploymentId'] === deploymentId)
          ?.payload,
      {
        timeoutMs: 20_000,
        description: `${subject} for ${deploymentId}`,
      },
    );
  }

  async function publish(subject: string, payload: object): Promise<void> {
    await nats.jetstream().publish(subject, codec.encode(payload));
  }

  async function createApp(user = owner, extra: object = {}): Promise<AppDto> {
    const response = await call(user, 'POST', '/apps', {
      name: uniqueName('web'),
      repoUrl: 'https://git.example.com/acme/web.git',
      branch: 'main',
      port: 3000,
      autoDeploy: true,
      ...extra,
    });
    expect(response.status).toBe(201);
    return response.body as unknown as AppDto;
  }

  it('deploys through the API and reports status with stage, timings, URL and the log lines', async () => {
    const app = await createApp();
    const env = await call(owner, 'PUT', `/apps/${app.id}/env`, {
      vars: [{ name: 'API_KEY', value: 'k-123' }],
      apply: 'next-deploy',
    });
    expect(env.status).toBe(200);
    expect((env.body as unknown as EnvVarListDto).items).toEqual([
      expect.objectContaining({ name: 'API_KEY', value: null, masked: true }),
    ]);
    const revealed = await call(owner, 'GET', `/apps/${app.id}/env/reveal?names=API_KEY`);
    expect((revealed.body as unknown as EnvVarListDto).items[0]?.value).toBe('k-123');

    const deploy = await call(
      owner,
      'POST',
      `/apps/${app.id}/deployments`,
      { commit: 'a'.repeat(40) },
      { 'idempotency-key': `deploy-${app.id}` },
    );
    expect(deploy.status).toBe(201);
    const deployment = deploy.body as unknown as DeploymentDto;
    expect(deployment).toMatchObject({ state: 'queued', source: { ref: 'a'.repeat(40) } });
    const again = await call(
      owner,
      'POST',
      `/apps/${app.id}/deployments`,
      { commit: 'a'.repeat(40) },
      { 'idempotency-key': `deploy-${app.id}` },
    );
    expect((again.body as unknown as DeploymentDto).id).toBe(deployment.id);

    await published(EventSubjects.BuildRequested, deployment.id);
    await nats.jetstream().publish(
      `logs.${app.id}.${deployment.id}.build`,
      codec.encode({
        appId: app.id,
        deploymentId: deployment.id,
        source: 'build',
        lines: [1, 2, 3].map((seq) => ({
          seq,
          stream: 'stdout',
          stage: 'install',
          timestamp: new Date().toISOString(),
          text: `step ${seq}`,
        })),
      }),
    );
    await publish(EventSubjects.BuildProgressed, {
      deploymentId: deployment.id,
      appId: app.id,
      stage: 'install',
      percent: 40,
      occurredAt: new Date().toISOString(),
    });
    const building = await waitFor(
      async () => {
        const status = (await call(owner, 'GET', `/deployments/${deployment.id}/status`))
          .body as unknown as DeploymentStatusDto;
        return status.state === 'building' && status.lastLogLines.length === 3 ? status : undefined;
      },
      { timeoutMs: 15_000, description: 'the building status with its log lines' },
    );
    expect(building).toMatchObject({
      stage: 'install',
      percent: 40,
      lastLogLines: ['step 1', 'step 2', 'step 3'],
    });
    expect(building.timings.map((timing) => timing.state)).toEqual(['queued', 'building']);

    await publish(EventSubjects.BuildSucceeded, {
      deploymentId: deployment.id,
      appId: app.id,
      imageTag: `slipway/${app.name}:${deployment.id}`,
      imageId: 'sha256:1',
      sizeBytes: 1,
      detection: { stack: 'node', reasons: [] },
      dependencyCacheHit: false,
      timings: [],
      totalMs: 1,
      occurredAt: new Date().toISOString(),
    });
    const release = (await published(
      EventSubjects.ReleaseRequested,
      deployment.id,
    )) as unknown as ReleaseRequestedEvent;
    await publish(EventSubjects.ReleaseLive, {
      releaseId: release.releaseId,
      deploymentId: deployment.id,
      appId: app.id,
      url: `http://${app.name}.localhost`,
      replicas: 1,
      timings: { startMs: 1, healthyMs: 1, switchMs: 1 },
      occurredAt: new Date().toISOString(),
    });
    const status = await waitFor(
      async () => {
        const body = (await call(owner, 'GET', `/apps/${app.id}/status`))
          .body as unknown as DeploymentStatusDto;
        return body.state === 'running' ? body : undefined;
      },
      { timeoutMs: 15_000, description: 'the app status to be running' },
    );
    expect(status).toMatchObject({ deploymentId: deployment.id, url: `http://${app.name}.localhost` });

    const releases = await call(owner, 'GET', `/apps/${app.id}/releases`);
    expect(releases.body['items']).toEqual([
      expect.objectContaining({ id: release.releaseId, state: 'live' }),
    ]);
    const list = await call(owner, 'GET', `/apps/${app.id}/deployments?limit=1`);
    expect(list.body).toMatchObject({
      items: [expect.objectContaining({ id: deployment.id })],
      nextCursor: deployment.id,
    });
  });

  it("answers 404 on every app-scoped endpoint for another user's app", async () => {
    const app = await createApp();
    const deployment = (await call(owner, 'POST', `/apps/${app.id}/deployments`, {}))
      .body as unknown as DeploymentDto;
    const attempts: Array<[string, string, unknown?]> = [
      ['GET', `/apps/${app.id}`],
      ['PATCH', `/apps/${app.id}`, { plan: 'pro' }],
      ['DELETE', `/apps/${app.id}`],
      ['GET', `/apps/${app.id}/logs`],
      ['GET', `/apps/${app.id}/env`],
      ['GET', `/apps/${app.id}/env/reveal`],
      ['PUT', `/apps/${app.id}/env`, { vars: [{ name: 'A', value: '1' }], apply: 'now' }],
      ['POST', `/apps/${app.id}/env/import`, { dotenv: 'A=1', apply: 'now' }],
      ['DELETE', `/apps/${app.id}/env/A?apply=now`],
      ['PUT', `/apps/${app.id}/domains`, { domains: ['x.example.com'] }],
      ['POST', `/apps/${app.id}/stop`],
      ['POST', `/apps/${app.id}/start`],
      ['POST', `/apps/${app.id}/restart`],
      ['POST', `/apps/${app.id}/scale`, { replicas: 2 }],
      ['GET', `/apps/${app.id}/hooks`],
      ['POST', `/apps/${app.id}/deployments`, {}],
      ['GET', `/apps/${app.id}/deployments`],
      ['POST', `/apps/${app.id}/redeploy`],
      ['POST', `/apps/${app.id}/rollback`, { releaseId: '0'.repeat(24) }],
      ['GET', `/apps/${app.id}/releases`],
      ['GET', `/apps/${app.id}/status`],
      ['GET', `/apps/${app.id}/notifications`],
      ['POST', `/apps/${app.id}/notifications`, { url: 'https://example.com/hook' }],
      ['GET', `/deployments/${deployment.id}`],
      ['GET', `/deployments/${deployment.id}/status`],
      ['POST', `/deployments/${deployment.id}/cancel`],
    ];
    for (const [method, path, body] of attempts) {
      const response = await call(stranger, method, path, body);
      expect({ method, path, status: response.status }).toEqual({ method, path, status: 404 });
      expect(response.type).toContain('application/problem+json');
    }
    const list = await call(stranger, 'GET', '/apps');
    expect((list.body['items'] as AppDto[]).map((item) => item.id)).not.toContain(app.id);
    // The owner still has it, untouched.
    expect((await call(owner, 'GET', `/apps/${app.id}`)).body).toMatchObject({ plan: 'starter' });
  });

  it('limits an API token to its scopes and explains validation errors in problem+json', async () => {
    const app = await createApp();
    const readOnly = await createApiToken(platform.gatewayUrl, owner, { scopes: ['apps:read'] });
    const asToken = { ...owner, headers: { authorization: `Bearer ${readOnly.token}` } };
    expect((await call(asToken, 'GET', `/apps/${app.id}`)).status).toBe(200);
    expect((await call(asToken, 'POST', `/apps/${app.id}/deployments`, {})).status).toBe(403);
    expect((await call(asToken, 'GET', `/apps/${app.id}/env/reveal`)).status).toBe(403);

    const invalid = await call(owner, 'POST', `/apps/${app.id}/deployments`, {
      ref: '--upload-pack=evil',
      commit: 'xyz',
    });
    expect(invalid.status).toBe(400);
    expect(invalid.type).toContain('application/problem+json');
    expect(invalid.body['errors']).toEqual(
      expect.arrayContaining([
        expect.stringContaining('ref must be a branch, tag or commit SHA'),
        'commit must be a commit SHA (7 to 40 hex characters)',
      ]),
    );
    const badEnv = await call(owner, 'POST', `/apps/${app.id}/env/import`, {
      dotenv: 'GOOD=1\nnot a line',
      apply: 'now',
    });
    expect(badEnv).toMatchObject({ status: 400, body: { errors: ['line 2: expected NAME=value'] } });
    expect((await call(null, 'GET', `/apps/${app.id}`)).status).toBe(401);
  });

  it('deploys from the deploy hook URL and a signed GitHub push, and refuses forged or unsigned deliveries', async () => {
    const app = await createApp();
    const hooks = await call(owner, 'GET', `/apps/${app.id}/hooks`);
    expect(hooks.status).toBe(200);
    const { deployHookPath, githubWebhookSecret } = hooks.body as {
      deployHookPath: string;
      githubWebhookSecret: string;
    };

    const hook = await fetch(`${platform.gatewayUrl}${deployHookPath}`, { method: 'POST' });
    expect(hook.status).toBe(202);
    expect(await hook.json()).toMatchObject({ outcome: 'deployed' });
    const wrongHook = await fetch(`${platform.gatewayUrl}/api/v1/hooks/deploy/${app.id}/not-the-token`, {
      method: 'POST',
    });
    expect(wrongHook.status).toBe(404);

    const sha = randomBytes(20).toString('hex');
    // Spacing as GitHub sends it matters: the signature covers these exact bytes.
    const raw = JSON.stringify(
      {
        ref: 'refs/heads/main',
        before: '0'.repeat(40),
        after: sha,
        repository: { full_name: 'acme/web', default_branch: 'main' },
        pusher: { name: 'octocat', email: 'octocat@example.com' },
        head_commit: { id: sha, message: 'Update README.md' },
      },
      null,
      2,
    );
    const deliver = (signature: string | null) =>
      fetch(`${platform.gatewayUrl}/api/v1/hooks/github/${app.id}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-github-event': 'push',
          'x-github-delivery': randomBytes(8).toString('hex'),
          'user-agent': 'GitHub-Hookshot/abc',
          ...(signature ? { 'x-hub-signature-256': signature } : {}),
        },
        body: raw,
      });
    const good = await deliver(
      `sha256=${createHmac('sha256', githubWebhookSecret).update(raw).digest('hex')}`,
    );
    expect(good.status).toBe(202);
    const result = (await good.json()) as { outcome: string; deploymentId: string };
    expect(result.outcome).toBe('deployed');
    expect((await published(EventSubjects.BuildRequested, result.deploymentId))['source']).toMatchObject({
      ref: sha,
    });

    const forged = await deliver(`sha256=${createHmac('sha256', 'guessed').update(raw).digest('hex')}`);
    expect(forged.status).toBe(401);
    expect(((await forged.json()) as { detail: string }).detail).toContain('does not match');
    const unsigned = await deliver(null);
    expect(unsigned.status).toBe(401);
  });
});

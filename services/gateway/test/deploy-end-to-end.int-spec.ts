import {
  AppDto,
  AppMetricsDto,
  AppRuntimeStatusDto,
  DeploymentDto,
  DeploymentStatusDto,
  EnvVarListDto,
  ReleaseListDto,
} from '@slipway/contracts';
import {
  dockerSocketPath,
  makeTempDir,
  Platform,
  removeContainersByLabel,
  SignedInUser,
  signUp,
  startPlatform,
  waitFor,
} from '@slipway/testing';
import Docker from 'dockerode';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';

const SERVER = (version: string) =>
  `require('http').createServer((q, s) => s.end('${version} says ' + (process.env.GREETING || 'nothing')))` +
  '.listen(process.env.PORT || 8080);\n';

/** A git repository with a Dockerfile and a server that answers "<version> says <$GREETING>". */
async function appRepo(): Promise<{ url: string; commit(version: string): void }> {
  const dir = await makeTempDir('slipway-e2e-repo-');
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=T', '-c', 'user.email=t@e', ...args], {
      cwd: dir,
      stdio: 'ignore',
    });
  await writeFile(
    join(dir, 'Dockerfile'),
    'FROM slipway-local/node:20-bookworm\nWORKDIR /app\nCOPY server.js .\nCMD ["node", "server.js"]\n',
  );
  await writeFile(join(dir, 'server.js'), SERVER('v1'));
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-qm', 'v1');
  return {
    url: `file://${dir}`,
    commit: (version) => {
      execFileSync('sh', ['-c', `cat > server.js <<'JS'\n${SERVER(version)}JS`], { cwd: dir });
      git('commit', '-qam', version);
    },
  };
}

/** GET / through Caddy with the app's host name. */
function viaCaddy(port: number, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path: '/', headers: { Host: host }, timeout: 10_000 },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      },
    );
    req.once('timeout', () => req.destroy(new Error('no answer within 10 s')));
    req.once('error', reject);
    req.end();
  });
}

// The whole product through its public API, every service real: sign up, create an app from a git
// repository, deploy it, open it through Caddy, change an env var, redeploy, roll back, delete.
describe('end to end: from sign-up to a running app and back to nothing', () => {
  let platform: Platform;
  let user: SignedInUser;
  const scope = `e2e-${randomBytes(4).toString('hex')}`;
  const docker = new Docker({ socketPath: dockerSocketPath() });
  const portBase = 33000 + Math.floor(Math.random() * 200) * 10;

  beforeAll(async () => {
    platform = await startPlatform({
      env: {
        SECRETS_KEYS: `e2e:${randomBytes(32).toString('base64')}`,
        ALLOW_LOCAL_SOURCES: 'true',
        BUILD_WORK_DIR: await makeTempDir('slipway-e2e-builds-'),
        BASE_IMAGE_NODE: 'slipway-local/node:20-bookworm',
        BASE_IMAGE_PYTHON: 'slipway-local/python:3.11-bookworm',
        BASE_IMAGE_STATIC: 'slipway-local/static:bookworm',
        RUNTIME_SCOPE: scope,
        EXTRA_CONTAINER_LABELS: 'io.slipway.test=true',
        HOST_PORT_FROM: String(portBase),
        HOST_PORT_TO: String(portBase + 9),
        DRAIN_GRACE_MS: '300',
        STOP_GRACE_MS: '2000',
        METRICS_INTERVAL_MS: '1000',
        METRICS_BUCKET_MS: '2000',
      },
    });
    user = await signUp(platform.gatewayUrl);
  }, 240_000);

  afterAll(async () => {
    await platform?.stop();
    await removeContainersByLabel('io.slipway.scope', scope).catch(() => undefined);
  }, 120_000);

  async function call<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const response = await fetch(`${platform.gatewayUrl}/api/v1${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...user.headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
  }

  async function untilRunning(deploymentId: string): Promise<DeploymentStatusDto> {
    return waitFor(
      async () => {
        const status = (await call<DeploymentStatusDto>('GET', `/deployments/${deploymentId}/status`)).body;
        if (['failed', 'cancelled', 'superseded'].includes(status.state)) {
          throw new Error(
            `deployment ended ${status.state}: ${status.reason} ${status.lastLogLines.join(' | ')}`,
          );
        }
        return status.state === 'running' ? status : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 250, description: `deployment ${deploymentId} to run` },
    ).catch((error: Error) => {
      throw new Error(
        `${error.message}\n${['apps', 'builder', 'runtime'].map((name) => platform.output(name as 'apps')).join('\n')}`,
      );
    });
  }

  async function answers(host: string, expected: string): Promise<void> {
    await waitFor(
      async () => {
        const answer = await viaCaddy(platform.caddy.httpPort, host);
        return answer.status === 200 && answer.body === expected;
      },
      { timeoutMs: 20_000, description: `${host} to answer "${expected}"` },
    );
  }

  it('deploys, serves, applies env changes, redeploys, rolls back and deletes', async () => {
    const repo = await appRepo();
    const name = `e2e-${randomBytes(3).toString('hex')}`;
    const host = `${name}.localhost`;
    const created = await call<AppDto>('POST', '/apps', {
      name,
      repoUrl: repo.url,
      branch: 'main',
      port: 8080,
    });
    expect(created.status).toBe(201);
    const app = created.body;
    expect(
      (
        await call<EnvVarListDto>('PUT', `/apps/${app.id}/env`, {
          vars: [{ name: 'GREETING', value: 'hello' }],
          apply: 'next-deploy',
        })
      ).status,
    ).toBe(200);

    const first = (await call<DeploymentDto>('POST', `/apps/${app.id}/deployments`, {})).body;
    const running = await untilRunning(first.id);
    expect(running.url).toContain(name);
    expect(running.timings.map((timing) => timing.state)).toEqual(
      expect.arrayContaining(['queued', 'releasing', 'running']),
    );
    await answers(host, 'v1 says hello');

    const runtime = (await call<AppRuntimeStatusDto>('GET', `/apps/${app.id}/runtime`)).body;
    expect(runtime).toMatchObject({ appId: app.id, state: 'running', desiredReplicas: 1 });
    expect(runtime.instances).toEqual([expect.objectContaining({ health: 'healthy', restartCount: 0 })]);
    const samples = await waitFor(
      async () => {
        const metrics = (await call<AppMetricsDto>('GET', `/apps/${app.id}/metrics`)).body;
        return metrics.samples.length > 0 ? metrics.samples : undefined;
      },
      { timeoutMs: 20_000, description: 'a metrics sample of the running app' },
    );
    expect(samples[0]).toMatchObject({
      instanceId: runtime.instances[0]?.id,
      memoryBytes: expect.any(Number),
    });
    const stranger = await signUp(platform.gatewayUrl);
    for (const path of ['runtime', 'metrics']) {
      const response = await fetch(`${platform.gatewayUrl}/api/v1/apps/${app.id}/${path}`, {
        headers: stranger.headers,
      });
      expect(response.status).toBe(404);
    }
    expect((await call('GET', `/apps/${app.id}/metrics?since=yesterday`)).status).toBe(400);

    const applied = (
      await call<EnvVarListDto>('PUT', `/apps/${app.id}/env`, {
        vars: [{ name: 'GREETING', value: 'bonjour' }],
        apply: 'now',
      })
    ).body;
    expect(applied.applyDeploymentId).toEqual(expect.any(String));
    await untilRunning(applied.applyDeploymentId ?? '');
    await answers(host, 'v1 says bonjour');

    repo.commit('v2');
    const redeploy = (await call<DeploymentDto>('POST', `/apps/${app.id}/redeploy`)).body;
    await untilRunning(redeploy.id);
    await answers(host, 'v2 says bonjour');

    const releases = (await call<ReleaseListDto>('GET', `/apps/${app.id}/releases`)).body;
    const firstRelease = releases.items.find((release) => release.deploymentId === first.id);
    expect(firstRelease?.state).toBe('retired');
    const rollback = (
      await call<DeploymentDto>('POST', `/apps/${app.id}/rollback`, { releaseId: firstRelease?.id })
    ).body;
    expect(rollback.trigger).toBe('rollback');
    await untilRunning(rollback.id);
    await answers(host, 'v1 says bonjour');

    expect((await call('DELETE', `/apps/${app.id}`)).status).toBe(204);
    expect((await call('GET', `/apps/${app.id}`)).status).toBe(404);
    await waitFor(
      async () => {
        const containers = await docker.listContainers({
          all: true,
          filters: { label: [`io.slipway.app=${app.id}`] },
        });
        const answer = await viaCaddy(platform.caddy.httpPort, host);
        return containers.length === 0 && answer.status === 404;
      },
      { timeoutMs: 60_000, description: 'no container left and the host no longer routed' },
    );
  });
});

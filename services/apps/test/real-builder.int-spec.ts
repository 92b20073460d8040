import { AppDto, DeploymentDto, EventSubjects } from '@slipway/contracts';
import { dockerSocketPath, makeTempDir } from '@slipway/testing';
import Docker from 'dockerode';
import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppsHarness, appName, userActor } from './apps-harness';

/**
 * A one-commit git repository holding a tiny Node server and its Dockerfile; returns its file:// URL.
 * `slowStep` adds a build step that takes that long (and a fresh layer every time), to kill a build midway.
 */
async function serverRepo(slowStep?: { seconds: number }): Promise<{ url: string; sha: string }> {
  const dir = await makeTempDir('slipway-apps-repo-');
  await writeFile(
    join(dir, 'Dockerfile'),
    [
      'FROM slipway-local/node:20-bookworm',
      'WORKDIR /app',
      'COPY server.js .',
      ...(slowStep ? [`RUN echo ${Date.now()} && sleep ${slowStep.seconds}`] : []),
      'CMD ["node", "server.js"]',
      '',
    ].join('\n'),
  );
  await writeFile(
    join(dir, 'server.js'),
    "require('http').createServer((q, s) => s.end('hello from apps')).listen(process.env.PORT || 8080);\n",
  );
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=T', '-c', 'user.email=t@e', ...args], {
      cwd: dir,
      encoding: 'utf8',
    }).trim();
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-qm', 'A tiny server');
  return { url: `file://${dir}`, sha: git('rev-parse', 'HEAD') };
}

// Apps and the real builder together: a deployment of a local git repository is cloned and built on the
// Docker Engine by the builder, and the apps service asks the runtime to release the image it built.
describe('apps with the real builder', () => {
  let apps: AppsHarness;
  const owner = userActor();
  const docker = new Docker({ socketPath: dockerSocketPath() });
  const appIds: string[] = [];

  beforeAll(async () => {
    apps = await AppsHarness.start(
      {
        ALLOW_LOCAL_SOURCES: 'true',
        BUILD_WORK_DIR: await makeTempDir('slipway-apps-builds-'),
        BASE_IMAGE_NODE: 'slipway-local/node:20-bookworm',
        BASE_IMAGE_PYTHON: 'slipway-local/python:3.11-bookworm',
        BASE_IMAGE_STATIC: 'slipway-local/static:bookworm',
      },
      ['apps', 'builder'],
    );
  }, 180_000);

  afterAll(async () => {
    await apps?.stop();
    for (const appId of appIds) {
      const images = await docker.listImages({
        filters: JSON.stringify({ label: [`io.slipway.app=${appId}`] }),
      });
      for (const image of images)
        await docker
          .getImage(image.Id)
          .remove({ force: true })
          .catch(() => undefined);
    }
  }, 120_000);

  it('goes from queued through cloning and building to releasing the built image', async () => {
    const repo = await serverRepo();
    const app = await apps.rpc<AppDto>('rpc.apps.create', {
      actor: owner,
      name: appName('real'),
      repoUrl: repo.url,
      port: 8080,
    });
    appIds.push(app.id);
    const deployment = await apps.rpc<DeploymentDto>('rpc.deployments.create', {
      actor: owner,
      appId: app.id,
    });

    const releasing = await apps.deploymentIn(owner, deployment.id, 'releasing');
    expect(releasing.transitions.map((transition) => transition.to)).toEqual([
      'queued',
      'cloning',
      'building',
      'releasing',
    ]);
    expect(releasing).toMatchObject({
      commitSha: repo.sha,
      commitMessage: 'A tiny server',
      imageTag: `slipway/${app.name}:${deployment.id}`,
    });

    const release = await apps.releaseRequested(deployment.id);
    expect(release).toMatchObject({
      image: `slipway/${app.name}:${deployment.id}`,
      port: 8080,
      reason: 'deploy',
    });
    const image = await docker.getImage(release.image).inspect();
    expect(image.Id).toMatch(/^sha256:/);
    expect(
      apps.events(EventSubjects.BuildSucceeded, (payload) => payload['deploymentId'] === deployment.id),
    ).toHaveLength(1);
  });

  it('still reaches releasing when the builder is killed in the middle of the build', async () => {
    const repo = await serverRepo({ seconds: 4 });
    const app = await apps.rpc<AppDto>('rpc.apps.create', {
      actor: owner,
      name: appName('crash'),
      repoUrl: repo.url,
      port: 8080,
    });
    appIds.push(app.id);
    const deployment = await apps.rpc<DeploymentDto>('rpc.deployments.create', {
      actor: owner,
      appId: app.id,
    });
    await apps.deploymentIn(owner, deployment.id, 'building');

    await apps.platform.killService('builder');
    await apps.platform.startService('builder');

    const releasing = await apps.deploymentIn(owner, deployment.id, 'releasing');
    expect(releasing.imageTag).toBe(`slipway/${app.name}:${deployment.id}`);
    expect(releasing.transitions.map((transition) => transition.to)).toEqual([
      'queued',
      'cloning',
      'building',
      'releasing',
    ]);
  });
});

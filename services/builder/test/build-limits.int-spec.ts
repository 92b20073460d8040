import { SecretBox } from '@slipway/nest-secrets';
import { makeTempDir, waitFor } from '@slipway/testing';
import { execFileSync } from 'node:child_process';
import Docker from 'dockerode';
import { appendFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { BuilderHarness, dockerfileRepo, fixtureRepo } from './build-harness';
import { GitHttpServer, startGitHttpServer } from './sources/git-http-server';

const SECRETS_KEYS = `test1:${randomBytes(32).toString('base64')}`;

// Limits and guarantees of the builder: private repositories with sealed tokens, the build timeout, the
// memory limit, image retention, and builds surviving a builder crash.
describe('builder: limits, secrets and recovery', () => {
  let builder: BuilderHarness;
  let gitServer: GitHttpServer;
  const token = `ghp_${randomBytes(12).toString('hex')}`;
  let privateUrl: string;

  beforeAll(async () => {
    builder = await BuilderHarness.start({
      SECRETS_KEYS,
      BUILD_TIMEOUT_MS: '15000',
      BUILD_MEMORY_MB: '256',
      KEEP_IMAGES_PER_APP: '2',
      IMAGE_PRUNE_DELAY_MS: '500',
      // The image retention says at info level which image it kept and why.
      LOG_LEVEL: 'info',
    });
    const projectRoot = await makeTempDir('slipway-git-root-');
    const source = await fixtureRepo('node-npm', 'Private greeting');
    execFileSync('git', ['clone', '-q', '--bare', source.dir, join(projectRoot, 'private.git')]);
    gitServer = await startGitHttpServer({ projectRoot, token });
    privateUrl = `${gitServer.baseUrl}/private.git`;
  }, 180_000);

  afterAll(async () => {
    await gitServer?.close();
    await builder?.stop();
  }, 120_000);

  it('clones a private repository with a sealed token that never appears in logs, events or the record', async () => {
    const sealed = SecretBox.fromConfig(SECRETS_KEYS, 'test1').seal(token);
    const deploymentId = await builder.requestBuild('private-app', {
      kind: 'git',
      repoUrl: privateUrl,
      accessToken: sealed,
    });
    const result = await builder.result(deploymentId);
    expect(result.failed).toBeUndefined();
    expect(result.succeeded?.commitMessage).toBe('Private greeting');
    expect(gitServer.requests.some((request) => request.sentCredentials && request.authorized)).toBe(true);

    const everything = JSON.stringify([
      result,
      builder.observe(deploymentId).logs,
      builder.platform.output('builder'),
    ]);
    expect(everything).not.toContain(token);
    expect(everything).not.toContain(Buffer.from(`x-access-token:${token}`).toString('base64'));
  });

  it('fails with a readable reason, still without the token, when the token is wrong', async () => {
    const wrong = SecretBox.fromConfig(SECRETS_KEYS, 'test1').seal(`${token}-revoked`);
    const result = await builder.result(
      await builder.requestBuild('private-app', { kind: 'git', repoUrl: privateUrl, accessToken: wrong }),
    );
    expect(result.failed?.stage).toBe('clone');
    expect(result.failed?.reason).toMatch(/refused the access token/);
    expect(JSON.stringify(result)).not.toContain(token);
  });

  it('stops a build that runs past the time limit and says so', async () => {
    const repo = await dockerfileRepo('endless', 'FROM slipway-local/node:20-bookworm\nRUN sleep 300\n');
    const started = Date.now();
    const result = await builder.result(
      await builder.requestBuild('endless', { kind: 'git', repoUrl: repo }),
      60_000,
    );
    expect(result.failed?.reason).toBe('The build took longer than the limit of 15 s and was stopped.');
    expect(Date.now() - started).toBeLessThan(45_000);
  });

  it('holds a build step to the memory limit', async () => {
    const repo = await dockerfileRepo(
      'hungry',
      'FROM slipway-local/node:20-bookworm\nRUN node -e "const parts = []; for (let i = 0; i < 64; i++) parts.push(Buffer.alloc(16 * 1024 * 1024, 1)); console.log(parts.length)"\n',
    );
    const result = await builder.result(
      await builder.requestBuild('hungry', { kind: 'git', repoUrl: repo }),
      60_000,
    );
    expect(result.succeeded).toBeUndefined();
    expect(result.failed?.reason).toMatch(/returned a non-zero code: 137/);
  });

  it('keeps only the newest images of an app, an image built twice from the same source included', async () => {
    // The same source twice gives one image with two tags (every step cached, labels constant per app);
    // it is the oldest of three images once two newer sources are built, and goes with both its tags.
    const sources = ['first', 'first', 'second', 'third'];
    const tags: string[] = [];
    const imageIds: string[] = [];
    for (const [build, content] of sources.entries()) {
      const repo = await fixtureRepo('static-site', `release ${build}`, (dir) =>
        appendFileSync(join(dir, 'index.html'), `<!-- ${content} -->\n`),
      );
      const result = await builder.result(
        await builder.requestBuild('kept-images', { kind: 'git', repoUrl: repo.url }),
      );
      tags.push(result.succeeded?.imageTag ?? '');
      imageIds.push(result.succeeded?.imageId ?? '');
    }
    expect(imageIds[1]).toBe(imageIds[0]);
    expect(new Set(imageIds).size).toBe(3);
    // Old images are removed IMAGE_PRUNE_DELAY_MS after a build has published its result.
    const kept = [tags[2], tags[3]].sort();
    const remaining = await waitFor(
      async () => {
        const images = await builder.docker.listImages({
          filters: JSON.stringify({ label: ['io.slipway.app=app-kept-images'] }),
        });
        const names = images.flatMap((image) => image.RepoTags ?? []).sort();
        return names.length === kept.length ? names : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 200, description: 'the oldest image to be removed' },
    );
    expect(remaining).toEqual(kept);
  });

  it('keeps an old image a container still uses, with every tag', async () => {
    const tags: string[] = [];
    const users: Docker.Container[] = [];
    for (const content of ['used', 'newer', 'newest']) {
      const repo = await fixtureRepo('static-site', `release ${content}`, (dir) =>
        appendFileSync(join(dir, 'index.html'), `<!-- ${content} -->\n`),
      );
      const result = await builder.result(
        await builder.requestBuild('used-images', { kind: 'git', repoUrl: repo.url }),
      );
      tags.push(result.succeeded?.imageTag ?? '');
      // A container of the first image, as a live release of it would have (never started).
      if (tags.length === 1) {
        const user = await builder.docker.createContainer({
          Image: tags[0],
          name: `slipway-test-used-${randomBytes(3).toString('hex')}`,
          Labels: { 'io.slipway.test': 'true' },
        });
        users.push(user);
      }
    }
    await waitFor(() => builder.platform.output('builder').includes('a container still uses it'), {
      timeoutMs: 30_000,
      description: 'the prune to keep the image in use',
    });
    const images = await builder.docker.listImages({
      filters: JSON.stringify({ label: ['io.slipway.app=app-used-images'] }),
    });
    expect(images.flatMap((image) => image.RepoTags ?? []).sort()).toEqual([...tags].sort());
    await Promise.all(users.map((user) => user.remove({ force: true })));
  });

  it('finishes a build that was running when the builder crashed, after it comes back', async () => {
    const repo = await dockerfileRepo(
      'survivor',
      'FROM slipway-local/node:20-bookworm\nRUN echo survivor step && sleep 3\nCMD ["node", "-e", "0"]\n',
    );
    const deploymentId = await builder.requestBuild('survivor', { kind: 'git', repoUrl: repo });
    await waitFor(() => builder.logText(deploymentId).includes('survivor step'), {
      timeoutMs: 30_000,
      description: 'the build to be running',
    });
    await builder.platform.killService('builder');
    await builder.platform.startService('builder');
    const result = await builder.result(deploymentId, 60_000);
    expect(result.failed).toBeUndefined();
    expect(result.succeeded?.imageTag).toBe(`slipway/survivor:${deploymentId}`);
  });
});

import { BuildDto, EventSubjects, QuerySubjects } from '@slipway/contracts';
import { makeTempDir, nestRpcRequest, waitFor } from '@slipway/testing';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BuilderHarness, dockerfileRepo, fixtureRepo } from './build-harness';

// The builder service end to end on the real Docker Engine: source → detection → image, with its
// events, logs and stored build record. Every successful image is run and asked for its page.
describe('builder: from source to image', () => {
  let builder: BuilderHarness;

  beforeAll(async () => {
    builder = await BuilderHarness.start();
  }, 180_000);

  afterAll(async () => {
    await builder?.stop();
  }, 120_000);

  async function buildRecord(deploymentId: string): Promise<BuildDto> {
    return nestRpcRequest<BuildDto>(builder.platform.nats.url, QuerySubjects.BuildsGet, { deploymentId });
  }

  /** Docker's steps as the build log shows them: the "Step N/M : ..." line, its stage, the lines under it. */
  function dockerSteps(deploymentId: string): { instruction: string; stage?: string; output: string[] }[] {
    const steps: { instruction: string; stage?: string; output: string[] }[] = [];
    const lines = [...builder.observe(deploymentId).logs].sort((a, b) => a.seq - b.seq);
    for (const line of lines) {
      const step = /^Step \d+\/\d+ : (.*)$/.exec(line.text);
      if (step) steps.push({ instruction: step[1] ?? '', stage: line.stage, output: [] });
      else steps.at(-1)?.output.push(line.text);
    }
    return steps;
  }

  it('builds a Node app with npm, runs it as non-root on $PORT, and records commit, detection and stages', async () => {
    const repo = await fixtureRepo('node-npm', 'Serve a greeting');
    const deploymentId = await builder.requestBuild('node-npm', {
      kind: 'git',
      repoUrl: repo.url,
      ref: 'main',
    });
    const result = await builder.result(deploymentId);

    expect(result.failed).toBeUndefined();
    expect(result.succeeded).toMatchObject({
      commitSha: repo.sha,
      commitMessage: 'Serve a greeting',
      imageTag: `slipway/node-npm:${deploymentId}`,
      detection: { stack: 'node' },
    });
    expect(result.succeeded?.detection.reasons.join(' | ')).toMatch(/package\.json/);
    expect(result.succeeded?.detection.reasons.join(' | ')).toMatch(/npm/);
    const stages = [...new Set(result.progress.map((event) => event.stage))];
    expect(stages).toEqual(expect.arrayContaining(['clone', 'detect', 'install', 'build', 'export']));
    expect(stages.indexOf('clone')).toBeLessThan(stages.indexOf('install'));
    expect(new Set(builder.observe(deploymentId).logs.map((line) => line.stage))).toEqual(
      new Set(['clone', 'detect', 'install', 'build', 'export']),
    );

    const served = await builder.serve(result.succeeded?.imageTag ?? '');
    expect(served.body).toContain('hello from node-npm');
    expect(['', 'root', '0']).not.toContain(served.user);

    const record = await buildRecord(deploymentId);
    expect(record).toMatchObject({ status: 'succeeded', commitSha: repo.sha, appName: 'node-npm' });
    expect(record.dockerfile).toMatch(/^FROM slipway-local\/node:20-bookworm/m);
    expect(record.timings.map((timing) => timing.stage)).toEqual(
      expect.arrayContaining(['clone', 'detect', 'install']),
    );

    // Slipway's labels, the same on every build of the app, all applied by one LABEL step right after FROM
    // (each step is a container commit; there it is cached from the app's second build on). The tag, not a
    // label, names the deployment.
    const image = await builder.docker.getImage(result.succeeded?.imageTag ?? '').inspect();
    expect(image.Config.Labels).toMatchObject({
      'io.slipway.managed-by': 'slipway',
      'io.slipway.kind': 'build',
      'io.slipway.app': 'app-node-npm',
    });
    expect(image.Config.Labels).not.toHaveProperty(['io.slipway.deployment']);
    expect(image.RepoTags).toContain(`slipway/node-npm:${deploymentId}`);
    const steps = dockerSteps(deploymentId);
    expect(steps.filter((step) => step.instruction.startsWith('LABEL '))).toHaveLength(1);
    expect(steps[0]?.instruction).toMatch(/^FROM /);
    expect(steps[1]).toMatchObject({
      instruction: 'LABEL io.slipway.app=app-node-npm io.slipway.kind=build io.slipway.managed-by=slipway',
      stage: steps[0]?.stage,
    });
  });

  it('reuses the dependency layer when the lockfile did not change', async () => {
    // A package.json no earlier build has seen, so the first build cannot hit Docker's cache.
    const repo = await fixtureRepo('node-npm', 'unique manifest', (dir) => {
      const manifestPath = join(dir, 'package.json');
      const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, unknown>;
      writeFileSync(
        manifestPath,
        JSON.stringify({ ...manifest, description: `cache probe ${Date.now()}` }, null, 2),
      );
    });
    const first = await builder.result(
      await builder.requestBuild('node-cache', { kind: 'git', repoUrl: repo.url }),
    );
    expect(first.succeeded).toBeDefined();
    await writeFile(join(repo.dir, 'CHANGES.md'), 'a source change that leaves the lockfile alone\n');
    execFileSync('git', ['-c', 'user.name=T', '-c', 'user.email=t@e', 'add', '-A'], { cwd: repo.dir });
    execFileSync('git', ['-c', 'user.name=T', '-c', 'user.email=t@e', 'commit', '-qm', 'docs'], {
      cwd: repo.dir,
    });

    const secondId = await builder.requestBuild('node-cache', { kind: 'git', repoUrl: repo.url });
    const second = await builder.result(secondId);
    expect(second.succeeded?.dependencyCacheHit).toBe(true);
    expect(first.succeeded?.dependencyCacheHit).toBe(false);

    // The labels' step, right after FROM and the same on every build of the app, costs no commit the second
    // time; the steps after it still map to their stages.
    const steps = dockerSteps(secondId);
    const label = steps.findIndex((step) => step.instruction.startsWith('LABEL '));
    expect(label).toBe(1);
    expect(steps[label]?.output).toContainEqual(expect.stringContaining('Using cache'));
    expect(steps[label]?.stage).toBe(steps[0]?.stage);
    const install = steps.find((step) => /^RUN npm ci\b/.test(step.instruction));
    expect(install).toMatchObject({
      stage: 'install',
      output: expect.arrayContaining([expect.stringContaining('Using cache')]),
    });
    expect(steps.find((step) => /^COPY .* \. \.$/.test(step.instruction))?.stage).toBe('build');
    expect(steps.at(-1)).toMatchObject({ instruction: expect.stringMatching(/^CMD /), stage: 'export' });
    expect((await buildRecord(secondId)).timings.map((timing) => timing.stage)).toEqual(
      expect.arrayContaining(['install', 'build', 'export']),
    );
  });

  it.each([
    ['node-yarn', {}, 'hello from node-yarn', 'node', /yarn/],
    ['dockerfile-app', {}, 'hello from dockerfile-app', 'dockerfile', /Dockerfile/],
    ['static-site', {}, 'static-site', 'static', /index\.html/],
    ['python-app', {}, 'hello from python-app', 'python', /requirements\.txt|pyproject/],
    ['node-build-step', {}, 'built', 'node', /build/],
    ['monorepo', { rootDirectory: 'apps/api' }, 'hello from monorepo', 'node', /package\.json/],
  ])('builds %s and serves it', async (fixture, settings, expectedBody, stack, reason) => {
    const repo = await fixtureRepo(fixture);
    const deploymentId = await builder.requestBuild(fixture, { kind: 'git', repoUrl: repo.url }, settings);
    const result = await builder.result(deploymentId);
    expect({ failed: result.failed?.reason, tail: result.failed?.logTail }).toEqual({
      failed: undefined,
      tail: undefined,
    });
    expect(result.succeeded?.detection.stack).toBe(stack);
    expect(result.succeeded?.detection.reasons.join(' | ')).toMatch(reason);
    const served = await builder.serve(result.succeeded?.imageTag ?? '');
    expect(served.body).toContain(expectedBody);
    const image = await builder.docker.getImage(result.succeeded?.imageTag ?? '').inspect();
    expect(image.Config.Labels).toMatchObject({
      'io.slipway.kind': 'build',
      'io.slipway.app': `app-${fixture}`,
    });
    expect(image.RepoTags).toContain(`slipway/${fixture}:${deploymentId}`);
  });

  it('fails a broken build with a readable reason and the failing lines', async () => {
    const repo = await fixtureRepo('broken-node');
    const result = await builder.result(
      await builder.requestBuild('broken-node', { kind: 'git', repoUrl: repo.url }),
    );
    expect(result.succeeded).toBeUndefined();
    expect(result.failed?.stage).toBe('build');
    expect(result.failed?.reason).toMatch(/^The build step failed: /);
    expect(result.failed?.logTail.join('\n')).toMatch(/error/i);
  });

  it("labels an app's own Dockerfile in one step when Docker builds it, and copies exactly the app's files", async () => {
    // The RUN makes it a build (a Dockerfile that runs no command is assembled, with no steps at all).
    const repo = await dockerfileRepo(
      'copies-all',
      'FROM slipway-local/node:20-bookworm\nWORKDIR /app\nCOPY . .\nRUN test -f Dockerfile\nCMD ["sh", "-c", "ls -A /app"]\n',
    );
    const deploymentId = await builder.requestBuild('copies-all', { kind: 'git', repoUrl: repo });
    const result = await builder.result(deploymentId);
    expect(result.failed?.reason).toBeUndefined();
    const imageTag = result.succeeded?.imageTag ?? '';
    const image = await builder.docker.getImage(imageTag).inspect();
    expect(image.Config.Labels).toMatchObject({
      'io.slipway.kind': 'build',
      'io.slipway.app': 'app-copies-all',
    });
    expect(image.Config.Labels).not.toHaveProperty(['io.slipway.deployment']);
    expect(image.RepoTags).toContain(`slipway/copies-all:${deploymentId}`);
    // One LABEL step for all labels, not one per label.
    const history = await builder.docker.getImage(imageTag).history();
    expect(history.filter((layer: { CreatedBy: string }) => /LABEL/.test(layer.CreatedBy))).toHaveLength(1);
    // The labelled copy and its .dockerignore travel beside the source but are not copied.
    const container = await builder.docker.createContainer({
      Image: imageTag,
      Labels: { 'io.slipway.test': 'true' },
    });
    try {
      await container.start();
      await container.wait();
      const output = (await container.logs({ stdout: true, stderr: true })).toString('utf8');
      expect(
        output
          .replace(/[^\x20-\x7e\n]/g, '')
          .split('\n')
          .filter(Boolean)
          .sort(),
      ).toEqual(['Dockerfile']);
    } finally {
      await container.remove({ force: true });
    }
  });

  it('explains what it looked for when it cannot detect the stack', async () => {
    const repo = await fixtureRepo('nothing');
    const result = await builder.result(
      await builder.requestBuild('nothing', { kind: 'git', repoUrl: repo.url }),
    );
    expect(result.failed?.stage).toBe('detect');
    expect(result.failed?.reason).toMatch(/Dockerfile/);
    expect(result.failed?.reason).toMatch(/package\.json/);
    expect(result.failed?.reason).toMatch(/requirements\.txt/);
  });

  it('refuses a hostile repository URL without running git', async () => {
    const marker = join(await makeTempDir('slipway-pwned-'), 'pwned');
    const result = await builder.result(
      await builder.requestBuild('hostile', { kind: 'git', repoUrl: `--upload-pack=touch ${marker}` }),
    );
    expect(result.failed?.stage).toBe('clone');
    expect(result.failed?.reason).toMatch(/must|not allowed|https/i);
    expect(existsSync(marker)).toBe(false);
  });

  it('releases an existing local image without building, and refuses a missing one', async () => {
    const existing = await builder.result(
      await builder.requestBuild('prebuilt', { kind: 'image', image: 'slipway-local/static:bookworm' }),
    );
    expect(existing.succeeded).toMatchObject({
      imageTag: 'slipway-local/static:bookworm',
      detection: { stack: 'image' },
    });

    const missing = await builder.result(
      await builder.requestBuild('prebuilt', { kind: 'image', image: 'nope/missing:1' }),
    );
    expect(missing.failed?.reason).toContain('"nope/missing:1" does not exist on this Docker host');
  });

  it('queues builds beyond the concurrency limit and cancels a queued and a running build, leaving nothing behind', async () => {
    const repoUrl = await dockerfileRepo(
      'slow',
      'FROM slipway-local/node:20-bookworm\nRUN echo starting slow step && sleep 120\nCMD ["node", "-e", "0"]\n',
    );

    const slow = await builder.requestBuild('slow', { kind: 'git', repoUrl });
    await waitFor(() => builder.logText(slow).includes('starting slow step'), {
      timeoutMs: 60_000,
      description: 'the slow step to start',
    });
    const waiting = await builder.requestBuild('slow-next', { kind: 'git', repoUrl });
    await waitFor(() => builder.observe(waiting).progress.some((event) => event.queuePosition === 0), {
      timeoutMs: 10_000,
      description: 'the second build to report its queue position',
    });

    await builder.publish(EventSubjects.BuildCancelRequested, {
      deploymentId: waiting,
      reason: 'not needed',
    });
    const dequeued = await builder.result(waiting, 15_000);
    expect(dequeued.failed).toMatchObject({
      cancelled: true,
      reason: expect.stringContaining('before it started'),
    });

    const cancelledAt = Date.now();
    await builder.publish(EventSubjects.BuildCancelRequested, {
      deploymentId: slow,
      reason: 'changed my mind',
    });
    const cancelled = await builder.result(slow, 30_000);
    expect(cancelled.failed).toMatchObject({
      cancelled: true,
      reason: 'The build was cancelled (changed my mind).',
    });
    expect(Date.now() - cancelledAt).toBeLessThan(30_000);

    const intermediate = [...builder.logText(slow).matchAll(/Running in ([0-9a-f]{12})/g)].map(
      (match) => match[1],
    );
    expect(intermediate.length).toBeGreaterThan(0);
    await waitFor(
      async () => {
        const containers = await builder.docker.listContainers({ all: true });
        return intermediate.every(
          (id) => !containers.some((container) => container.Id.startsWith(id ?? '-')),
        );
      },
      { timeoutMs: 15_000, description: 'the build containers to be gone' },
    );
    // The flag that survives a builder crash, written in turn with the running build's own bookkeeping.
    expect(await buildRecord(slow)).toMatchObject({ status: 'cancelled', cancelRequested: true });
  });

  it('cancels the builds of a deleted app and forgets its build records', async () => {
    const repoUrl = await dockerfileRepo(
      'doomed',
      'FROM slipway-local/node:20-bookworm\nRUN echo starting doomed step && sleep 120\nCMD ["node", "-e", "0"]\n',
    );
    const running = await builder.requestBuild('doomed', { kind: 'git', repoUrl });
    await waitFor(() => builder.logText(running).includes('starting doomed step'), {
      timeoutMs: 60_000,
      description: 'the doomed step to start',
    });
    await builder.publish(EventSubjects.AppDeleted, {
      appId: 'app-doomed',
      appName: 'doomed',
      deletedAt: new Date().toISOString(),
    });
    const result = await builder.result(running, 30_000);
    expect(result.failed).toMatchObject({
      cancelled: true,
      reason: 'The build was cancelled (the app was deleted).',
    });
    await waitFor(
      async () =>
        buildRecord(running).then(
          () => false,
          (error: Error) => /No build for deployment/.test(error.message),
        ),
      { timeoutMs: 15_000, description: 'the build record to be forgotten' },
    );
  });
});

import { DockerClient } from '@slipway/nest-docker';
import { dockerSocketPath, ensureDockerAvailable, makeTempDir } from '@slipway/testing';
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  ASSEMBLY_ANCHOR_REPO,
  DockerImageBuilder,
  ImageBuildError,
  ImageBuildRequest,
} from '../src/builds/docker-image-builder';

const BASE_IMAGE = 'slipway-local/node:20-bookworm';

/** A context whose Dockerfile runs no command: files, folders, modes, a link, ignored files, configuration. */
async function simpleContext(): Promise<string> {
  const dir = await makeTempDir('slipway-assembly-');
  await writeFile(
    join(dir, 'Dockerfile'),
    [
      `FROM ${BASE_IMAGE}`,
      'WORKDIR /srv/app',
      'COPY report.js ./',
      'COPY public /srv/app/static/',
      'COPY lib/ lib/',
      'ENV GREETING="hello there" MODE=assembled',
      'ENV PATH=/srv/app/lib:$PATH',
      'USER 1000',
      'EXPOSE 4000/tcp',
      'LABEL org.example.team=web',
      'CMD ["node", "report.js"]',
      '',
    ].join('\n'),
  );
  await writeFile(
    join(dir, 'report.js'),
    'console.log(JSON.stringify({ greeting: process.env.GREETING, mode: process.env.MODE, ' +
      'path: process.env.PATH, cwd: process.cwd(), uid: process.getuid() }));\n',
  );
  await mkdir(join(dir, 'public', 'nested'), { recursive: true });
  await writeFile(join(dir, 'public', 'index.html'), '<h1>hi</h1>\n');
  await writeFile(join(dir, 'public', 'nested', 'private.txt'), 'only the owner\n');
  await chmod(join(dir, 'public', 'nested', 'private.txt'), 0o600);
  await writeFile(join(dir, 'public', 'secret.txt'), 'left out\n');
  await mkdir(join(dir, 'lib'));
  await writeFile(join(dir, 'lib', 'tool.sh'), '#!/bin/sh\necho tool\n');
  await chmod(join(dir, 'lib', 'tool.sh'), 0o755);
  await symlink('tool.sh', join(dir, 'lib', 'tool'));
  await writeFile(join(dir, '.dockerignore'), 'public/secret.txt\n');
  return dir;
}

describe('image assembly (real Docker)', () => {
  const docker = new DockerClient(dockerSocketPath());
  const builder = new DockerImageBuilder(docker);
  const suffix = randomBytes(4).toString('hex');
  const tags: string[] = [];

  beforeAll(async () => {
    await ensureDockerAvailable();
  });

  afterAll(async () => {
    for (const tag of tags) {
      await docker.engine
        .getImage(tag)
        .remove({ force: true })
        .catch(() => undefined);
    }
  });

  /** A build request for `contextDir` whose output lines go into `lines`. */
  function requestFor(
    contextDir: string,
    tag: string,
    assembleWhenPossible: boolean,
    lines: string[],
  ): ImageBuildRequest {
    tags.push(tag);
    return {
      contextDir,
      dockerfilePath: 'Dockerfile',
      tag,
      labels: {
        'io.slipway.managed-by': 'slipway',
        'io.slipway.kind': 'build',
        'io.slipway.app': 'assembly-test',
      },
      buildArgs: {},
      memoryBytes: 512 * 1024 * 1024,
      cpuPercent: 100,
      instructionStages: [],
      assembleWhenPossible,
      signal: new AbortController().signal,
      onStage: () => undefined,
      onOutput: (_stage, text) => lines.push(text),
    };
  }

  async function build(
    contextDir: string,
    tag: string,
    assembleWhenPossible: boolean,
  ): Promise<{ imageId: string; log: string }> {
    const lines: string[] = [];
    const result = await builder.build(requestFor(contextDir, tag, assembleWhenPossible, lines));
    return { imageId: result.imageId, log: lines.join('') };
  }

  /** Runs the image once (with `command` in place of its CMD, if given) and returns what it printed. */
  async function runOnce(image: string, command?: string[]): Promise<string> {
    const container = await docker.engine.createContainer({
      Image: image,
      Tty: true,
      Labels: { 'io.slipway.test': 'true' },
      ...(command ? { Cmd: command } : {}),
    });
    try {
      await container.start();
      await container.wait();
      const output: unknown = await container.logs({ stdout: true, stderr: true });
      // docker-modem hands back output that parses as JSON already parsed.
      const text = Buffer.isBuffer(output) ? output.toString('utf8') : JSON.stringify(output);
      return text.replace(/\r/g, '');
    } finally {
      await container.remove({ force: true });
    }
  }

  it('assembles an image that is what docker build makes of the same Dockerfile', async () => {
    const context = await simpleContext();
    const assembled = await build(context, `slipway-test/assembly:assembled-${suffix}`, true);
    const built = await build(context, `slipway-test/assembly:built-${suffix}`, false);

    expect(assembled.log).toContain('the image is assembled without a build');
    expect(assembled.log).not.toMatch(/Step \d+\/\d+/);
    expect(built.log).toMatch(/Step 1\/\d+ : FROM/);

    const configOf = async (imageId: string) => {
      const { Config } = await docker.engine.getImage(imageId).inspect();
      return {
        Cmd: Config.Cmd,
        Entrypoint: Config.Entrypoint,
        Env: Config.Env,
        WorkingDir: Config.WorkingDir,
        User: Config.User,
        ExposedPorts: Config.ExposedPorts,
        Labels: Config.Labels,
      };
    };
    const assembledConfig = await configOf(assembled.imageId);
    expect(assembledConfig).toEqual(await configOf(built.imageId));
    expect(assembledConfig).toMatchObject({
      Cmd: ['node', 'report.js'],
      WorkingDir: '/srv/app',
      User: '1000',
      ExposedPorts: { '4000/tcp': {} },
      Labels: expect.objectContaining({
        'io.slipway.managed-by': 'slipway',
        'io.slipway.kind': 'build',
        'io.slipway.app': 'assembly-test',
        'org.example.team': 'web',
      }),
    });

    // Every copied file, folder and link: type, mode, owner, link target and content.
    const listing = [
      'sh',
      '-c',
      "find /srv/app -printf '%P %y %m %U:%G %l\\n' | sort && cd /srv/app && find . -type f | sort | xargs md5sum",
    ];
    const assembledFiles = await runOnce(assembled.imageId, listing);
    expect(assembledFiles).toEqual(await runOnce(built.imageId, listing));
    expect(assembledFiles).toContain('static/nested/private.txt f 600 0:0');
    expect(assembledFiles).toContain('lib/tool l 777 0:0 tool.sh');
    expect(assembledFiles).toContain('lib/tool.sh f 755 0:0');
    expect(assembledFiles).not.toContain('secret.txt');
    expect(assembledFiles).not.toContain('Dockerfile');

    // Committed on the base's anchor, not on the base: assembled images come and go, and a build from the
    // base that looks among its children for a cached step must not see one removed meanwhile.
    const base = await docker.engine.getImage(BASE_IMAGE).inspect();
    const anchor = await docker.engine.getImage(`${ASSEMBLY_ANCHOR_REPO}:${base.Id.slice(7, 19)}`).inspect();
    expect(anchor.Parent).toBe(base.Id);
    expect((await docker.engine.getImage(assembled.imageId).inspect()).Parent).toBe(anchor.Id);
    expect(anchor.Config.Labels).toMatchObject({ 'io.slipway.managed-by': 'slipway' });

    const report = JSON.parse(await runOnce(assembled.imageId)) as Record<string, unknown>;
    expect(report).toEqual(JSON.parse(await runOnce(built.imageId)));
    expect(report).toMatchObject({ greeting: 'hello there', mode: 'assembled', cwd: '/srv/app', uid: 1000 });
    expect(String(report['path'])).toMatch(/^\/srv\/app\/lib:/);
  }, 120_000);

  it('leaves a Dockerfile that runs a command to docker build', async () => {
    const context = await makeTempDir('slipway-assembly-run-');
    await writeFile(join(context, 'Dockerfile'), `FROM ${BASE_IMAGE}\nRUN echo built > /built.txt\n`);
    const result = await build(context, `slipway-test/assembly:run-${suffix}`, true);
    expect(result.log).toMatch(/Step \d+\/\d+ : RUN echo built/);
    expect(result.log).not.toContain('assembled');
    expect(await runOnce(result.imageId, ['cat', '/built.txt'])).toBe('built\n');
  }, 120_000);

  it('leaves a base image that is not here to docker build, which reports the failure', async () => {
    const context = await makeTempDir('slipway-assembly-missing-');
    await writeFile(join(context, 'Dockerfile'), 'FROM slipway-test/no-such-image:1\nCMD ["true"]\n');
    const lines: string[] = [];
    await expect(
      builder.build(requestFor(context, `slipway-test/assembly:missing-${suffix}`, true, lines)),
    ).rejects.toThrow(ImageBuildError);
    expect(lines.join('')).toMatch(/Step 1\/\d+ : FROM slipway-test\/no-such-image:1/);
  }, 120_000);
});

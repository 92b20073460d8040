import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  assemblyLog,
  dockerignoreFilter,
  InstructionStage,
  LABELLED_DOCKERFILE,
  labelledDockerfile,
  stepsWithLabel,
} from './docker-image-builder';

describe('dockerignoreFilter', () => {
  function contextWith(dockerignore?: string): string {
    const dir = mkdtempSync(join(tmpdir(), 'slipway-context-'));
    if (dockerignore !== undefined) writeFileSync(join(dir, '.dockerignore'), dockerignore);
    return dir;
  }

  it('leaves out what the .dockerignore names, but always sends the Dockerfile and .dockerignore', () => {
    const dir = contextWith('node_modules\n*.log\nsecrets/\n.slipway\n.dockerignore\n');
    const ignored = dockerignoreFilter(dir, '.slipway/Dockerfile');
    expect(ignored(join(dir, 'node_modules'))).toBe(true);
    expect(ignored(join(dir, 'debug.log'))).toBe(true);
    expect(ignored(join(dir, 'secrets', 'key.pem'))).toBe(true);
    expect(ignored(join(dir, 'server.js'))).toBe(false);
    expect(ignored(join(dir, '.dockerignore'))).toBe(false);
    expect(ignored(join(dir, '.slipway/Dockerfile'))).toBe(false);
  });

  it('honours exceptions', () => {
    const dir = contextWith('*.md\n!README.md\n');
    const ignored = dockerignoreFilter(dir, 'Dockerfile');
    expect(ignored(join(dir, 'NOTES.md'))).toBe(true);
    expect(ignored(join(dir, 'README.md'))).toBe(false);
  });

  it('sends everything when there is no .dockerignore', () => {
    const dir = contextWith();
    expect(dockerignoreFilter(dir, 'Dockerfile')(join(dir, 'node_modules'))).toBe(false);
  });
});

describe('labelledDockerfile', () => {
  const labels = {
    'io.slipway.kind': 'build',
    'io.slipway.app': 'app-1',
    'io.slipway.managed-by': 'slipway',
  };
  const LABEL = 'LABEL io.slipway.app=app-1 io.slipway.kind=build io.slipway.managed-by=slipway';

  function contextWith(files: Record<string, string>): string {
    const dir = mkdtempSync(join(tmpdir(), 'slipway-context-'));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    return dir;
  }

  /** The labelled text and index for a Dockerfile that the context's .dockerignore leaves out. */
  async function labelledInPlace(dockerfile: string): Promise<{ text?: string; labelIndex?: number }> {
    const dir = contextWith({ Dockerfile: dockerfile, '.dockerignore': 'Dockerfile\n' });
    const labelled = await labelledDockerfile(dir, 'Dockerfile', labels);
    return { text: labelled?.replaces?.toString('utf8'), labelIndex: labelled?.labelIndex };
  }

  it('puts all labels in one LABEL instruction right after FROM when the Dockerfile stays out of the copied source', async () => {
    const dir = contextWith({
      Dockerfile: 'FROM base\nCOPY . .\nCMD ["node"]',
      '.dockerignore': 'Dockerfile\n',
    });
    const labelled = await labelledDockerfile(dir, 'Dockerfile', labels);
    expect(labelled?.dockerfile).toBe('Dockerfile');
    expect(labelled?.adds).toBeUndefined();
    expect(labelled?.labelIndex).toBe(1);
    expect(labelled?.replaces?.toString('utf8')).toBe(`FROM base\n${LABEL}\nCOPY . .\nCMD ["node"]`);
  });

  it('puts the LABEL in the final stage of a multi-stage Dockerfile, after its FROM', async () => {
    expect(
      await labelledInPlace(
        'ARG NODE=20\nFROM node:${NODE} AS build\nRUN make\n\nFROM base\nCOPY --from=build /out /srv\n',
      ),
    ).toEqual({
      text: `ARG NODE=20\nFROM node:\${NODE} AS build\nRUN make\n\nFROM base\n${LABEL}\nCOPY --from=build /out /srv\n`,
      labelIndex: 4,
    });
  });

  it('keeps comments, blank lines, continuations and parser directives where they were', async () => {
    const dockerfile = [
      '# syntax=docker/dockerfile:1',
      '# escape=`',
      'FROM base `',
      '  AS app',
      '',
      '# the app',
      'RUN echo one `',
      '# a comment inside the continuation',
      '  && echo two',
      'CMD ["node"]',
      '',
    ].join('\n');
    expect(await labelledInPlace(dockerfile)).toEqual({
      text: [
        '# syntax=docker/dockerfile:1',
        '# escape=`',
        'FROM base `',
        '  AS app',
        '',
        '# the app',
        LABEL,
        'RUN echo one `',
        '# a comment inside the continuation',
        '  && echo two',
        'CMD ["node"]',
        '',
      ].join('\n'),
      labelIndex: 1,
    });
  });

  it('writes the LABEL line with the CRLF line endings of a CRLF Dockerfile', async () => {
    expect(await labelledInPlace('FROM base \\\r\n  AS app\r\nRUN true\r\n')).toEqual({
      text: `FROM base \\\r\n  AS app\r\n${LABEL}\r\nRUN true\r\n`,
      labelIndex: 1,
    });
    expect(await labelledInPlace('FROM base\r\nRUN true\r\nFROM other')).toEqual({
      text: `FROM base\r\nRUN true\r\nFROM other\r\n${LABEL}\r\n`,
      labelIndex: 3,
    });
  });

  it('appends the LABEL when the last FROM is the last instruction', async () => {
    expect(await labelledInPlace('FROM base\n# nothing else\n')).toEqual({
      text: `FROM base\n# nothing else\n${LABEL}\n`,
      labelIndex: 1,
    });
  });

  it('sends a labelled copy beside a source without .dockerignore, with one that leaves out only the two', async () => {
    const labelled = await labelledDockerfile(
      contextWith({ Dockerfile: 'FROM base\nCOPY . .\n' }),
      'Dockerfile',
      labels,
    );
    expect(labelled?.dockerfile).toBe(LABELLED_DOCKERFILE);
    expect(labelled?.replaces).toBeUndefined();
    expect(labelled?.labelIndex).toBe(1);
    expect(
      Object.fromEntries([...(labelled?.adds ?? [])].map(([name, text]) => [name, text.toString('utf8')])),
    ).toEqual({
      [LABELLED_DOCKERFILE]: `FROM base\n${LABEL}\nCOPY . .\n`,
      '.dockerignore': `.dockerignore\n${LABELLED_DOCKERFILE}\n`,
    });
  });

  it('leaves the labels to Docker when its own .dockerignore keeps the Dockerfile in the copied source', async () => {
    const kept = contextWith({ Dockerfile: 'FROM base\n', '.dockerignore': 'node_modules\n' });
    expect(await labelledDockerfile(kept, 'Dockerfile', labels)).toBe(undefined);
    const taken = contextWith({ Dockerfile: 'FROM base\n', [LABELLED_DOCKERFILE]: 'FROM other\n' });
    expect(await labelledDockerfile(taken, 'Dockerfile', labels)).toBe(undefined);
  });

  it('leaves the labels to Docker when the LABEL line would not be an instruction of its own', async () => {
    expect(await labelledInPlace('FROM base \\\n')).toEqual({ text: undefined, labelIndex: undefined });
    expect(await labelledInPlace('RUN true\n')).toEqual({ text: undefined, labelIndex: undefined });
    const plain = contextWith({ Dockerfile: 'FROM base\n', '.dockerignore': 'Dockerfile\n' });
    expect(await labelledDockerfile(plain, 'Dockerfile', { 'io.slipway.app': '$HOME' })).toBe(undefined);
    expect(await labelledDockerfile(plain, 'Dockerfile', { 'io.slipway.app': 'two words' })).toBe(undefined);
  });
});

describe('stepsWithLabel', () => {
  const request = {
    instructionStages: ['setup', 'setup', 'install', 'install', 'build', 'export'] as InstructionStage[],
    dependencyInstallStep: 4,
  };

  it('gives the inserted LABEL step the stage of the FROM before it and moves the install step on', () => {
    expect(stepsWithLabel(request, 1)).toEqual({
      instructionStages: ['setup', 'setup', 'setup', 'install', 'install', 'build', 'export'],
      dependencyInstallStep: 5,
    });
    const multiStage = { instructionStages: ['setup', 'install', 'export', 'export'] as InstructionStage[] };
    expect(stepsWithLabel({ ...multiStage, dependencyInstallStep: 2 }, 3)).toEqual({
      instructionStages: ['setup', 'install', 'export', 'export', 'export'],
      dependencyInstallStep: 2,
    });
  });

  it('leaves an install step before the LABEL where it is', () => {
    expect(stepsWithLabel(request, 5).dependencyInstallStep).toBe(4);
    expect(stepsWithLabel(request, 4).dependencyInstallStep).toBe(4);
    expect(stepsWithLabel({ ...request, dependencyInstallStep: undefined }, 1).dependencyInstallStep).toBe(
      undefined,
    );
  });

  it('leaves the map alone when the labels went through the API (their steps come last)', () => {
    expect(stepsWithLabel(request, undefined)).toEqual(request);
  });
});

describe('assemblyLog', () => {
  it('says what was copied where and what was set on the image, apart from each other', () => {
    const plan = {
      baseImage: 'slipway-local/node:20-bookworm',
      copies: [{ sources: ['server.js'], destination: '/app', intoDirectory: true }],
      configuration: ['WORKDIR /app', 'CMD ["node", "server.js"]'],
    };
    const entry = { source: 'server.js', target: '/app/server.js', mode: 0o644, mtime: new Date(0) };
    expect(
      assemblyLog(
        plan,
        [
          { ...entry, kind: 'file', size: 1536 },
          { ...entry, target: '/app', kind: 'directory', size: 0 },
        ],
        180,
      ),
    ).toEqual([
      'The Dockerfile runs no commands, so the image is assembled without a build:',
      'Base image: slipway-local/node:20-bookworm',
      'Copied: server.js → /app/',
      'Set on the image: WORKDIR /app',
      'Set on the image: CMD ["node", "server.js"]',
      '1 file(s), 1.5 KiB, put onto slipway-local/node:20-bookworm; image assembled in 180 ms',
    ]);
  });
});

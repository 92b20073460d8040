import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dockerignoreFilter, LABELLED_DOCKERFILE, labelledDockerfile } from './docker-image-builder';

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
  const labels = { 'io.slipway.app': 'app-1', 'io.slipway.deployment': 'd0c', 'io.slipway.kind': 'build' };

  function contextWith(files: Record<string, string>): string {
    const dir = mkdtempSync(join(tmpdir(), 'slipway-context-'));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    return dir;
  }

  it('appends all labels as one LABEL instruction when the Dockerfile stays out of the copied source', async () => {
    const dir = contextWith({ Dockerfile: 'FROM base\nCMD ["node"]', '.dockerignore': 'Dockerfile\n' });
    const labelled = await labelledDockerfile(dir, 'Dockerfile', labels);
    expect(labelled?.dockerfile).toBe('Dockerfile');
    expect(labelled?.adds).toBeUndefined();
    expect(labelled?.replaces?.toString('utf8')).toBe(
      'FROM base\nCMD ["node"]\nLABEL io.slipway.app=app-1 io.slipway.deployment=d0c io.slipway.kind=build\n',
    );
  });

  it('sends a labelled copy beside a source without .dockerignore, with one that leaves out only the two', async () => {
    const labelled = await labelledDockerfile(
      contextWith({ Dockerfile: 'FROM base\nCOPY . .\n' }),
      'Dockerfile',
      labels,
    );
    expect(labelled?.dockerfile).toBe(LABELLED_DOCKERFILE);
    expect(labelled?.replaces).toBeUndefined();
    expect(
      Object.fromEntries([...(labelled?.adds ?? [])].map(([name, text]) => [name, text.toString('utf8')])),
    ).toEqual({
      [LABELLED_DOCKERFILE]:
        'FROM base\nCOPY . .\nLABEL io.slipway.app=app-1 io.slipway.deployment=d0c io.slipway.kind=build\n',
      '.dockerignore': `.dockerignore\n${LABELLED_DOCKERFILE}\n`,
    });
  });

  it('leaves the labels to Docker when its own .dockerignore keeps the Dockerfile in the copied source', async () => {
    const kept = contextWith({ Dockerfile: 'FROM base\n', '.dockerignore': 'node_modules\n' });
    expect(await labelledDockerfile(kept, 'Dockerfile', labels)).toBe(undefined);
    const taken = contextWith({ Dockerfile: 'FROM base\n', [LABELLED_DOCKERFILE]: 'FROM other\n' });
    expect(await labelledDockerfile(taken, 'Dockerfile', labels)).toBe(undefined);
  });

  it('leaves the labels to Docker when the appended line would not be an instruction of its own', async () => {
    const continued = contextWith({
      Dockerfile: 'FROM base\nRUN true \\\n',
      '.dockerignore': 'Dockerfile\n',
    });
    expect(await labelledDockerfile(continued, 'Dockerfile', labels)).toBe(undefined);
    const plain = contextWith({ Dockerfile: 'FROM base\n', '.dockerignore': 'Dockerfile\n' });
    expect(await labelledDockerfile(plain, 'Dockerfile', { 'io.slipway.app': '$HOME' })).toBe(undefined);
    expect(await labelledDockerfile(plain, 'Dockerfile', { 'io.slipway.app': 'two words' })).toBe(undefined);
  });
});

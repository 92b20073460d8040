import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copiedEntries, planImageAssembly } from './image-assembly';

const FROM = 'FROM slipway-local/node:20-bookworm';

function reasonFor(dockerfile: string): string | undefined {
  const decision = planImageAssembly(dockerfile);
  return 'notAssembled' in decision ? decision.notAssembled : undefined;
}

describe('planImageAssembly', () => {
  it('plans the copies and passes every configuration instruction through in order', () => {
    const decision = planImageAssembly(
      [
        '# a comment',
        FROM,
        'WORKDIR /srv',
        'WORKDIR app',
        'ENV A=1 \\',
        '    B=2',
        'COPY server.js ./',
        'COPY public/ static/',
        'COPY a.js b.js /opt/lib/',
        'COPY ./conf /etc/app',
        'USER 1000',
        'EXPOSE 3000',
        'LABEL team=web',
        'ENTRYPOINT ["node"]',
        'CMD ["server.js"]',
      ].join('\n'),
    );
    expect(decision).toEqual({
      plan: {
        baseImage: 'slipway-local/node:20-bookworm',
        copies: [
          { sources: ['server.js'], destination: '/srv/app', intoDirectory: true },
          { sources: ['public'], destination: '/srv/app/static', intoDirectory: true },
          { sources: ['a.js', 'b.js'], destination: '/opt/lib', intoDirectory: true },
          { sources: ['conf'], destination: '/etc/app', intoDirectory: false },
        ],
        configuration: [
          'WORKDIR /srv',
          'WORKDIR /srv/app',
          'ENV A=1 B=2',
          'USER 1000',
          'EXPOSE 3000',
          'LABEL team=web',
          'ENTRYPOINT ["node"]',
          'CMD ["server.js"]',
        ],
      },
    });
  });

  it.each([
    ['a command', `${FROM}\nRUN npm ci`, 'it has a RUN instruction'],
    ['an ADD', `${FROM}\nADD app.tgz /app/`, 'it has a ADD instruction'],
    ['a build argument', `ARG BASE\nFROM $BASE`, 'it does not start with FROM'],
    ['a second stage', `${FROM} AS build\nFROM nginx`, 'its FROM has options, a stage name or variables'],
    ['a platform', `FROM --platform=linux/amd64 nginx`, 'its FROM has options, a stage name or variables'],
    ['a parser directive', `# escape=\`\n${FROM}`, 'it starts with a parser directive'],
    ['COPY --chown', `${FROM}\nCOPY --chown=1000 a /app/`, 'a COPY has options'],
    ['COPY --from', `${FROM}\nCOPY --from=build /a /app/`, 'a COPY has options'],
    ['a wildcard', `${FROM}\nCOPY *.js /app/`, 'a COPY uses variables, escapes or wildcards'],
    ['a variable', `${FROM}\nENV D=/app\nCOPY a $D/`, 'a COPY uses variables, escapes or wildcards'],
    ['JSON form', `${FROM}\nCOPY ["a", "/app/"]`, 'a COPY is in JSON form'],
    ['a source outside', `${FROM}\nCOPY ../secret /app/`, 'a COPY names a source outside the context'],
    ['several sources into a file', `${FROM}\nCOPY a b /app`, 'a COPY of several sources names no directory'],
    [
      'a relative destination first',
      `${FROM}\nCOPY a ./`,
      'a COPY goes to a relative destination before any WORKDIR',
    ],
    ['a relative WORKDIR first', `${FROM}\nWORKDIR app`, 'its first WORKDIR is relative'],
    ['a WORKDIR variable', `${FROM}\nWORKDIR $HOME`, 'its WORKDIR uses variables or escapes'],
    ['a health check', `${FROM}\nHEALTHCHECK CMD true`, 'it has a HEALTHCHECK instruction'],
    ['a volume', `${FROM}\nVOLUME /data`, 'it has a VOLUME instruction'],
  ])('leaves a Dockerfile with %s to docker build', (_case, dockerfile, reason) => {
    expect(reasonFor(dockerfile)).toBe(reason);
  });
});

describe('copiedEntries', () => {
  let context: string;

  beforeEach(async () => {
    context = await mkdtemp(join(tmpdir(), 'slipway-assembly-spec-'));
    await mkdir(join(context, 'src', 'deep'), { recursive: true });
    await writeFile(join(context, 'server.js'), 'server');
    await writeFile(join(context, 'src', 'a.js'), 'a');
    await writeFile(join(context, 'src', 'deep', 'b.js'), 'bb');
    await writeFile(join(context, 'src', 'notes.md'), 'left out');
    await symlink('a.js', join(context, 'src', 'link.js'));
    await writeFile(join(context, 'Dockerfile'), FROM);
    await writeFile(join(context, '.dockerignore'), '**/*.md\nDockerfile\n');
  });

  afterEach(async () => {
    await rm(context, { recursive: true, force: true });
  });

  it('maps files, folders and links to where COPY puts them, leaving out what .dockerignore lists', async () => {
    const result = await copiedEntries(context, [
      { sources: ['server.js'], destination: '/app', intoDirectory: true },
      { sources: ['src'], destination: '/app/lib', intoDirectory: true },
    ]);
    if (!('entries' in result)) throw new Error(result.notAssembled);
    expect(result.entries.map(({ source, target, kind, size }) => ({ source, target, kind, size }))).toEqual([
      { source: 'server.js', target: '/app/server.js', kind: 'file', size: 6 },
      { source: 'src/a.js', target: '/app/lib/a.js', kind: 'file', size: 1 },
      { source: 'src/deep', target: '/app/lib/deep', kind: 'directory', size: 0 },
      { source: 'src/deep/b.js', target: '/app/lib/deep/b.js', kind: 'file', size: 2 },
      { source: 'src/link.js', target: '/app/lib/link.js', kind: 'symlink', size: 0 },
    ]);
    expect(result.entries.find((entry) => entry.kind === 'symlink')?.linkTarget).toBe('a.js');
  });

  it('copies the whole context without the Dockerfile when .dockerignore lists it', async () => {
    const result = await copiedEntries(context, [
      { sources: ['.'], destination: '/app', intoDirectory: true },
    ]);
    if (!('entries' in result)) throw new Error(result.notAssembled);
    const targets = result.entries.map((entry) => entry.target);
    expect(targets).toContain('/app/.dockerignore');
    expect(targets).toContain('/app/src/deep/b.js');
    expect(targets).not.toContain('/app/Dockerfile');
    expect(targets).not.toContain('/app/src/notes.md');
  });

  it.each([
    [
      'a missing source',
      { sources: ['nope.js'], destination: '/app', intoDirectory: true },
      'nope.js is not in the context',
    ],
    [
      'an ignored source',
      { sources: ['Dockerfile'], destination: '/app', intoDirectory: true },
      'Dockerfile is left out by .dockerignore',
    ],
    [
      'a link as source',
      { sources: ['src/link.js'], destination: '/app', intoDirectory: true },
      'src/link.js is a link or a special file',
    ],
    [
      'a file to a path that may be a folder',
      { sources: ['server.js'], destination: '/app', intoDirectory: false },
      'a COPY of a file names no directory',
    ],
  ])('leaves %s to docker build', async (_case, copy, reason) => {
    expect(await copiedEntries(context, [copy])).toEqual({ notAssembled: reason });
  });

  it('leaves a .dockerignore with exceptions to docker build', async () => {
    await writeFile(join(context, '.dockerignore'), 'src\n!src/a.js\n');
    expect(
      await copiedEntries(context, [{ sources: ['.'], destination: '/app', intoDirectory: true }]),
    ).toEqual({
      notAssembled: 'its .dockerignore has exceptions',
    });
  });
});

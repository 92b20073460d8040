import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, lstat, mkdir, readdir, readFile, readlink, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { create as createTar } from 'tar';

import { makeTempDir, removeTempDir } from '@slipway/testing';

import { extractArchive, ExtractArchiveOptions } from '../../src/sources/archive-source';
import { SourceError } from '../../src/sources/source-error';
import {
  buildZip,
  craftTar,
  declareUncompressedSize,
  renameInZip,
  TarFixtureEntry,
} from './archive-fixtures';

const MB = 1024 * 1024;

// Real files on disk: archives built here with node-tar and yazl (and headers crafted by hand for what those
// tools refuse to write), unpacked into a fresh workspace per test.
describe('extractArchive', () => {
  let root: string;
  let count = 0;

  beforeAll(async () => {
    root = await makeTempDir('slipway-archive-source-');
  });

  afterAll(async () => {
    await removeTempDir(root);
  });

  /** `<root>/<n>/workspace/upload` holds the archive (no extension: the format comes from its bytes). */
  async function workspaceWith(
    archive: Buffer,
  ): Promise<{ base: string; workspace: string; options: ExtractArchiveOptions }> {
    count += 1;
    const base = join(root, String(count));
    const workspace = join(base, 'workspace');
    await mkdir(workspace, { recursive: true });
    const archivePath = join(workspace, 'upload');
    await writeFile(archivePath, archive);
    return {
      base,
      workspace,
      options: { archivePath, targetDir: join(workspace, 'source'), maxBytes: 10 * MB, maxEntries: 1000 },
    };
  }

  async function extractFailing(options: ExtractArchiveOptions): Promise<SourceError> {
    const error = await extractArchive(options).then(
      () => {
        throw new Error('expected the archive to be refused');
      },
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(SourceError);
    return error as SourceError;
  }

  /** A refused archive leaves the workspace as it was (only the upload) and nothing above it. */
  async function expectNothingWritten(base: string, workspace: string): Promise<void> {
    expect(await readdir(workspace)).toEqual(['upload']);
    expect(await readdir(base)).toEqual(['workspace']);
  }

  async function makeProject(): Promise<string> {
    count += 1;
    const project = join(root, `project-${count}`);
    await mkdir(join(project, 'src'), { recursive: true });
    await mkdir(join(project, 'bin'));
    await writeFile(join(project, 'package.json'), '{"name":"app"}\n');
    await writeFile(join(project, 'src', 'index.js'), 'console.log("hi");\n');
    await writeFile(join(project, 'bin', 'run.sh'), '#!/bin/sh\nnode src/index.js\n');
    await chmod(join(project, 'bin', 'run.sh'), 0o755);
    await symlink('src/index.js', join(project, 'main.js'));
    return project;
  }

  async function expectProject(target: string): Promise<void> {
    expect((await readdir(target)).sort()).toEqual(['bin', 'main.js', 'package.json', 'src']);
    expect(await readFile(join(target, 'src', 'index.js'), 'utf8')).toBe('console.log("hi");\n');
    expect((await stat(join(target, 'bin', 'run.sh'))).mode & 0o777).toBe(0o755);
    expect((await stat(join(target, 'package.json'))).mode & 0o777).toBe(0o644);
    expect(await readlink(join(target, 'main.js'))).toBe('src/index.js');
  }

  describe('well-formed archives', () => {
    it('unpacks a tar.gz made by node-tar, keeping the executable bit and relative links', async () => {
      const project = await makeProject();
      const archive = join(root, `project-${count}.tgz`);
      await createTar({ gzip: true, file: archive, cwd: project, portable: true }, ['.']);
      const { workspace, options } = await workspaceWith(await readFile(archive));

      const result = await extractArchive(options);

      await expectProject(options.targetDir);
      expect(result).toEqual({ files: 3, bytes: 15 + 19 + 28 });
      // Unpacked through a hidden sibling that is gone afterwards.
      expect((await readdir(workspace)).sort()).toEqual(['source', 'upload']);
    });

    it('unpacks an uncompressed tar', async () => {
      const project = await makeProject();
      const archive = join(root, `project-${count}.tar`);
      await createTar({ file: archive, cwd: project, portable: true }, [
        'package.json',
        'src',
        'bin',
        'main.js',
      ]);
      const { options } = await workspaceWith(await readFile(archive));

      await extractArchive(options);

      await expectProject(options.targetDir);
    });

    it('unpacks a zip with the executable bit, keeping a single top-level folder as it is', async () => {
      const zip = await buildZip([
        { path: 'app-main/', directory: true },
        { path: 'app-main/package.json', body: '{"name":"app"}\n' },
        { path: 'app-main/bin/run.sh', body: '#!/bin/sh\n', mode: 0o100755 },
        { path: 'app-main/public/', directory: true },
        { path: 'app-main/current', body: 'bin/run.sh', mode: 0o120777 },
      ]);
      const { options } = await workspaceWith(zip);

      const result = await extractArchive(options);

      expect(await readdir(options.targetDir)).toEqual(['app-main']);
      const app = join(options.targetDir, 'app-main');
      expect((await readdir(app)).sort()).toEqual(['bin', 'current', 'package.json', 'public']);
      expect((await stat(join(app, 'bin', 'run.sh'))).mode & 0o777).toBe(0o755);
      expect((await stat(join(app, 'package.json'))).mode & 0o777).toBe(0o644);
      expect(await readlink(join(app, 'current'))).toBe('bin/run.sh');
      expect(result).toEqual({ files: 2, bytes: 15 + 10 });
    });

    it('accepts a target directory that exists and is empty', async () => {
      const { options } = await workspaceWith(craftTar([{ path: 'a.txt', body: 'a' }], { gzip: true }));
      await mkdir(options.targetDir);

      await extractArchive(options);

      expect(await readdir(options.targetDir)).toEqual(['a.txt']);
    });
  });

  describe('unsupported files', () => {
    it.each([
      ['a text file', Buffer.from('just some text\n'), 'The uploaded file is not a supported archive. '],
      [
        'a bzip2 file',
        Buffer.from('BZh91AY&SY'),
        'The uploaded file is not a supported archive (it is a bzip2 file). ',
      ],
      ['an empty file', Buffer.alloc(0), 'The uploaded archive is empty. '],
    ])('refuses %s, listing the supported formats', async (_case, content, start) => {
      const { base, workspace, options } = await workspaceWith(content);

      const error = await extractFailing(options);

      expect(error.message).toBe(`${start}Supported formats: .zip, .tar and .tar.gz (.tgz).`);
      await expectNothingWritten(base, workspace);
    });

    it('refuses a gzip file that holds no tar archive', async () => {
      const { gzipSync } = await import('node:zlib');
      const { base, workspace, options } = await workspaceWith(
        gzipSync(Buffer.from('not a tar '.repeat(100))),
      );

      const error = await extractFailing(options);

      expect(error.message).toContain('could not be unpacked: it is not a valid tar archive');
      await expectNothingWritten(base, workspace);
    });

    it('refuses a truncated tar.gz', async () => {
      const whole = craftTar([{ path: 'big.bin', body: randomBytes(200_000) }], { gzip: true });
      const { base, workspace, options } = await workspaceWith(whole.subarray(0, whole.length / 2));

      const error = await extractFailing(options);

      expect(error.message).toContain('The archive could not be unpacked');
      await expectNothingWritten(base, workspace);
    });
  });

  describe('hostile tar entries', () => {
    const absolute = `/tmp/slipway-absolute-${randomBytes(4).toString('hex')}`;
    const cases: [string, TarFixtureEntry[], string][] = [
      [
        'a "../" path',
        [{ path: '../evil.txt', body: 'x' }],
        '"../evil.txt" points outside the archive with ".."',
      ],
      [
        'a "../" deeper in the path',
        [{ path: 'safe/../../../evil.txt', body: 'x' }],
        '"safe/../../../evil.txt" points outside the archive with ".."',
      ],
      ['an absolute path', [{ path: absolute, body: 'x' }], `"${absolute}" has an absolute path`],
      [
        'a Windows absolute path',
        [{ path: 'C:\\evil.txt', body: 'x' }],
        '"C:\\evil.txt" has an absolute path',
      ],
      [
        'a symbolic link to an absolute path',
        [{ path: 'link', type: 'SymbolicLink', linkpath: '/etc/passwd' }],
        '"link" is a symbolic link to "/etc/passwd", which is outside the archive',
      ],
      [
        'a symbolic link out of the archive',
        [{ path: 'a', type: 'SymbolicLink', linkpath: '../../outside' }],
        '"a" is a symbolic link to "../../outside", which is outside the archive',
      ],
      [
        'a symbolic link leaving through another link',
        [
          { path: 'b', type: 'SymbolicLink', linkpath: '.' },
          { path: 'a', type: 'SymbolicLink', linkpath: 'b/../outside' },
        ],
        '"a" is a symbolic link to "b/../outside", which is outside the archive',
      ],
      [
        'a symbolic link that only leaves once a later entry exists',
        [
          { path: 'a', type: 'SymbolicLink', linkpath: 'b/../outside' },
          { path: 'b', type: 'SymbolicLink', linkpath: '.' },
        ],
        '"a" is a symbolic link to "b/../outside", which is outside the archive',
      ],
      [
        'a file written through a symbolic link',
        [
          { path: 'sub', type: 'Directory' },
          { path: 'dir', type: 'SymbolicLink', linkpath: 'sub' },
          { path: 'dir/file.txt', body: 'x' },
        ],
        '"dir/file.txt" would be written through the symbolic link "dir"',
      ],
      [
        'a hard link',
        [
          { path: 'package.json', body: '{}' },
          { path: 'hard', type: 'Link', linkpath: 'package.json' },
        ],
        '"hard" is a hard link',
      ],
      ['a character device', [{ path: 'null', type: 'CharacterDevice' }], '"null" is a device or FIFO'],
      ['a FIFO', [{ path: 'pipe', type: 'FIFO' }], '"pipe" is a device or FIFO'],
      [
        'the same file twice',
        [
          { path: 'index.js', body: 'one' },
          { path: 'index.js', body: 'two' },
        ],
        '"index.js" appears twice in the archive',
      ],
    ];

    it.each(cases)('refuses %s, naming the entry, and writes nothing', async (_case, entries, expected) => {
      const { base, workspace, options } = await workspaceWith(craftTar(entries, { gzip: true }));

      const error = await extractFailing(options);

      expect(error.message).toContain(`The archive entry ${expected}`);
      await expectNothingWritten(base, workspace);
      expect(await readdir(root)).not.toContain('outside');
      expect(await readdir(root)).not.toContain('evil.txt');
      expect(existsSync(absolute)).toBe(false);
    });

    it('refuses more entries than maxEntries', async () => {
      const entries = Array.from({ length: 5 }, (_, index) => ({ path: `file-${index}.txt`, body: 'x' }));
      const { base, workspace, options } = await workspaceWith(craftTar(entries));

      const error = await extractFailing({ ...options, maxEntries: 3 });

      expect(error.message).toContain('The archive has more than 3 entries (stopped at "file-3.txt")');
      await expectNothingWritten(base, workspace);
    });

    it('stops a file larger than maxBytes while writing it, and removes it', async () => {
      const archive = craftTar([{ path: 'zeros.bin', body: Buffer.alloc(5 * MB) }], { gzip: true });
      expect(archive.length).toBeLessThan(64 * 1024);
      const { base, workspace, options } = await workspaceWith(archive);

      const error = await extractFailing({ ...options, maxBytes: MB });

      expect(error.message).toContain(
        'The archive unpacks to more than the limit of 1 MB (stopped at "zeros.bin")',
      );
      await expectNothingWritten(base, workspace);
    });
  });

  describe('hostile zip entries', () => {
    it('refuses a "../" path, naming it', async () => {
      const zip = renameInZip(
        await buildZip([
          { path: 'ok.txt', body: 'fine' },
          { path: 'xx/evil.txt', body: 'x' },
        ]),
        'xx/evil.txt',
        '../evil.txt',
      );
      const { base, workspace, options } = await workspaceWith(zip);

      const error = await extractFailing(options);

      expect(error.message).toContain('The archive entry "../evil.txt" points outside the archive with ".."');
      await expectNothingWritten(base, workspace);
      expect(await readdir(base)).not.toContain('evil.txt');
    });

    it('refuses an absolute path, naming it', async () => {
      const name = `tmp/slipway-zip-${randomBytes(4).toString('hex')}`;
      const zip = renameInZip(await buildZip([{ path: `_${name}`, body: 'x' }]), `_${name}`, `/${name}`);
      const { base, workspace, options } = await workspaceWith(zip);

      const error = await extractFailing(options);

      expect(error.message).toContain(`The archive entry "/${name}" has an absolute path`);
      await expectNothingWritten(base, workspace);
      expect(existsSync(`/${name}`)).toBe(false);
    });

    it('refuses a symbolic link to an absolute path', async () => {
      const zip = await buildZip([{ path: 'passwd', body: '/etc/passwd', mode: 0o120777 }]);
      const { base, workspace, options } = await workspaceWith(zip);

      const error = await extractFailing(options);

      expect(error.message).toContain(
        '"passwd" is a symbolic link to "/etc/passwd", which is outside the archive',
      );
      await expectNothingWritten(base, workspace);
    });

    it('stops a zip bomb: 5 MB of zeros against a 1 MB limit', async () => {
      const zip = await buildZip([{ path: 'zeros.bin', body: Buffer.alloc(5 * MB) }]);
      expect(zip.length).toBeLessThan(64 * 1024);
      const { base, workspace, options } = await workspaceWith(zip);

      const error = await extractFailing({ ...options, maxBytes: MB });

      expect(error.message).toContain(
        'The archive unpacks to more than the limit of 1 MB (stopped at "zeros.bin")',
      );
      await expectNothingWritten(base, workspace);
    });

    it('stops a zip bomb whose headers claim a small size', async () => {
      const zip = declareUncompressedSize(
        await buildZip([{ path: 'zeros.bin', body: Buffer.alloc(5 * MB) }]),
        100,
      );
      const { base, workspace, options } = await workspaceWith(zip);

      const error = await extractFailing({ ...options, maxBytes: MB });

      // yauzl notices the lie (more bytes than declared) long before 1 MB has been written.
      expect(error.message).toContain(
        'The zip archive could not be unpacked: it is damaged or not a valid zip file (too many bytes in the stream.',
      );
      await expectNothingWritten(base, workspace);
    });

    it('refuses more entries than maxEntries', async () => {
      const zip = await buildZip(
        Array.from({ length: 5 }, (_, index) => ({ path: `file-${index}.txt`, body: 'x' })),
      );
      const { base, workspace, options } = await workspaceWith(zip);

      const error = await extractFailing({ ...options, maxEntries: 3 });

      expect(error.message).toContain('The archive has more than 3 entries');
      await expectNothingWritten(base, workspace);
    });
  });

  it('leaves no link in the result that leads outside it', async () => {
    // Sanity check of the accepted case with links in both directions inside the tree.
    const { options } = await workspaceWith(
      craftTar(
        [
          { path: 'apps/web/tsconfig.json', type: 'SymbolicLink', linkpath: '../../tsconfig.base.json' },
          { path: 'tsconfig.base.json', body: '{}' },
          { path: 'here', type: 'SymbolicLink', linkpath: '.' },
        ],
        { gzip: true },
      ),
    );

    await extractArchive(options);

    expect(await readFile(join(options.targetDir, 'apps', 'web', 'tsconfig.json'), 'utf8')).toBe('{}');
    expect((await lstat(join(options.targetDir, 'here'))).isSymbolicLink()).toBe(true);
  });
});

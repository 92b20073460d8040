import { execFile } from 'node:child_process';
import { chmod, mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** git for building fixtures: a fixed identity, and nothing from the host's configuration. */
export async function git(cwd: string, ...args: string[]): Promise<string> {
  const { stdout } = await execFileAsync('git', args, {
    cwd,
    env: {
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      HOME: cwd,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_AUTHOR_NAME: 'Fixture',
      GIT_AUTHOR_EMAIL: 'fixture@example.test',
      GIT_COMMITTER_NAME: 'Fixture',
      GIT_COMMITTER_EMAIL: 'fixture@example.test',
    },
    maxBuffer: 16 * 1024 * 1024,
  });
  return stdout.trim();
}

export type FixtureFile =
  | string
  | Buffer
  | { content: string | Buffer; executable?: boolean }
  | { symlinkTo: string };

/** Writes files (paths relative to `dir`, "/"-separated) and commits them; returns the commit SHA. */
export async function commitFiles(
  dir: string,
  message: string,
  files: Record<string, FixtureFile>,
): Promise<string> {
  for (const [path, file] of Object.entries(files)) {
    const full = join(dir, ...path.split('/'));
    await mkdir(dirname(full), { recursive: true });
    if (typeof file === 'object' && 'symlinkTo' in file) {
      await symlink(file.symlinkTo, full);
    } else if (typeof file === 'string' || Buffer.isBuffer(file)) {
      await writeFile(full, file);
    } else {
      await writeFile(full, file.content);
      await chmod(full, file.executable ? 0o755 : 0o644);
    }
  }
  await git(dir, 'add', '--all');
  await git(dir, 'commit', '--quiet', '--allow-empty', '-m', message);
  return git(dir, 'rev-parse', 'HEAD');
}

/** A new repository at `dir` whose default branch is `main`. */
export async function initRepo(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await git(dir, 'init', '--quiet', '--initial-branch', 'main');
}

/** A bare copy of `source` at `<projectRoot>/<name>.git`, as a git server would hold it. */
export async function bareCopy(source: string, projectRoot: string, name: string): Promise<string> {
  const path = join(projectRoot, `${name}.git`);
  await git(projectRoot, 'clone', '--quiet', '--bare', source, path);
  return path;
}

/** Every file below `dir` (links not followed), with its contents, for "is the secret anywhere?" checks. */
export async function readAllFiles(dir: string): Promise<{ path: string; content: Buffer }[]> {
  const result: { path: string; content: Buffer }[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) {
      const path = join(entry.parentPath, entry.name);
      result.push({ path, content: await readFile(path) });
    }
  }
  return result;
}

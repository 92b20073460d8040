import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { lstat, mkdir, readdir, readFile, readlink, stat } from 'node:fs/promises';
import { join } from 'node:path';

import { makeTempDir, removeTempDir } from '@slipway/testing';

import { simpleGit } from 'simple-git';

import { fetchGitSource, FetchGitSourceOptions, GitCommit, gitEnvironment } from '../../src/sources/git-source';
import { SourceError } from '../../src/sources/source-error';
import { bareCopy, commitFiles, git, initRepo, readAllFiles } from './git-fixtures';
import { GitHttpServer, startGitHttpServer, startSilentServer } from './git-http-server';

// Real git against fixture repositories: over file:// (allowLocal), and over smart HTTP from
// git-http-backend behind a token check. No network beyond 127.0.0.1.
describe('fetchGitSource', () => {
  let root: string;
  let repo: string;
  let big: string;
  let projectRoot: string;
  const commits = { initial: '', about: '', feature: '' };
  let workspaceCount = 0;

  beforeAll(async () => {
    root = await makeTempDir('slipway-git-source-');
    repo = join(root, 'fixtures', 'app');
    await initRepo(repo);
    commits.initial = await commitFiles(repo, 'Initial commit', {
      'package.json': '{"name":"app","scripts":{"start":"node index.js"}}\n',
      'index.js': 'console.log("hello");\n',
      'bin/start.sh': { content: '#!/bin/sh\nexec node index.js\n', executable: true },
    });
    await git(repo, 'tag', '--annotate', 'v1.0.0', '--message', 'First release');
    commits.about = await commitFiles(repo, 'Add the about page', {
      'public/about.html': '<h1>About</h1>\n',
      docs: { symlinkTo: 'public/about.html' },
    });
    await git(repo, 'switch', '--quiet', '--create', 'feature');
    commits.feature = await commitFiles(repo, 'Work on the feature', { 'feature.txt': 'feature\n' });
    await git(repo, 'switch', '--quiet', 'main');

    big = join(root, 'fixtures', 'big');
    await initRepo(big);
    await commitFiles(big, 'Add a large file', { 'data.bin': randomBytes(2 * 1024 * 1024) });

    projectRoot = join(root, 'served');
    await mkdir(projectRoot);
    await bareCopy(repo, projectRoot, 'private');
    await bareCopy(big, projectRoot, 'big');
  });

  afterAll(async () => {
    await removeTempDir(root);
  });

  /** A fresh, empty directory; the source goes to `<workspace>/source`. */
  async function newWorkspace(): Promise<{ workspace: string; target: string }> {
    workspaceCount += 1;
    const workspace = join(root, `workspace-${workspaceCount}`);
    await mkdir(workspace);
    return { workspace, target: join(workspace, 'source') };
  }

  /** Defaults for a fetch of the fixture repository into `target`, collecting log lines in `logs`. */
  function fetchOptions(
    target: string,
    options: Partial<FetchGitSourceOptions>,
    logs: string[],
  ): FetchGitSourceOptions {
    return {
      repoUrl: `file://${repo}`,
      targetDir: target,
      timeoutMs: 30_000,
      maxBytes: 10 * 1024 * 1024,
      allowLocal: true,
      onLog: (line) => logs.push(line),
      ...options,
    };
  }

  /** A fetch that must succeed, with its commit read (the checkout is in place before that). */
  async function fetchInto(
    target: string,
    options: Partial<FetchGitSourceOptions>,
  ): Promise<{ result: { bytes: number } & GitCommit; logs: string[] }> {
    const logs: string[] = [];
    const fetched = await fetchGitSource(fetchOptions(target, options, logs));
    return { result: { bytes: fetched.bytes, ...(await fetched.commit) }, logs };
  }

  /** Runs a fetch that must fail; returns the error and the log lines. */
  async function fetchFailing(
    target: string,
    options: Partial<FetchGitSourceOptions>,
  ): Promise<{ error: SourceError; logs: string[] }> {
    const logs: string[] = [];
    const error = await fetchGitSource(fetchOptions(target, options, logs)).then(
      () => {
        throw new Error('expected the fetch to fail');
      },
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(SourceError);
    return { error: error as SourceError, logs };
  }

  describe('a public repository over file:// (allowLocal)', () => {
    it('checks out the default branch and returns its commit, subject and size, without .git', async () => {
      const { workspace, target } = await newWorkspace();
      const logs: string[] = [];
      const fetched = await fetchGitSource(fetchOptions(target, {}, logs));
      // The checkout is complete and without .git when the fetch returns, before its commit is read.
      expect((await readdir(target)).sort()).toEqual(['bin', 'docs', 'index.js', 'package.json', 'public']);
      const result = { bytes: fetched.bytes, ...(await fetched.commit) };
      // Once the commit is read, the moved-aside .git is gone: nothing is left beside the checkout.
      expect(await readdir(workspace)).toEqual(['source']);

      expect(result.commitSha).toBe(commits.about);
      expect(result.commitMessage).toBe('Add the about page');
      expect((await readdir(target)).sort()).toEqual(['bin', 'docs', 'index.js', 'package.json', 'public']);
      expect(existsSync(join(target, '.git'))).toBe(false);
      // The executable bit survives; a link inside the repository stays a link.
      expect((await stat(join(target, 'bin', 'start.sh'))).mode & 0o111).not.toBe(0);
      expect((await stat(join(target, 'index.js'))).mode & 0o111).toBe(0);
      expect(await readlink(join(target, 'docs'))).toBe('public/about.html');
      const sizes = await Promise.all(
        ['package.json', 'index.js', 'bin/start.sh', 'public/about.html'].map(
          async (path) => (await stat(join(target, path))).size,
        ),
      );
      expect(result.bytes).toBe(sizes.reduce((a, b) => a + b, 0));
      // git's own messages and progress, line by line.
      expect(logs).toContain("Cloning into '.'...");
    });

    it('checks out a branch', async () => {
      const { target } = await newWorkspace();
      const { result } = await fetchInto(target, { ref: 'feature' });

      expect(result.commitSha).toBe(commits.feature);
      expect(result.commitMessage).toBe('Work on the feature');
      expect(await readFile(join(target, 'feature.txt'), 'utf8')).toBe('feature\n');
    });

    it('checks out an annotated tag as the commit it points to', async () => {
      const { target } = await newWorkspace();
      const { result } = await fetchInto(target, { ref: 'v1.0.0' });

      expect(result.commitSha).toBe(commits.initial);
      expect(result.commitMessage).toBe('Initial commit');
      expect(existsSync(join(target, 'public'))).toBe(false);
    });

    it('checks out an exact older commit by its SHA', async () => {
      const { target } = await newWorkspace();
      const { result } = await fetchInto(target, { ref: commits.initial.toUpperCase() });

      expect(result.commitSha).toBe(commits.initial);
      expect(result.commitMessage).toBe('Initial commit');
      expect(existsSync(join(target, 'public'))).toBe(false);
      expect(existsSync(join(target, '.git'))).toBe(false);
    });

    it('accepts an absolute local path', async () => {
      const { target } = await newWorkspace();
      const { result } = await fetchInto(target, { repoUrl: repo });

      expect(result.commitSha).toBe(commits.about);
    });

    it('refuses a branch that does not exist and leaves nothing behind', async () => {
      const { workspace, target } = await newWorkspace();
      const { error } = await fetchFailing(target, { ref: 'no-such-branch' });

      expect(error.message).toBe(
        'The branch or tag "no-such-branch" does not exist in the repository. Check its spelling, or leave it ' +
          'empty to build the default branch.',
      );
      expect(await readdir(workspace)).toEqual([]);
    });

    it('refuses a commit SHA that is not in the repository', async () => {
      const { workspace, target } = await newWorkspace();
      const missing = 'a'.repeat(40);
      const { error } = await fetchFailing(target, { ref: missing });

      expect(error.message).toContain(`The commit ${missing} could not be fetched`);
      expect(await readdir(workspace)).toEqual([]);
    });

    it('refuses file:// without allowLocal', async () => {
      const { workspace, target } = await newWorkspace();
      const { error, logs } = await fetchFailing(target, { allowLocal: false });

      expect(error.message).toContain('must start with https://');
      expect(logs).toEqual([]);
      expect(await readdir(workspace)).toEqual([]);
    });

    it.each([
      [
        'an --upload-pack option as the URL',
        (marker: string) => ({ repoUrl: `--upload-pack=touch ${marker}` }),
      ],
      ['an ext:: transport', (marker: string) => ({ repoUrl: `ext::sh -c touch% ${marker}` })],
      ['a -u option as the URL', (marker: string) => ({ repoUrl: `-u touch ${marker}` })],
      ['an --upload-pack option as the ref', (marker: string) => ({ ref: `--upload-pack=touch ${marker}` })],
    ])('never runs git for %s', async (_case, hostile) => {
      const { workspace, target } = await newWorkspace();
      const marker = join(root, `pwned-${randomBytes(4).toString('hex')}`);
      const { logs } = await fetchFailing(target, hostile(marker));

      expect(logs).toEqual([]);
      expect(existsSync(marker)).toBe(false);
      expect(await readdir(workspace)).toEqual([]);
    });

    it('refuses a repository holding a symbolic link to a file outside it', async () => {
      const evil = join(root, 'fixtures', 'evil-link');
      await initRepo(evil);
      await commitFiles(evil, 'Link to the host', { 'config.json': { symlinkTo: '/etc/passwd' } });
      const { workspace, target } = await newWorkspace();
      const { error } = await fetchFailing(target, { repoUrl: `file://${evil}` });

      expect(error.message).toContain('"config.json" is a symbolic link to "/etc/passwd"');
      expect(await readdir(workspace)).toEqual([]);
    });

    it('refuses a checkout larger than maxBytes and removes what was cloned', async () => {
      const { workspace, target } = await newWorkspace();
      const { error } = await fetchFailing(target, { repoUrl: `file://${big}`, maxBytes: 1024 * 1024 });

      expect(error.message).toMatch(
        /^The repository is larger than the limit of 1 MB \(at least [\d.]+ MB\)\./,
      );
      expect(await readdir(workspace)).toEqual([]);
    });
  });

  describe('a private repository over authenticated HTTP', () => {
    const token = `ghp_${randomBytes(18).toString('hex')}`;
    const tokenForms = [token, Buffer.from(`x-access-token:${token}`).toString('base64')];
    let server: GitHttpServer;
    let url: string;

    beforeAll(async () => {
      server = await startGitHttpServer({ projectRoot, token });
      url = `${server.baseUrl}/private.git`;
    });

    afterAll(async () => {
      await server.close();
    });

    function expectNoSecret(texts: string[], secrets: string[]): void {
      for (const text of texts) {
        for (const secret of secrets) {
          expect(text).not.toContain(secret);
        }
      }
    }

    it('clones with the right token, which never reaches the logs or the files', async () => {
      const { target } = await newWorkspace();
      const before = server.requests.length;
      const { result, logs } = await fetchInto(target, { repoUrl: url, accessToken: token });

      expect(result.commitSha).toBe(commits.about);
      // The token went to the server as Basic credentials on the very first request, not after a challenge.
      const requests = server.requests.slice(before);
      expect(requests.length).toBeGreaterThan(0);
      expect(requests.every((request) => request.sentCredentials && request.authorized)).toBe(true);
      expect(logs.length).toBeGreaterThan(1);
      expectNoSecret(logs, tokenForms);
      expect(existsSync(join(target, '.git'))).toBe(false);
      const files = await readAllFiles(target);
      expect(files.length).toBe(4);
      expectNoSecret(
        files.map((file) => file.content.toString('latin1')),
        tokenForms,
      );
    });

    it('fetches an exact commit by SHA with the token', async () => {
      const { target } = await newWorkspace();
      const { result } = await fetchInto(target, { repoUrl: url, accessToken: token, ref: commits.initial });

      expect(result.commitSha).toBe(commits.initial);
      expect(result.commitMessage).toBe('Initial commit');
    });

    it('refuses a wrong token with a clear message that does not contain it', async () => {
      const { workspace, target } = await newWorkspace();
      const wrong = `ghp_${randomBytes(18).toString('hex')}`;
      const { error, logs } = await fetchFailing(target, { repoUrl: url, accessToken: wrong });

      expect(error.message).toBe(
        'The repository refused the access token (HTTP 401). Check that the token is correct, has not expired ' +
          'and can read this repository, then set it again.',
      );
      const wrongForms = [wrong, Buffer.from(`x-access-token:${wrong}`).toString('base64')];
      expectNoSecret([error.message, String(error.stack), ...logs], wrongForms);
      expect(await readdir(workspace)).toEqual([]);
    });

    it('asks for an access token when none is given', async () => {
      const { workspace, target } = await newWorkspace();
      const { error } = await fetchFailing(target, { repoUrl: url });

      expect(error.message).toBe(
        'The repository requires authentication (HTTP 401). If it is private, set an access token that can read it.',
      );
      expect(await readdir(workspace)).toEqual([]);
    });

    it("removes the token from git's output before it reaches the logs or the error", async () => {
      const leaky = await startGitHttpServer({ projectRoot, token, echoCredentialsInError: true });
      try {
        const { target } = await newWorkspace();
        const { error, logs } = await fetchFailing(target, {
          repoUrl: `${leaky.baseUrl}/private.git`,
          accessToken: token,
        });

        // git printed the server's message quoting both forms; both arrive redacted.
        expect(error.message).toContain('remote error: credentials Basic *** password ***');
        expectNoSecret([error.message, String(error.stack), ...logs], tokenForms);
      } finally {
        await leaky.close();
      }
    });

    it('refuses a repository larger than maxBytes', async () => {
      const { workspace, target } = await newWorkspace();
      const { error } = await fetchFailing(target, {
        repoUrl: `${server.baseUrl}/big.git`,
        accessToken: token,
        maxBytes: 1024 * 1024,
      });

      expect(error.message).toContain('The repository is larger than the limit of 1 MB');
      expect(await readdir(workspace)).toEqual([]);
    });

    it('stops the download as soon as it passes maxBytes', async () => {
      // The pack holds 2 MB of random data, sent slowly enough for the client to be watched while it downloads.
      const slow = await startGitHttpServer({ projectRoot, token, throttleBytesPerSecond: 1024 * 1024 });
      try {
        const { workspace, target } = await newWorkspace();
        let sawGit = false;
        const commandLinesWithToken: string[] = [];
        const watcher = setInterval(() => {
          void Promise.all([processesMentioning(slow.baseUrl), ...tokenForms.map(processesMentioning)]).then(
            ([git, ...withToken]) => {
              sawGit ||= (git ?? []).length > 0;
              commandLinesWithToken.push(...withToken.flat());
            },
          );
        }, 100);
        const { error } = await fetchFailing(target, {
          repoUrl: `${slow.baseUrl}/big.git`,
          accessToken: token,
          maxBytes: 1024 * 1024,
        }).finally(() => clearInterval(watcher));

        expect(error.message).toContain('The repository is larger than the limit of 1 MB');
        // While git ran, no process had the token in its command line.
        expect(sawGit).toBe(true);
        expect(commandLinesWithToken).toEqual([]);
        // The client hung up a little after 1 MB: the rest of the pack was never sent.
        const packBytes = Math.max(...slow.requests.map((request) => request.responseBytes));
        expect(packBytes).toBeGreaterThan(1024 * 1024);
        expect(packBytes).toBeLessThan(1.6 * 1024 * 1024);
        expect(await readdir(workspace)).toEqual([]);
        expect(await processesMentioning(slow.baseUrl)).toEqual([]);
      } finally {
        await slow.close();
      }
    });
  });

  describe('the hardened git environment', () => {
    // Defence in depth, independent of validateRepoUrl: git itself refuses the transports that are not on the
    // list, which proves that the configuration passed through GIT_CONFIG_COUNT reaches git.
    async function lsRemote(url: string, allowLocal: boolean): Promise<string> {
      const home = join(root, `home-${randomBytes(4).toString('hex')}`);
      await mkdir(home);
      const env = gitEnvironment({ home, marker: 'test', allowLocal, token: undefined, timeoutMs: 10_000 });
      return simpleGit({ baseDir: root })
        .env(env)
        .raw(['ls-remote', '--', url])
        .then(
          () => 'succeeded',
          (error: Error) => error.message,
        );
    }

    // git's own default also refuses ext::; this guards against a configuration that would enable it.
    it('lets git refuse an ext:: URL, so no command runs', async () => {
      const marker = join(root, `pwned-${randomBytes(4).toString('hex')}`);

      expect(await lsRemote(`ext::sh -c touch% ${marker}`, true)).toContain("transport 'ext' not allowed");
      expect(existsSync(marker)).toBe(false);
    });

    it('lets git refuse file:// and http:// unless local sources are allowed', async () => {
      expect(await lsRemote(`file://${repo}`, false)).toContain("transport 'file' not allowed");
      expect(await lsRemote('http://127.0.0.1:9/x.git', false)).toContain("transport 'http' not allowed");
      expect(await lsRemote(`file://${repo}`, true)).toBe('succeeded');
    });
  });

  describe('the time limit', () => {
    it('stops a clone from a server that never answers, within the limit, leaving nothing behind', async () => {
      const silent = await startSilentServer();
      try {
        const { workspace, target } = await newWorkspace();
        const started = Date.now();
        const { error } = await fetchFailing(target, {
          repoUrl: `${silent.baseUrl}/slow.git`,
          timeoutMs: 1500,
        });
        const elapsed = Date.now() - started;

        expect(error.message).toBe(
          'Cloning took longer than 1.5 s and was stopped. Check that the repository host is reachable and ' +
            'responding, or try again later.',
        );
        expect(elapsed).toBeGreaterThanOrEqual(1500);
        expect(elapsed).toBeLessThan(1500 + 3000);
        expect(await readdir(workspace)).toEqual([]);
        // No git process (git itself or its git-remote-http helper) is left talking to the server.
        expect(await processesMentioning(silent.baseUrl)).toEqual([]);
      } finally {
        await silent.close();
      }
    });
  });
});

/** Command lines of running processes that contain `text` (Linux /proc). */
async function processesMentioning(text: string): Promise<string[]> {
  const found: string[] = [];
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const cmdline = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').join(' ');
      if (cmdline.includes(text) && (await lstat(`/proc/${pid}`)).isDirectory()) found.push(cmdline);
    } catch {
      // the process ended meanwhile
    }
  }
  return found;
}

import { randomBytes } from 'node:crypto';
import { mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GitError, simpleGit } from 'simple-git';

import { formatBytes, formatSeconds } from './format';
import { explainGitError } from './git-errors';
import { isCommitSha, validateGitRef, validateRepoUrl } from './git-url';
import { FETCH_MARKER_VARIABLE, killMarkedProcesses } from './leftover-processes';
import { accessTokenForms, createRedactor } from './redact';
import { SourceError } from './source-error';
import { assertSymlinksStayInside, linkOutsideMessage, summarizeTree } from './source-tree';
import { StagingDir } from './staging';

export interface FetchGitSourceOptions {
  /** Validated with `validateRepoUrl`: https:// (plus file://, local paths and http:// with allowLocal). */
  repoUrl: string;
  /** A branch, tag or full 40-character commit SHA; the default branch when omitted or empty. */
  ref?: string;
  /** For a private repository: sent as HTTP Basic auth (`x-access-token:<token>`), never written to disk. */
  accessToken?: string;
  /** Receives the checkout (without `.git`). Must not exist yet, or be an empty directory. */
  targetDir: string;
  /** The whole fetch must finish within this time. */
  timeoutMs: number;
  /** Largest accepted checkout (sum of file sizes, `.git` excluded); the download is held to it too. */
  maxBytes: number;
  /** Development and test setting: accept file://, absolute local paths and http:// (see validateRepoUrl). */
  allowLocal: boolean;
  /** git's progress and messages, one line at a time, with the access token removed. */
  onLog: (line: string) => void;
}

export interface GitCommit {
  /** The full SHA of the commit checked out. */
  commitSha: string;
  /** Its subject line. */
  commitMessage: string;
}

export interface FetchedGitSource {
  /** Sum of the sizes of the files checked out. */
  bytes: number;
  /**
   * The commit checked out. Read from the moved-aside `.git` while the caller goes on with the files (for a
   * branch or tag nothing before the image build needs it); settles once that `.git` and git's empty HOME
   * are removed. Rejects with a SourceError if git cannot say.
   */
  commit: Promise<GitCommit>;
}

const MAX_ACCESS_TOKEN_LENGTH = 4096;
/** How often the size of a clone in progress is measured. */
const SIZE_POLL_INTERVAL_MS = 200;
/** At most one progress update ("Receiving objects:  42% …") per this interval reaches onLog. */
const PROGRESS_LOG_INTERVAL_MS = 1000;
const MAX_LOG_LINE_LENGTH = 1000;

/**
 * Fetches one commit of a git repository into `targetDir`: a shallow, single-branch clone for a branch or
 * tag (the default branch when `ref` is omitted), or `init` + `fetch --depth 1 <sha>` + detached checkout
 * for a full commit SHA. The target holds only the files: `.git` is moved aside (the image build must not
 * see it), the commit is read from it there, and then it is removed. For a branch or tag that reading and
 * removal run after this returns (they cost a git process and a recursive delete, ~15-40 ms, on the way to
 * the image build); for a commit SHA the commit is checked before anything reaches the target.
 *
 * Every git process is hardened: https only (plus http/file with allowLocal), no hooks, no submodules, no
 * prompts, no system or user config or credential helpers (HOME is an empty temporary directory). The access
 * token travels only in the environment of the git processes (as an `http.extraHeader` config entry), so it
 * is never in a command line, a URL, `.git/config`, a log line or an error message.
 *
 * Throws a SourceError, with nothing left at `targetDir`, when the URL or ref is refused, git fails, the
 * time limit passes, the checkout is larger than `maxBytes`, or a symbolic link in it leaves the checkout.
 */
export async function fetchGitSource(options: FetchGitSourceOptions): Promise<FetchedGitSource> {
  // Validation comes first: a refused URL or ref never starts a git process.
  const repoUrl = validateRepoUrl(options.repoUrl, { allowLocal: options.allowLocal });
  const ref = options.ref === undefined || options.ref === '' ? undefined : validateGitRef(options.ref);
  const token = validateAccessToken(options.accessToken);
  const redact = createRedactor(token === undefined ? [] : accessTokenForms(token));
  const log = (line: string): void => options.onLog(redact(line));

  // An empty HOME: the host's ~/.gitconfig, credential helpers and ~/.git-credentials stay out of the clone.
  const home = await mkdtemp(join(tmpdir(), 'slipway-git-home-'));
  let staging: StagingDir;
  try {
    staging = await StagingDir.create(options.targetDir);
  } catch (error) {
    await rm(home, { recursive: true, force: true });
    throw error;
  }
  const marker = randomBytes(12).toString('hex');
  const stop = new AbortController();
  let stopReason: StopReason | undefined;
  const stopGit = (reason: StopReason): void => {
    stopReason ??= reason;
    stop.abort();
  };
  const timer = setTimeout(() => stopGit({ kind: 'timeout' }), options.timeoutMs);
  const sizeWatch = watchSize(staging.path, options.maxBytes, (bytes) => stopGit({ kind: 'size', bytes }));
  const environment = gitEnvironment({
    home,
    marker,
    allowLocal: options.allowLocal,
    token,
    timeoutMs: options.timeoutMs,
  });
  const failure = (error: unknown): Error =>
    explainFailure(error, stopReason, { repoUrl, ref, hasToken: token !== undefined, options, redact });
  // Beside the staging directory, so the checkout can be moved into place while git still reads it.
  const gitDir = `${staging.path}.git`;
  let commit: Promise<GitCommit> | undefined;
  let handedOver = false;

  try {
    const git = simpleGit({
      baseDir: staging.path,
      abort: stop.signal,
      maxConcurrentProcesses: 1,
      trimmed: false,
    })
      .env(environment)
      .outputHandler((_command, _stdout, stderr) => streamLines(stderr, log));

    if (ref !== undefined && isCommitSha(ref)) {
      await git.raw(['init', '--quiet']);
      // By URL rather than through a named remote: nothing about the source is written to .git/config.
      await git.raw(['fetch', '--depth', '1', '--no-tags', '--progress', '--', repoUrl, ref]);
      await git.raw(['checkout', '--detach', '--quiet', 'FETCH_HEAD']);
    } else {
      const branch = ref === undefined ? [] : ['--branch', ref];
      await git.raw([
        'clone',
        '--depth',
        '1',
        '--single-branch',
        '--no-tags',
        '--progress',
        ...branch,
        '--',
        repoUrl,
        '.',
      ]);
    }
    sizeWatch.stop();
    clearTimeout(timer);
    await rename(join(staging.path, '.git'), gitDir);
    // Asked now, answered while the checkout is measured (and, for a branch, while the caller builds).
    commit = readCommit(gitDir, environment).catch((error: unknown) => {
      throw failure(error);
    });
    // Until the caller takes the promise over, a failure here must not surface as an unhandled rejection.
    commit.catch(() => undefined);
    const tree = await summarizeTree(staging.path);
    if (tree.bytes > options.maxBytes) {
      throw tooLarge(options.maxBytes, tree.bytes);
    }
    await assertSymlinksStayInside(staging.path, tree.symlinks, (path, target) =>
      linkOutsideMessage('The repository file', path, target),
    );
    if (ref !== undefined && isCommitSha(ref) && (await commit).commitSha !== ref) {
      // The server sent something other than that commit (a tag or tree object with this id).
      throw new SourceError(`${ref} is not a commit in this repository. Give the SHA of a commit.`);
    }
    await staging.commit();
    handedOver = true;
    return { bytes: tree.bytes, commit: commit.finally(() => removeAll([gitDir, home])) };
  } catch (error) {
    throw failure(error);
  } finally {
    clearTimeout(timer);
    sizeWatch.stop();
    if (!handedOver) {
      if (stop.signal.aborted) {
        // simple-git stopped only the git process it started; end its helpers before removing their directory.
        await killMarkedProcesses(marker);
      }
      // A commit being read is waited for: its git process ends before its directory goes.
      await commit?.catch(() => undefined);
      await removeAll([staging.path, gitDir, home]);
    }
  }
}

/** Reads the checked-out commit from a `.git` directory (run inside it: git treats it as the repository). */
async function readCommit(gitDir: string, environment: Record<string, string>): Promise<GitCommit> {
  const output = await simpleGit({ baseDir: gitDir, maxConcurrentProcesses: 1, trimmed: false })
    .env(environment)
    .raw(['log', '-1', '--format=%H%n%s']);
  const [commitSha = '', commitMessage = ''] = output.split('\n');
  return { commitSha, commitMessage };
}

async function removeAll(paths: string[]): Promise<void> {
  await Promise.all(paths.map((path) => rm(path, { recursive: true, force: true, maxRetries: 3 })));
}

type StopReason = { kind: 'timeout' } | { kind: 'size'; bytes: number };

function validateAccessToken(token: string | undefined): string | undefined {
  if (token === undefined || token === '') {
    return undefined;
  }
  if (token.length > MAX_ACCESS_TOKEN_LENGTH) {
    throw new SourceError(
      `The access token is too long (more than ${MAX_ACCESS_TOKEN_LENGTH} characters). Paste only the token itself.`,
    );
  }
  // eslint-disable-next-line no-control-regex
  if (/[\s\u0000-\u001f\u007f]/.test(token)) {
    throw new SourceError(
      'The access token contains spaces, line breaks or control characters. Paste the token again without them.',
    );
  }
  return token;
}

/**
 * The complete environment of every git process (nothing is inherited but PATH and proxy/CA settings).
 * Configuration goes in as GIT_CONFIG_COUNT/KEY_n/VALUE_n rather than `-c` arguments: the token stays out of
 * the command line (which any local user can read in `ps`), and simple-git needs no "unsafe" option, since
 * its guard against `-c protocol.*.allow` (meant to stop callers from *enabling* ext::) does not apply.
 * Exported for the test that runs git with it directly.
 */
export function gitEnvironment(settings: {
  home: string;
  marker: string;
  allowLocal: boolean;
  token: string | undefined;
  timeoutMs: number;
}): Record<string, string> {
  const protocols = settings.allowLocal ? ['https', 'http', 'file'] : ['https'];
  const config: [string, string][] = [
    ['protocol.allow', 'never'],
    ...protocols.map((protocol): [string, string] => [`protocol.${protocol}.allow`, 'always']),
    ['core.hooksPath', '/dev/null'],
    ['core.fsmonitor', 'false'],
    ['credential.helper', ''],
    ['submodule.recurse', 'false'],
    ['fetch.recurseSubmodules', 'false'],
    ['advice.detachedHead', 'false'],
    ['init.defaultBranch', 'main'],
    // A transfer that stalls ends by itself too, so no git-remote-https helper outlives a stopped clone.
    ['http.lowSpeedLimit', '1'],
    ['http.lowSpeedTime', String(Math.max(1, Math.ceil(settings.timeoutMs / 1000)))],
  ];
  if (settings.token !== undefined) {
    const basic = Buffer.from(`x-access-token:${settings.token}`, 'utf8').toString('base64');
    config.push(['http.extraHeader', `Authorization: Basic ${basic}`]);
  }

  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: settings.home,
    XDG_CONFIG_HOME: join(settings.home, '.config'),
    LC_ALL: 'C',
    LANG: 'C',
    GIT_TERMINAL_PROMPT: '0',
    GIT_ASKPASS: '/bin/true',
    SSH_ASKPASS: '/bin/true',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    // The older switch with the same meaning as the protocol.* entries, for defence in depth.
    GIT_ALLOW_PROTOCOL: protocols.join(':'),
    GIT_CONFIG_COUNT: String(config.length),
    [FETCH_MARKER_VARIABLE]: settings.marker,
  };
  config.forEach(([key, value], index) => {
    env[`GIT_CONFIG_KEY_${index}`] = key;
    env[`GIT_CONFIG_VALUE_${index}`] = value;
  });
  // Networking the operator set up for the builder (proxies, a private CA) still applies.
  for (const name of PASSED_THROUGH) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return env;
}

const PASSED_THROUGH = [
  'HTTPS_PROXY',
  'https_proxy',
  'HTTP_PROXY',
  'http_proxy',
  'ALL_PROXY',
  'all_proxy',
  'NO_PROXY',
  'no_proxy',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'GIT_SSL_CAINFO',
];

/** Sends git's stderr to `log` line by line; progress updates (ending in "\r") at most once a second. */
function streamLines(stream: NodeJS.ReadableStream, log: (line: string) => void): void {
  let partial = '';
  let lastProgressAt = 0;
  const emit = (line: string): void => {
    const trimmed = line.trim();
    if (trimmed !== '')
      log(trimmed.length > MAX_LOG_LINE_LENGTH ? `${trimmed.slice(0, MAX_LOG_LINE_LENGTH)}…` : trimmed);
  };
  stream.on('data', (chunk: Buffer | string) => {
    const parts = (partial + chunk.toString()).split(/(\r\n|\r|\n)/);
    partial = parts.pop() ?? '';
    for (let i = 0; i + 1 < parts.length; i += 2) {
      const line = parts[i] as string;
      if (parts[i + 1] !== '\r') {
        emit(line);
      } else if (Date.now() - lastProgressAt >= PROGRESS_LOG_INTERVAL_MS) {
        lastProgressAt = Date.now();
        emit(line);
      }
    }
  });
  stream.on('end', () => emit(partial));
}

/** Measures the clone while git runs and calls `onExceeded` once the checkout or the download passes `max`. */
function watchSize(dir: string, max: number, onExceeded: (bytes: number) => void): { stop(): void } {
  let measuring = false;
  let stopped = false;
  const interval = setInterval(() => {
    if (measuring || stopped) return;
    measuring = true;
    void Promise.all([summarizeTree(dir, ['.git']), summarizeTree(join(dir, '.git'))])
      .then(([files, download]) => {
        const bytes = Math.max(files.bytes, download.bytes);
        if (!stopped && bytes > max) onExceeded(bytes);
      })
      .catch(() => undefined) // the directory is being written or removed; the next round measures again
      .finally(() => {
        measuring = false;
      });
  }, SIZE_POLL_INTERVAL_MS);
  return {
    stop() {
      stopped = true;
      clearInterval(interval);
    },
  };
}

interface FailureContext {
  repoUrl: string;
  ref: string | undefined;
  hasToken: boolean;
  options: FetchGitSourceOptions;
  redact: (text: string) => string;
}

function explainFailure(error: unknown, stopReason: StopReason | undefined, context: FailureContext): Error {
  if (stopReason?.kind === 'timeout') {
    return new SourceError(
      `Cloning took longer than ${formatSeconds(context.options.timeoutMs)} s and was stopped. Check that the ` +
        'repository host is reachable and responding, or try again later.',
    );
  }
  if (stopReason?.kind === 'size') {
    return tooLarge(context.options.maxBytes, stopReason.bytes);
  }
  if (error instanceof SourceError) {
    return error;
  }
  if (error instanceof GitError) {
    return explainGitError(context.redact(error.message), context);
  }
  // Not git's answer (a file system error, git missing): an operator's problem. Still keep secrets out.
  return new Error(context.redact(error instanceof Error ? error.message : String(error)));
}

function tooLarge(maxBytes: number, bytes: number): SourceError {
  return new SourceError(
    `The repository is larger than the limit of ${formatBytes(maxBytes)} (at least ${formatBytes(bytes)}). ` +
      'Remove large or generated files from it (or keep them in Git LFS, whose files are not downloaded), ' +
      'or ask the platform operator to raise the limit.',
  );
}

import { isAbsolute } from 'node:path';

import { quoteForMessage, SourceError } from './source-error';

/** Longest repository URL accepted (the same bound as `BuildSource.repoUrl`). */
export const MAX_REPO_URL_LENGTH = 2048;

/** Longest branch or tag name accepted (the same bound as `BuildSource.ref`). */
export const MAX_GIT_REF_LENGTH = 255;

export interface RepoUrlOptions {
  /**
   * A development and test setting: additionally accept `file://` URLs, absolute local paths (returned as
   * `file://` URLs, so that shallow clones work) and plain `http://`. Never enable it where users are untrusted.
   */
  allowLocal: boolean;
}

const HTTPS_ONLY =
  'Use the https:// URL of the repository, for example https://github.com/owner/project.git.';

// Whitespace and control characters (C0, DEL, C1, and Unicode separators): a newline could smuggle a second
// argument or config line, and none of them belongs in a repository URL.
// eslint-disable-next-line no-control-regex
const WHITESPACE_OR_CONTROL = /[\s\u0000-\u001f\u007f-\u009f\u200b\u2028\u2029\ufeff]/;

/**
 * Checks a repository URL given by a user and returns it normalized, or throws a SourceError explaining
 * what to change. Only `https://` is accepted (plus `file://`, absolute paths and `http://` with
 * `allowLocal`): no option-like values (`--upload-pack=…`), no `<transport>::` helpers (`ext::` runs
 * commands), no SSH, no local paths, and no credentials in the URL (they would end up in `.git/config` and
 * in logs; an access token is given separately).
 */
export function validateRepoUrl(url: string, options: RepoUrlOptions): string {
  if (typeof url !== 'string' || url.length === 0) {
    throw new SourceError(`The repository URL is empty. ${HTTPS_ONLY}`);
  }
  if (url.length > MAX_REPO_URL_LENGTH) {
    throw new SourceError(
      `The repository URL is too long (${url.length} characters; at most ${MAX_REPO_URL_LENGTH} are allowed).`,
    );
  }
  if (url.startsWith('-')) {
    throw new SourceError(
      `The repository URL must not start with "-": git would read it as an option. ${HTTPS_ONLY}`,
    );
  }

  // `<transport>::<address>` makes git run a remote helper; `ext::` runs an arbitrary command.
  const transport = /^([A-Za-z][A-Za-z0-9+.-]*)::/.exec(url);
  if (transport) {
    throw new SourceError(
      `The repository URL uses the git transport "${transport[1]}::", which is not allowed. ${HTTPS_ONLY}`,
    );
  }

  if (WHITESPACE_OR_CONTROL.test(url)) {
    throw new SourceError(
      'The repository URL must not contain spaces, line breaks or other control characters. ' +
        'Copy the URL again without them.',
    );
  }

  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(url)?.[1]?.toLowerCase();
  if (scheme === undefined) {
    return validateSchemeless(url, options);
  }
  switch (scheme) {
    case 'https':
      return validateHttpUrl(url);
    case 'http':
      if (!options.allowLocal) {
        throw new SourceError(
          'Plain http:// repository URLs are not allowed: the code and your access token would travel ' +
            `unencrypted. ${HTTPS_ONLY}`,
        );
      }
      return validateHttpUrl(url);
    case 'file':
      if (!options.allowLocal) {
        throw localNotAllowed();
      }
      return validateFileUrl(url);
    case 'ssh':
    case 'git+ssh':
    case 'ssh+git':
      throw sshNotSupported();
    case 'git':
      throw new SourceError(
        `The git:// protocol is not supported: it is neither authenticated nor encrypted. ${HTTPS_ONLY}`,
      );
    default:
      throw new SourceError(`Repository URLs starting with ${scheme}:// are not supported. ${HTTPS_ONLY}`);
  }
}

function validateSchemeless(url: string, options: RepoUrlOptions): string {
  // git's rule: a colon before the first slash makes `host:path` an SSH address (`git@github.com:a/b.git`).
  const colon = url.indexOf(':');
  const slash = url.indexOf('/');
  if (colon > 0 && (slash === -1 || colon < slash) && !/^[A-Za-z]:[\\/]/.test(url)) {
    throw sshNotSupported();
  }
  if (isAbsolute(url)) {
    if (!options.allowLocal) {
      throw localNotAllowed();
    }
    if (url.includes('\\')) {
      throw new SourceError('A local repository path must not contain backslashes.');
    }
    // As a file:// URL: git ignores --depth for plain local paths (it copies or hard-links the objects).
    return validateFileUrl(`file://${url.split('/').map(encodeURIComponent).join('/')}`);
  }
  throw localNotAllowed();
}

function validateHttpUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new SourceError(`The repository URL is not a valid URL. ${HTTPS_ONLY}`);
  }
  if (parsed.username !== '' || parsed.password !== '') {
    // Never echo the URL here: the part before "@" is a secret.
    throw new SourceError(
      'The repository URL contains credentials ("user:password@" or a token before the host). ' +
        'Remove the credentials from the URL and set an access token instead.',
    );
  }
  if (parsed.hostname === '') {
    throw new SourceError(`The repository URL has no host name. ${HTTPS_ONLY}`);
  }
  if (parsed.pathname === '/' || parsed.pathname === '') {
    throw new SourceError(
      `The repository URL ${quoteForMessage(parsed.href)} names a host but no repository. ${HTTPS_ONLY}`,
    );
  }
  return parsed.href;
}

function validateFileUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new SourceError('The local repository URL is not a valid file:// URL.');
  }
  if (parsed.hostname !== '' && parsed.hostname !== 'localhost') {
    throw new SourceError('A file:// repository URL must not name a host: use file:///absolute/path.');
  }
  if (parsed.pathname === '/' || parsed.search !== '' || parsed.hash !== '') {
    throw new SourceError('A file:// repository URL must be the absolute path of a repository.');
  }
  return `file://${parsed.pathname}`;
}

function localNotAllowed(): SourceError {
  return new SourceError(
    `The repository URL must start with https://. Local paths and file:// URLs are not allowed. ${HTTPS_ONLY}`,
  );
}

function sshNotSupported(): SourceError {
  return new SourceError(
    'SSH repository URLs (ssh://… or git@host:path) are not supported. Use the https:// URL of the ' +
      'repository, and set an access token if it is private.',
  );
}

/** Whether a ref is a full 40-character commit SHA (SHA-1). */
export function isCommitSha(ref: string): boolean {
  return /^[0-9a-f]{40}$/i.test(ref);
}

/**
 * Checks a branch name, tag name or full commit SHA given by a user and returns it, or throws a SourceError.
 * Follows `git check-ref-format` and additionally refuses a leading "-" (option injection).
 */
export function validateGitRef(ref: string): string {
  const refuse = (why: string): never => {
    throw new SourceError(
      `The branch, tag or commit ${quoteForMessage(ref, 100)} is not valid: ${why}. ` +
        'Give a branch name (main), a tag (v1.2.0) or a full 40-character commit SHA.',
    );
  };
  if (typeof ref !== 'string' || ref.length === 0) {
    return refuse('it is empty');
  }
  if (ref.length > MAX_GIT_REF_LENGTH) {
    return refuse(`it is longer than ${MAX_GIT_REF_LENGTH} characters`);
  }
  if (isCommitSha(ref)) {
    return ref.toLowerCase();
  }
  if (ref.startsWith('-')) {
    return refuse('it must not start with "-"');
  }
  if (WHITESPACE_OR_CONTROL.test(ref)) {
    return refuse('it must not contain spaces or control characters');
  }
  const forbidden = /[~^:?*[\\]/.exec(ref);
  if (forbidden) {
    return refuse(`it must not contain "${forbidden[0]}"`);
  }
  if (ref.includes('..')) {
    return refuse('it must not contain ".."');
  }
  if (ref.includes('@{') || ref === '@') {
    return refuse('it must not contain "@{" or be "@"');
  }
  if (ref.startsWith('/') || ref.endsWith('/') || ref.includes('//')) {
    return refuse('it must not start or end with "/" or contain "//"');
  }
  if (ref.endsWith('.') || ref.endsWith('.lock')) {
    return refuse('it must not end with "." or ".lock"');
  }
  if (ref.split('/').some((part) => part.startsWith('.') || part.endsWith('.lock'))) {
    return refuse('no part of it may start with "." or end with ".lock"');
  }
  return ref;
}

import { isCommitSha } from './git-url';
import { quoteForMessage, SourceError } from './source-error';

/**
 * Turns git's error output (redacted, in English: git runs with LC_ALL=C) into a SourceError for the user.
 */
export function explainGitError(
  stderr: string,
  context: { repoUrl: string; ref: string | undefined; hasToken: boolean },
): SourceError {
  const { repoUrl, ref, hasToken } = context;
  const host = hostOf(repoUrl);
  const has = (pattern: RegExp): boolean => pattern.test(stderr);

  if (has(/returned error: 401|Authentication failed|could not read (Username|Password)/i)) {
    return new SourceError(
      hasToken
        ? 'The repository refused the access token (HTTP 401). Check that the token is correct, has not ' +
          'expired and can read this repository, then set it again.'
        : 'The repository requires authentication (HTTP 401). If it is private, set an access token that ' +
          'can read it.',
    );
  }
  if (has(/returned error: 403/)) {
    return new SourceError(
      hasToken
        ? 'The repository denied access with this access token (HTTP 403). Check that the token can read ' +
          'this repository.'
        : 'The repository denied access (HTTP 403). If it is private, set an access token that can read it.',
    );
  }
  if (has(/Remote branch .* not found|couldn't find remote ref|not our ref|unadvertised object/i)) {
    if (ref !== undefined && isCommitSha(ref)) {
      return new SourceError(
        `The commit ${ref} could not be fetched: it is not in the repository, or the server does not allow ` +
          'fetching a single commit. Check the SHA, or build a branch or tag instead.',
      );
    }
    const shortSha = ref !== undefined && /^[0-9a-f]{7,39}$/i.test(ref);
    return new SourceError(
      `The branch or tag ${quoteForMessage(ref ?? '')} does not exist in the repository. Check its spelling, ` +
        'or leave it empty to build the default branch.' +
        (shortSha ? ' To build a particular commit, give its full 40-character SHA.' : ''),
    );
  }
  if (has(/returned error: 404|Repository not found|does not appear to be a git repository|not found/i)) {
    return new SourceError(
      `No repository was found at ${repoUrl}. Check the URL. A private repository also looks like this ` +
        'when no valid access token is set.',
    );
  }
  if (has(/Could not resolve host/i)) {
    return new SourceError(`The host ${host} could not be found. Check the repository URL.`);
  }
  if (has(/Failed to connect|Couldn't connect|Connection refused|Connection timed out|unreachable/i)) {
    return new SourceError(
      `Could not connect to ${host}. Check the repository URL and that the host is reachable from the builder.`,
    );
  }
  if (has(/Operation too slow|Operation timed out|transfer closed|early EOF/i)) {
    return new SourceError(
      `The connection to ${host} stalled or broke while cloning. Try again; if it keeps happening, check ` +
        'that the host is reachable and responding.',
    );
  }
  if (has(/certificate/i)) {
    return new SourceError(
      `The TLS certificate of ${host} could not be verified. The host must present a certificate trusted by ` +
        'the builder.',
    );
  }
  if (has(/SSL|TLS|gnutls|handshake/)) {
    return new SourceError(
      `A secure (TLS) connection to ${host} could not be established. Check that the URL points at an ` +
        'https server.',
    );
  }
  if (
    has(/does not have any commits yet|cloned an empty repository|remote HEAD refers to nonexistent ref/i)
  ) {
    return new SourceError('The repository has no commits yet. Push at least one commit, then deploy again.');
  }
  const detail = lastMessageLine(stderr);
  return new SourceError(
    `Fetching the repository failed${detail === undefined ? '' : `: ${detail}`}. Check the repository URL and ref.`,
  );
}

/** The last "fatal:"/"error:" line of git's output (or its last line), without the prefix. */
function lastMessageLine(stderr: string): string | undefined {
  const lines = stderr
    .split(/\r\n|\r|\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
  const message = [...lines].reverse().find((line) => /^(fatal|error):/.test(line)) ?? lines.at(-1);
  return message?.replace(/^(fatal|error):\s*/, '').slice(0, 300);
}

function hostOf(url: string): string {
  try {
    return new URL(url).host || url;
  } catch {
    return url;
  }
}

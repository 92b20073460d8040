import { explainGitError } from './git-errors';

// git's own words (git 2.39, LC_ALL=C, as fetchGitSource runs it), and what the user reads instead.
describe('explainGitError', () => {
  const repoUrl = 'https://git.example.com/team/app.git';
  const context = { repoUrl, ref: undefined, hasToken: false };

  it.each([
    [
      "fatal: Authentication failed for 'https://git.example.com/team/app.git/'",
      { hasToken: true },
      'The repository refused the access token (HTTP 401).',
    ],
    [
      "fatal: could not read Username for 'https://git.example.com': terminal prompts disabled",
      {},
      'The repository requires authentication (HTTP 401). If it is private, set an access token',
    ],
    [
      "fatal: unable to access 'https://git.example.com/team/app.git/': The requested URL returned error: 403",
      { hasToken: true },
      'The repository denied access with this access token (HTTP 403).',
    ],
    [
      "fatal: repository 'https://git.example.com/team/app.git/' not found",
      {},
      'No repository was found at https://git.example.com/team/app.git. Check the URL.',
    ],
    [
      'warning: Could not find remote branch nope to clone.\nfatal: Remote branch nope not found in upstream origin',
      { ref: 'nope' },
      'The branch or tag "nope" does not exist in the repository.',
    ],
    [
      'fatal: Remote branch abc1234 not found in upstream origin',
      { ref: 'abc1234' },
      'To build a particular commit, give its full 40-character SHA.',
    ],
    [
      'error: Server does not allow request for unadvertised object ' + 'a'.repeat(40),
      { ref: 'a'.repeat(40) },
      `The commit ${'a'.repeat(40)} could not be fetched`,
    ],
    [
      'fatal: remote error: upload-pack: not our ref ' + 'b'.repeat(40),
      { ref: 'b'.repeat(40) },
      `The commit ${'b'.repeat(40)} could not be fetched`,
    ],
    [
      "fatal: unable to access 'https://git.example.com/team/app.git/': Could not resolve host: git.example.com",
      {},
      'The host git.example.com could not be found. Check the repository URL.',
    ],
    [
      "fatal: unable to access 'https://git.example.com/team/app.git/': Failed to connect to git.example.com " +
        "port 443 after 0 ms: Couldn't connect to server",
      {},
      'Could not connect to git.example.com.',
    ],
    [
      "fatal: unable to access 'https://git.example.com/team/app.git/': server certificate verification " +
        'failed. CAfile: none CRLfile: none',
      {},
      'The TLS certificate of git.example.com could not be verified.',
    ],
    [
      "fatal: unable to access 'https://git.example.com/team/app.git/': gnutls_handshake() failed: An " +
        'unexpected TLS packet was received.',
      {},
      'A secure (TLS) connection to git.example.com could not be established.',
    ],
    [
      'error: RPC failed; curl 28 Operation too slow. Less than 1 bytes/sec transferred the last 60 seconds\n' +
        'fatal: early EOF',
      {},
      'The connection to git.example.com stalled or broke while cloning.',
    ],
    [
      "fatal: your current branch 'main' does not have any commits yet",
      {},
      'The repository has no commits yet.',
    ],
    [
      'remote: something odd\nfatal: the remote end hung up unexpectedly',
      {},
      'Fetching the repository failed: the remote end hung up unexpectedly. Check the repository URL and ref.',
    ],
  ])('explains %j', (stderr, overrides, expected) => {
    expect(explainGitError(stderr, { ...context, ...overrides }).message).toContain(expected);
  });
});

import { isCommitSha, MAX_REPO_URL_LENGTH, validateGitRef, validateRepoUrl } from './git-url';
import { SourceError } from './source-error';

function refusal(run: () => unknown): SourceError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(SourceError);
    return error as SourceError;
  }
  throw new Error('expected a SourceError');
}

describe('validateRepoUrl', () => {
  describe.each([false, true])('with allowLocal: %s', (allowLocal) => {
    it.each([
      ['--upload-pack=touch /tmp/pwned', 'must not start with "-"'],
      ['-oProxyCommand=touch /tmp/pwned', 'must not start with "-"'],
      ['-u', 'must not start with "-"'],
      ['ext::sh -c touch% /tmp/pwned', 'uses the git transport "ext::"'],
      ['ext::sh', 'uses the git transport "ext::"'],
      ['fd::17', 'uses the git transport "fd::"'],
      ['persona::https://host/x.git', 'uses the git transport "persona::"'],
      ['git@github.com:a/b.git', 'SSH repository URLs'],
      ['github.com:a/b.git', 'SSH repository URLs'],
      ['ssh://host/x', 'SSH repository URLs'],
      ['git+ssh://host/x', 'SSH repository URLs'],
      ['git://host/x.git', 'The git:// protocol is not supported'],
      ['ftp://host/x.git', 'starting with ftp:// are not supported'],
      ['../repo', 'Local paths and file:// URLs are not allowed'],
      ['./repo', 'Local paths and file:// URLs are not allowed'],
      ['repo', 'Local paths and file:// URLs are not allowed'],
      ['C:\\repos\\app', 'Local paths and file:// URLs are not allowed'],
      [
        'https://host/x.git\n--upload-pack=touch /tmp/pwned',
        'spaces, line breaks or other control characters',
      ],
      ['https://host/x.git\r', 'spaces, line breaks or other control characters'],
      [' https://host/x.git', 'spaces, line breaks or other control characters'],
      ['https://host/x\u0000.git', 'spaces, line breaks or other control characters'],
      ['https://host/x\u2028.git', 'spaces, line breaks or other control characters'],
      ['https://', 'not a valid URL'],
      ['https://host', 'names a host but no repository'],
      ['', 'The repository URL is empty'],
      [`https://host/${'a'.repeat(MAX_REPO_URL_LENGTH)}`, 'too long'],
    ])('refuses %j', (url, expected) => {
      expect(refusal(() => validateRepoUrl(url, { allowLocal })).message).toContain(expected);
    });

    it.each([
      ['https://user:sekret@host/x.git', 'sekret'],
      ['https://ghp_abc123SECRET@github.com/a/b.git', 'ghp_abc123SECRET'],
      ['https://x-access-token:p4ss%2Fw0rd@github.com/a/b.git', 'p4ss'],
    ])('refuses credentials in %j without repeating them', (url, secret) => {
      const { message } = refusal(() => validateRepoUrl(url, { allowLocal }));

      expect(message).toBe(
        'The repository URL contains credentials ("user:password@" or a token before the host). Remove the ' +
          'credentials from the URL and set an access token instead.',
      );
      expect(message).not.toContain(secret);
      expect(message).not.toContain('github.com');
    });

    it.each([
      ['https://host/x.git', 'https://host/x.git'],
      ['https://GitHub.com/Owner/Repo.git', 'https://github.com/Owner/Repo.git'],
      [
        'https://gitlab.example.com:8443/group/sub/project.git',
        'https://gitlab.example.com:8443/group/sub/project.git',
      ],
      ['HTTPS://host/x', 'https://host/x'],
    ])('accepts %j as %j', (url, normalized) => {
      expect(validateRepoUrl(url, { allowLocal })).toBe(normalized);
    });
  });

  describe('without allowLocal (production)', () => {
    it.each([
      [
        'file:///etc',
        'The repository URL must start with https://. Local paths and file:// URLs are not allowed.',
      ],
      [
        '/srv/repo',
        'The repository URL must start with https://. Local paths and file:// URLs are not allowed.',
      ],
      ['http://example.com/x.git', 'Plain http:// repository URLs are not allowed'],
    ])('refuses %j', (url, expected) => {
      expect(refusal(() => validateRepoUrl(url, { allowLocal: false })).message).toContain(expected);
    });
  });

  describe('with allowLocal (development and tests)', () => {
    it.each([
      ['file:///srv/repo', 'file:///srv/repo'],
      ['file://localhost/srv/repo', 'file:///srv/repo'],
      ['/srv/repo', 'file:///srv/repo'],
      ['/srv/my#repo', 'file:///srv/my%23repo'],
      ['http://127.0.0.1:8080/x.git', 'http://127.0.0.1:8080/x.git'],
    ])('accepts %j as %j', (url, normalized) => {
      expect(validateRepoUrl(url, { allowLocal: true })).toBe(normalized);
    });

    it.each([
      ['file://otherhost/srv/repo', 'must not name a host'],
      ['file:///', 'must be the absolute path of a repository'],
      ['http://user:pw@127.0.0.1/x.git', 'contains credentials'],
      ['../repo', 'Local paths and file:// URLs are not allowed'],
    ])('still refuses %j', (url, expected) => {
      expect(refusal(() => validateRepoUrl(url, { allowLocal: true })).message).toContain(expected);
    });
  });
});

describe('validateGitRef', () => {
  it.each(['main', 'feature/login-page', 'v1.2.0', 'release-2024.01', 'a'.repeat(255), 'user@host', 'x_y+z'])(
    'accepts %j',
    (ref) => {
      expect(validateGitRef(ref)).toBe(ref);
    },
  );

  it('accepts a full commit SHA, lower-cased', () => {
    const sha = 'ABCDEF0123456789abcdef0123456789ABCDEF01';
    expect(validateGitRef(sha)).toBe(sha.toLowerCase());
  });

  it.each([
    ['', 'it is empty'],
    ['--upload-pack=touch /tmp/pwned', 'must not start with "-"'],
    ['-b', 'must not start with "-"'],
    ['main\n--upload-pack=x', 'spaces or control characters'],
    ['my branch', 'spaces or control characters'],
    ['tab\there', 'spaces or control characters'],
    ['del\u007f', 'spaces or control characters'],
    ['a..b', 'must not contain ".."'],
    ['..', 'must not contain ".."'],
    ['HEAD~1', 'must not contain "~"'],
    ['HEAD^', 'must not contain "^"'],
    ['refs:x', 'must not contain ":"'],
    ['what?', 'must not contain "?"'],
    ['feat*', 'must not contain "*"'],
    ['a[b', 'must not contain "["'],
    ['a\\b', 'must not contain "\\"'],
    ['main@{1}', 'must not contain "@{"'],
    ['@', 'must not contain "@{" or be "@"'],
    ['/main', 'must not start or end with "/"'],
    ['main/', 'must not start or end with "/"'],
    ['a//b', 'contain "//"'],
    ['main.', 'must not end with "." or ".lock"'],
    ['main.lock', 'must not end with "." or ".lock"'],
    ['feature/.hidden', 'no part of it may start with "."'],
    ['a.lock/b', 'end with ".lock"'],
    ['a'.repeat(256), 'longer than 255 characters'],
  ])('refuses %j', (ref, expected) => {
    const { message } = refusal(() => validateGitRef(ref));

    expect(message).toContain(expected);
    expect(message).toContain('Give a branch name (main), a tag (v1.2.0) or a full 40-character commit SHA.');
  });

  it('escapes control characters when quoting a refused ref', () => {
    expect(refusal(() => validateGitRef('a\nb')).message).toContain('"a\\nb"');
  });
});

describe('isCommitSha', () => {
  it.each([
    ['0123456789abcdef0123456789abcdef01234567', true],
    ['0123456789ABCDEF0123456789ABCDEF01234567', true],
    ['0123456', false],
    ['0123456789abcdef0123456789abcdef012345678', false],
    ['g123456789abcdef0123456789abcdef01234567', false],
  ])('%j → %s', (ref, expected) => {
    expect(isCommitSha(ref)).toBe(expected);
  });
});

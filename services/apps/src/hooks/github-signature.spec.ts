import { branchOfRef, githubSignature, isValidGitHubSignature } from './github-signature';

// The example from GitHub's documentation on validating webhook deliveries.
const DOCS_SECRET = "It's a Secret to Everybody";
const DOCS_BODY = Buffer.from('Hello, World!');
const DOCS_SIGNATURE = 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17';

describe('GitHub webhook signatures', () => {
  it("computes GitHub's documented signature for its documented example", () => {
    expect(githubSignature(DOCS_SECRET, DOCS_BODY)).toBe(DOCS_SIGNATURE);
    expect(isValidGitHubSignature(DOCS_SECRET, DOCS_BODY, DOCS_SIGNATURE)).toBe(true);
  });

  it('refuses a signature made with another secret, over another body, or missing', () => {
    expect(isValidGitHubSignature('another secret', DOCS_BODY, DOCS_SIGNATURE)).toBe(false);
    expect(isValidGitHubSignature(DOCS_SECRET, Buffer.from('Hello, World?'), DOCS_SIGNATURE)).toBe(false);
    expect(isValidGitHubSignature(DOCS_SECRET, DOCS_BODY, '')).toBe(false);
    expect(isValidGitHubSignature(DOCS_SECRET, DOCS_BODY, DOCS_SIGNATURE.replace('sha256=', 'sha1='))).toBe(
      false,
    );
  });

  it('reads the branch of a push ref and nothing else', () => {
    expect(branchOfRef('refs/heads/main')).toBe('main');
    expect(branchOfRef('refs/heads/feature/x')).toBe('feature/x');
    expect(branchOfRef('refs/tags/v1.0.0')).toBeNull();
    expect(branchOfRef(undefined)).toBeNull();
  });
});

import { createHmac, timingSafeEqual } from 'node:crypto';

/** `X-Hub-Signature-256` for a body: `sha256=` and the hex HMAC-SHA256 of its exact bytes. */
export function githubSignature(secret: string, body: Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** Constant-time comparison, so a forger learns nothing from how long a refusal takes. */
export function isValidGitHubSignature(secret: string, body: Buffer, signature: string): boolean {
  if (!/^sha256=[0-9a-f]{64}$/.test(signature)) return false;
  const expected = Buffer.from(githubSignature(secret, body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** The fields of a GitHub push payload Slipway reads (the full payload has many more). */
export interface GitHubPushPayload {
  ref?: string;
  after?: string;
  deleted?: boolean;
  head_commit?: { id?: string; message?: string } | null;
  pusher?: { name?: string };
  repository?: { full_name?: string; clone_url?: string };
}

/** `refs/heads/main` → `main`; null for tags and other refs. */
export function branchOfRef(ref: string | undefined): string | null {
  return ref?.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : null;
}

export const REDACTED = '***';

/**
 * Returns a function that replaces every occurrence of the given secrets in a text with "***". Longer
 * secrets are replaced first, so a secret that contains another is still removed whole.
 */
export function createRedactor(secrets: readonly string[]): (text: string) => string {
  const distinct = [...new Set(secrets.filter((secret) => secret.length > 0))].sort(
    (a, b) => b.length - a.length,
  );
  if (distinct.length === 0) {
    return (text) => text;
  }
  return (text) => distinct.reduce((result, secret) => result.split(secret).join(REDACTED), text);
}

/** The forms in which a git access token could show up in git's output or in a URL. */
export function accessTokenForms(token: string): string[] {
  return [
    token,
    encodeURIComponent(token),
    Buffer.from(token, 'utf8').toString('base64'),
    Buffer.from(`x-access-token:${token}`, 'utf8').toString('base64'),
  ];
}

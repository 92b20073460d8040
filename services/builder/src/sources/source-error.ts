/**
 * A source (git repository or uploaded archive) that cannot be used, explained for the person who gave it:
 * `message` says what is wrong and how to fix it, and is safe to show as-is in the build log and the portal.
 * It never contains a secret (an access token, or credentials found in a URL).
 */
export class SourceError extends Error {
  override readonly name = 'SourceError';

  constructor(message: string) {
    super(message);
  }
}

/** Shows a user-supplied value inside a message: quoted, control characters escaped, long values cut short. */
export function quoteForMessage(value: string, maxLength = 200): string {
  const shortened = value.length > maxLength ? `${value.slice(0, maxLength)}…` : value;
  // eslint-disable-next-line no-control-regex
  const escaped = shortened.replace(/[\u0000-\u001f\u007f]/g, (char) => {
    const code = char.charCodeAt(0);
    if (char === '\n') return '\\n';
    if (char === '\r') return '\\r';
    if (char === '\t') return '\\t';
    return `\\x${code.toString(16).padStart(2, '0')}`;
  });
  return `"${escaped}"`;
}

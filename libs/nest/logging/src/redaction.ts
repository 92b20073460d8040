/**
 * Paths pino replaces with `[redacted]`. Secrets must never reach a log line: credentials in requests,
 * tokens, passwords and env var values wherever they appear in a logged object.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  'password',
  'token',
  'accessToken',
  'refreshToken',
  'secret',
  'env',
  '*.password',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.secret',
  '*.env',
  '*.envVars',
  '*.value',
];

export const REDACTION_CENSOR = '[redacted]';

/**
 * URLs that carry a secret in their path or query: a deploy hook's token is part of its URL (like
 * Render's), and a query string may hold `token=` or `secret=`. Request logs get the URL with those
 * parts replaced.
 */
const SECRET_PATH_PATTERNS = [/(\/hooks\/deploy\/[^/?#]+\/)[^/?#]+/];
const SECRET_QUERY_PARAMETER = /([?&](?:token|secret|key|access_token|api_key)=)[^&#]*/gi;

export function redactUrl(url: string): string {
  let redacted = url;
  for (const pattern of SECRET_PATH_PATTERNS) redacted = redacted.replace(pattern, `$1${REDACTION_CENSOR}`);
  return redacted.replace(SECRET_QUERY_PARAMETER, `$1${REDACTION_CENSOR}`);
}

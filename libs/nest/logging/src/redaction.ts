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

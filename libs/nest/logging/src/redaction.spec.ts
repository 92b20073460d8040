import pino from 'pino';
import { Writable } from 'node:stream';
import { REDACTED_PATHS, REDACTION_CENSOR, redactUrl } from './redaction';

function captureLogger() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const logger = pino({ redact: { paths: REDACTED_PATHS, censor: REDACTION_CENSOR } }, sink);
  return { logger, lines };
}

describe('log redaction', () => {
  it('never writes tokens, passwords, env values or auth headers', () => {
    const { logger, lines } = captureLogger();
    logger.info(
      {
        req: { headers: { authorization: 'Bearer sk-live-123', cookie: 'sid=abc' } },
        user: { email: 'a@b.c', password: 'hunter2' },
        clone: { token: 'ghp_secret' },
        envVar: { key: 'DATABASE_URL', value: 'postgres://u:p@db' },
        app: { env: { API_KEY: 'k-999' } },
      },
      'request',
    );
    const written = lines.join('');
    for (const secret of ['sk-live-123', 'sid=abc', 'hunter2', 'ghp_secret', 'postgres://u:p@db', 'k-999']) {
      expect(written).not.toContain(secret);
    }
    expect(written).toContain('a@b.c');
    expect(written).toContain('DATABASE_URL');
    expect(written).toContain(REDACTION_CENSOR);
  });

  it('takes the secret out of deploy hook URLs and token-like query parameters', () => {
    expect(redactUrl('/api/v1/hooks/deploy/65f0c0ffee0123456789abcd/dh_s3cr3t?ref=main')).toBe(
      '/api/v1/hooks/deploy/65f0c0ffee0123456789abcd/[redacted]?ref=main',
    );
    expect(redactUrl('/api/v1/apps/x/logs/live?token=abc&source=build&api_key=k1')).toBe(
      '/api/v1/apps/x/logs/live?token=[redacted]&source=build&api_key=[redacted]',
    );
    expect(redactUrl('/api/v1/apps?limit=10')).toBe('/api/v1/apps?limit=10');
    expect(redactUrl('/api/v1/hooks/github/65f0c0ffee0123456789abcd')).toBe(
      '/api/v1/hooks/github/65f0c0ffee0123456789abcd',
    );
  });
});

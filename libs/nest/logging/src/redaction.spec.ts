import pino from 'pino';
import { Writable } from 'node:stream';
import { REDACTED_PATHS, REDACTION_CENSOR } from './redaction';

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
});

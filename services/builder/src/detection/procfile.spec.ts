import { procfileWebCommand } from './procfile';
import { shellCmd } from './templates';

describe('procfileWebCommand', () => {
  it('returns the web line among other process types and comments', () => {
    const procfile = '# processes\nworker: python worker.py\nweb: gunicorn app:app --bind 0.0.0.0:$PORT\r\n';
    expect(procfileWebCommand(procfile)).toBe('gunicorn app:app --bind 0.0.0.0:$PORT');
  });

  it('returns undefined without a web line, or with an empty one', () => {
    expect(procfileWebCommand('worker: node worker.js\n')).toBeUndefined();
    expect(procfileWebCommand('web:   \n')).toBeUndefined();
  });
});

describe('shellCmd', () => {
  it('execs a single command so it receives signals, leaving $PORT to the shell', () => {
    expect(shellCmd('gunicorn app:app --bind 0.0.0.0:$PORT')).toBe(
      'CMD exec gunicorn app:app --bind 0.0.0.0:$PORT',
    );
  });

  it('runs commands with shell syntax or leading variable assignments as written', () => {
    expect(shellCmd('cd api && node server.js')).toBe('CMD cd api && node server.js');
    expect(shellCmd('NODE_OPTIONS=--enable-source-maps node server.js')).toBe(
      'CMD NODE_OPTIONS=--enable-source-maps node server.js',
    );
    expect(shellCmd('exec node server.js')).toBe('CMD exec node server.js');
  });
});

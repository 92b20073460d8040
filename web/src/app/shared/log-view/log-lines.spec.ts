import type { LiveLogLine } from '../../core/api/live-logs.service';
import { appendLines, fromLiveLine, guessLevel, linesAsText } from './log-lines';

function live(seq: number, text: string, changes: Partial<LiveLogLine> = {}): LiveLogLine {
  return {
    seq,
    deploymentId: 'd1',
    source: 'build',
    stream: 'stdout',
    stage: 'build',
    timestamp: `2026-01-01T10:00:0${seq % 10}.000Z`,
    text,
    ...changes,
  };
}

describe('fromLiveLine', () => {
  it('strips colour codes and recognises step headers and builder noise', () => {
    expect(fromLiveLine(live(1, '\u001b[32mStep 3/9 : RUN npm ci\u001b[0m'))).toMatchObject({
      text: 'Step 3/9 : RUN npm ci',
      step: true,
      noise: false,
    });
    expect(fromLiveLine(live(2, ' ---> 9f8e7d6c')).noise).toBe(true);
  });
});

describe('guessLevel', () => {
  it('reads errors and warnings from the words, and stderr as a warning at least', () => {
    expect(guessLevel('npm ERR! missing script: start', 'stdout')).toBe('error');
    expect(guessLevel('Error: listen EADDRINUSE', 'stderr')).toBe('error');
    expect(guessLevel('npm WARN deprecated inflight', 'stdout')).toBe('warn');
    expect(guessLevel('compiling…', 'stderr')).toBe('warn');
    expect(guessLevel('listening on 8080', 'stdout')).toBeNull();
  });
});

describe('appendLines', () => {
  it('drops lines a reconnect replays and keeps only the newest up to the limit', () => {
    const seen = new Set<string>();
    const first = appendLines(
      [],
      [1, 2, 3].map((seq) => fromLiveLine(live(seq, `line ${seq}`))),
      seen,
      3,
    );
    const next = appendLines(
      first,
      [2, 3, 4].map((seq) => fromLiveLine(live(seq, `line ${seq}`))),
      seen,
      3,
    );
    expect(next.map((line) => line.text)).toEqual(['line 2', 'line 3', 'line 4']);
  });

  it('keeps lines of different deployments or sources with the same seq apart', () => {
    const seen = new Set<string>();
    const lines = appendLines(
      [],
      [fromLiveLine(live(1, 'build')), fromLiveLine(live(1, 'runtime', { source: 'runtime' }))],
      seen,
      10,
    );
    expect(lines).toHaveLength(2);
  });
});

describe('linesAsText', () => {
  it('writes one line per entry with time and stream', () => {
    expect(linesAsText([fromLiveLine(live(1, 'hello'))])).toBe('2026-01-01T10:00:01.000Z stdout hello\n');
  });
});

import { stripAnsi } from '@slipway/contracts';
import { storedLineFrom } from './log-line.factory';

describe('stored log lines', () => {
  it('strips colour and cursor codes for search but keeps the raw text', () => {
    expect(stripAnsi('\u001b[31mnpm ERR!\u001b[39m \u001b[1mcode\u001b[22m 1\r')).toBe('npm ERR! code 1');
    expect(stripAnsi('\u001b]8;;https://x.dev\u0007link\u001b]8;;\u0007 \u001b[2K\u001b[1Gdone')).toBe(
      'link done',
    );
    expect(stripAnsi('plain text')).toBe('plain text');
  });

  it('keys a batch line by deployment, source and seq, with level and display detected', () => {
    const line = storedLineFrom(
      { appId: 'a1', deploymentId: 'd1', source: 'build', lines: [] },
      {
        seq: 7,
        stream: 'stderr',
        stage: 'install',
        timestamp: '2025-03-01T10:00:00.000Z',
        text: '\u001b[33mnpm WARN\u001b[0m deprecated glob@7',
      },
      'trace-1',
    );
    expect(line).toMatchObject({
      key: 'd1:build:7',
      seq: 7,
      stage: 'install',
      instance: null,
      level: 'warn',
      display: 'normal',
      text: '\u001b[33mnpm WARN\u001b[0m deprecated glob@7',
      plain: 'npm WARN deprecated glob@7',
      traceId: 'trace-1',
    });
    expect(line.timestamp).toEqual(new Date('2025-03-01T10:00:00.000Z'));
  });
});

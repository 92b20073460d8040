import { stripAnsi } from '@slipway/contracts';
import { incomingLineFrom } from './log-line.factory';

describe('incoming log lines', () => {
  it('strips colour and cursor codes for search but keeps the raw text', () => {
    expect(stripAnsi('\u001b[31mnpm ERR!\u001b[39m \u001b[1mcode\u001b[22m 1\r')).toBe('npm ERR! code 1');
    expect(stripAnsi('\u001b]8;;https://x.dev\u0007link\u001b]8;;\u0007 \u001b[2K\u001b[1Gdone')).toBe(
      'link done',
    );
    expect(stripAnsi('plain text')).toBe('plain text');
  });

  it('keeps seq, stage, instance and raw text, with level and display detected from the plain text', () => {
    const line = incomingLineFrom(
      { appId: 'a1', deploymentId: 'd1', source: 'build', lines: [] },
      {
        seq: 7,
        stream: 'stderr',
        stage: 'install',
        timestamp: '2025-03-01T10:00:00.000Z',
        text: '\u001b[33mnpm WARN\u001b[0m deprecated glob@7',
      },
    );
    expect(line).toEqual({
      seq: 7,
      timestampMs: Date.parse('2025-03-01T10:00:00.000Z'),
      stream: 'stderr',
      stage: 'install',
      instance: null,
      level: 'warn',
      display: 'normal',
      text: '\u001b[33mnpm WARN\u001b[0m deprecated glob@7',
    });
  });

  it('keeps the instance of a runtime line and never classifies runtime output as build steps', () => {
    const line = incomingLineFrom(
      { appId: 'a1', deploymentId: 'd1', source: 'runtime', lines: [] },
      {
        seq: 1,
        stream: 'stdout',
        timestamp: '2025-03-01T10:00:00.000Z',
        text: 'Step 1/2 : hello',
        instance: 'web-1',
      },
    );
    expect(line).toMatchObject({ instance: 'web-1', display: 'normal' });
  });
});

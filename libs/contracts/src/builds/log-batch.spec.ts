import { parsePayload, PayloadValidationError } from '../messaging/validation';
import { LogBatchEvent, logLineEntryProblem } from './build.events';

describe('LogBatchEvent validation', () => {
  const line = {
    seq: 1,
    stream: 'stdout',
    stage: 'install',
    timestamp: '2026-11-29T10:00:00.123Z',
    text: 'npm ci',
  };
  const batch = (lines: unknown) => ({ appId: 'a1', deploymentId: 'd1', source: 'build', lines });

  it('accepts build and runtime lines, with or without stage and instance', () => {
    const parsed = parsePayload(
      LogBatchEvent,
      batch([
        line,
        { seq: 2, stream: 'stderr', timestamp: '2026-11-29T10:00:00+01:00', text: '', instance: 'web-1' },
      ]),
    );
    expect(parsed.lines).toHaveLength(2);
    expect(parsed.lines[1]).toMatchObject({ stream: 'stderr', instance: 'web-1' });
  });

  it.each([
    [{ ...line, seq: 1.5 }, 'seq must be an integer number'],
    [{ ...line, stream: 'stdlog' }, 'stream must be stdout or stderr'],
    [{ ...line, stage: 'deploy' }, 'stage must be one of queued, clone, detect, install, build, export'],
    [{ ...line, timestamp: 'yesterday' }, 'timestamp must be an ISO 8601 date-time'],
    [{ ...line, text: 42 }, 'text must be a string'],
    [{ ...line, instance: 7 }, 'instance must be a string'],
    [{ ...line, colour: 'red' }, 'property colour should not exist'],
    ['a string', 'must be an object'],
  ])('refuses %j: %s', (entry, problem) => {
    expect(logLineEntryProblem(entry)).toBe(problem);
    expect(() => parsePayload(LogBatchEvent, batch([line, entry]))).toThrow(PayloadValidationError);
    expect(() => parsePayload(LogBatchEvent, batch([line, entry]))).toThrow(`lines[1]: ${problem}`);
  });

  it('refuses lines that are not an array', () => {
    expect(() => parsePayload(LogBatchEvent, batch('line'))).toThrow('lines must be an array');
  });
});

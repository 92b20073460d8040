import { formatSseComment, formatSseMessage, resumeAfter } from './sse-format';

describe('formatSseMessage', () => {
  it('writes id, event and one-line JSON data, ended by a blank line', () => {
    expect(formatSseMessage({ id: 7, event: 'line', data: { text: 'a\nb' } })).toBe(
      'id: 7\nevent: line\ndata: {"text":"a\\nb"}\n\n',
    );
  });

  it('leaves out the id when there is none', () => {
    expect(formatSseMessage({ event: 'progress', data: { percent: 50 } })).toBe(
      'event: progress\ndata: {"percent":50}\n\n',
    );
  });

  it('writes comments that cannot break the framing', () => {
    expect(formatSseComment('ping')).toBe(': ping\n\n');
    expect(formatSseComment('a\nb')).toBe(': a b\n\n');
  });
});

describe('resumeAfter', () => {
  it('prefers the query, then Last-Event-ID, else nothing', () => {
    expect(resumeAfter(5, '9')).toBe(5);
    expect(resumeAfter(undefined, ' 9 ')).toBe(9);
    expect(resumeAfter(undefined, undefined)).toBeUndefined();
    expect(resumeAfter(undefined, '')).toBeUndefined();
  });

  it('rejects a Last-Event-ID that is not a seq', () => {
    expect(() => resumeAfter(undefined, 'abc')).toThrow('Last-Event-ID must be');
    expect(() => resumeAfter(undefined, '-1')).toThrow(RangeError);
  });
});

import { decodeCursor, encodeCursor, InvalidCursorError } from './log-cursor';

describe('log cursor', () => {
  const position = {
    timestampMs: Date.parse('2025-03-01T10:00:00.123Z'),
    seq: 42,
    order: 'dep-1:build:1#00041',
  };

  it('decodes what it encoded, and is URL-safe', () => {
    const cursor = encodeCursor(position);
    expect(cursor).toMatch(/^[A-Za-z0-9_.-]+$/);
    expect(decodeCursor(cursor)).toEqual(position);
  });

  it('rejects an edited cursor with a validation error that says what to do', () => {
    const cursor = encodeCursor(position);
    const [version, body, check] = cursor.split('.') as [string, string, string];
    const edited = Buffer.from(JSON.stringify([position.timestampMs, 41, position.order])).toString(
      'base64url',
    );
    for (const bad of [
      `${version}.${edited}.${check}`,
      `${version}.${body}.${check.slice(1)}`,
      cursor.slice(0, -3),
      'c1.' + body + '.' + check,
      'not-a-cursor',
      '',
    ]) {
      expect(() => decodeCursor(bad)).toThrow(InvalidCursorError);
    }
    try {
      decodeCursor('garbage');
    } catch (error) {
      expect((error as InvalidCursorError).toBody()).toEqual({
        code: 'VALIDATION',
        message: 'cursor is not valid: pass back the nextCursor of a previous page unchanged',
      });
    }
  });
});

import { formatAge, formatDuration } from './duration';

describe('formatDuration', () => {
  it.each([
    [0, '0 s'],
    [4.9, '4 s'],
    [59, '59 s'],
    [60, '1 min'],
    [3 * 60 + 59, '3 min'],
    [3600, '1 h'],
    [2 * 3600 + 5 * 60, '2 h 5 min'],
    [86_400, '1 d'],
    [4 * 86_400 + 6 * 3600 + 59, '4 d 6 h'],
  ])('formats %p seconds as %p', (seconds, expected) => {
    expect(formatDuration(seconds)).toBe(expected);
  });

  it('treats negative and non-finite input as zero', () => {
    expect(formatDuration(-3)).toBe('0 s');
    expect(formatDuration(Number.NaN)).toBe('0 s');
  });
});

describe('formatAge', () => {
  it('says "just now" under one second and "N s ago" after', () => {
    expect(formatAge(0.4)).toBe('just now');
    expect(formatAge(4)).toBe('4 s ago');
    expect(formatAge(180)).toBe('3 min ago');
  });
});

import { formatBytes, formatSeconds } from './format';

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1024, '1 KB'],
    [1536, '1.5 KB'],
    [1024 * 1024, '1 MB'],
    [2.25 * 1024 * 1024 * 1024, '2.3 GB'],
  ])('%d bytes → %s', (bytes, expected) => {
    expect(formatBytes(bytes)).toBe(expected);
  });
});

describe('formatSeconds', () => {
  it.each([
    [1000, '1'],
    [1500, '1.5'],
    [600_000, '600'],
  ])('%d ms → %s', (ms, expected) => {
    expect(formatSeconds(ms)).toBe(expected);
  });
});

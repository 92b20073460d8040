import { rangeAdmitsMajor } from './node-engines';
import { imageMajorVersion } from './node-project';

describe('rangeAdmitsMajor', () => {
  it.each([
    ['>=18', 20, true],
    ['>=22', 20, false],
    ['^18', 20, false],
    ['^20.11.0', 20, true],
    ['18.x || 20.x', 20, true],
    ['16.x || 18.x', 20, false],
    ['>=18 <20', 20, false],
    ['>=18 <20.5', 20, true],
    ['>19', 20, true],
    ['>20', 20, false],
    ['>20.1', 20, true],
    ['~20.10', 20, true],
    ['20', 20, true],
    ['18.17.0 - 19', 20, false],
    ['*', 20, true],
    ['', 20, true],
  ])('"%s" with Node.js %d → %s', (range, major, expected) => {
    expect(rangeAdmitsMajor(range, major)).toBe(expected);
  });

  it('does not guess about ranges it cannot read', () => {
    expect(rangeAdmitsMajor('lts/iron', 20)).toBeUndefined();
    expect(rangeAdmitsMajor('^0.10', 20)).toBeUndefined();
  });
});

describe('imageMajorVersion', () => {
  it.each([
    ['slipway-local/node:20-bookworm', 20],
    ['node:22-bookworm-slim', 22],
    ['registry.example.com:5000/node:18.20.4-alpine', 18],
    ['node:22@sha256:abc', 22],
    ['node:lts', undefined],
    ['node', undefined],
  ])('%s → %s', (image, major) => {
    expect(imageMajorVersion(image)).toBe(major);
  });
});

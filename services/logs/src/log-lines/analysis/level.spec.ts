import { detectLevel } from './level';

describe('detectLevel', () => {
  it.each([
    ['npm ERR! code ERESOLVE', 'error'],
    ['npm error code ERESOLVE', 'error'],
    ['npm WARN deprecated inflight@1.0.6', 'warn'],
    ['error An unexpected error occurred: "https://registry.yarnpkg.com"', 'error'],
    ['warning package.json: No license field', 'warn'],
    ['{"level":50,"time":1,"msg":"db down"}', 'error'],
    ['{"level":40,"msg":"slow"}', 'warn'],
    ['{"level":30,"msg":"listening"}', 'info'],
    ['{"level":20,"msg":"details"}', 'debug'],
    ['{"level":"warning","message":"x"}', 'warn'],
    ['{"severity":"ERROR","message":"x"}', 'error'],
    ['time=2025-01-01 level=warn msg="disk 90%"', 'warn'],
    ['[error] connect ECONNREFUSED', 'error'],
    ['2025-01-01 12:00:00 ERROR Failed to start', 'error'],
    ['2025-01-01 12:00:00 INFO Started in 2s', 'info'],
    ['WARNING: apt does not have a stable CLI interface', 'warn'],
    ['DEBUG cache hit', 'debug'],
    ['TypeError: Cannot read properties of undefined', 'error'],
    ['Error: listen EADDRINUSE :::3000', 'error'],
    ['    at Server.listen (node:net:1:2)', 'error'],
    ["The command '/bin/sh -c npm ci' returned a non-zero code: 1", 'error'],
  ])('reads %j as %s', (line, level) => {
    expect(detectLevel(line)).toBe(level);
  });

  it.each([
    'Step 3/9 : RUN npm ci',
    'added 120 packages in 3s',
    'no errors found, everything is fine',
    '{"msg":"no level here"}',
    '',
  ])('says nothing about %j', (line) => {
    expect(detectLevel(line)).toBeNull();
  });

  it('takes the first marker when a line has several', () => {
    expect(detectLevel('INFO retrying after ERROR')).toBe('info');
  });
});

import { packChunk, unpackChunk } from './log-chunk';
import { compareLines } from './stored-line';

describe('log chunks', () => {
  const context = { appId: 'app-1', deploymentId: 'dep-1', source: 'build' as const, traceId: 'trace-1' };

  it('packs lines into one string and unpacks them unchanged, with time bounds', () => {
    const lines = [
      {
        seq: 1,
        timestampMs: 2000,
        stream: 'stdout' as const,
        stage: 'install',
        instance: null,
        level: null,
        display: 'step' as const,
        text: 'Step 1/2 : RUN npm ci',
      },
      {
        seq: 2,
        timestampMs: 1000,
        stream: 'stderr' as const,
        stage: 'install',
        instance: 'web-1',
        level: 'warn' as const,
        display: 'normal' as const,
        text: '\u001b[33mnpm WARN\u001b[39m old',
      },
    ];
    const chunk = packChunk('dep-1:build:1', context, lines);
    expect(typeof chunk.lines).toBe('string');
    expect(chunk).toMatchObject({ count: 2, minTs: 1000, maxTs: 2000 });
    const unpacked = unpackChunk(chunk);
    expect(unpacked).toEqual(
      lines.map((line, index) => ({ ...line, ...context, order: `dep-1:build:1#0000${index}` })),
    );
  });

  it('orders lines by time, then seq, then their place', () => {
    const at = (timestampMs: number, seq: number, order: string) => ({ timestampMs, seq, order });
    const sorted = [at(2, 1, 'a'), at(1, 5, 'b'), at(1, 5, 'a'), at(1, 2, 'z')].sort(compareLines);
    expect(sorted).toEqual([at(1, 2, 'z'), at(1, 5, 'a'), at(1, 5, 'b'), at(2, 1, 'a')]);
  });
});

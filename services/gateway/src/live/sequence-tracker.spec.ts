import { SequenceTracker, SkippedRanges } from './sequence-tracker';

const line = (seq: number, deploymentId: string | null = 'd1', source: 'build' | 'system' = 'build') => ({
  seq,
  deploymentId,
  source,
});

describe('SequenceTracker', () => {
  it('accepts each (deployment, source, seq) once and nothing at or below what was sent', () => {
    const tracker = new SequenceTracker();
    expect([1, 2, 2, 3, 1, 4].map((seq) => tracker.accept(line(seq)))).toEqual([
      true,
      true,
      false,
      true,
      false,
      true,
    ]);
    expect(tracker.lastSent(line(0))).toBe(4);
  });

  it('tracks each deployment and source on its own', () => {
    const tracker = new SequenceTracker();
    expect(tracker.accept(line(5, 'd1'))).toBe(true);
    expect(tracker.accept(line(1, 'd2'))).toBe(true);
    expect(tracker.accept(line(1, 'd1', 'system'))).toBe(true);
    expect(tracker.accept(line(5, 'd1'))).toBe(false);
  });

  it('resumes after the given seq', () => {
    const tracker = new SequenceTracker(10);
    expect(tracker.floor(line(0))).toBe(10);
    expect(tracker.isNew(line(10))).toBe(false);
    expect(tracker.accept(line(10))).toBe(false);
    expect(tracker.isNew(line(11))).toBe(true);
    expect(tracker.accept(line(11))).toBe(true);
    expect(tracker.isNew(line(11))).toBe(false);
    expect(tracker.floor(line(0))).toBe(11);
  });

  it('passes event lines (seq 0) unless the client is resuming', () => {
    expect(new SequenceTracker().accept(line(0, null, 'system'))).toBe(true);
    expect(new SequenceTracker(3).accept(line(0, null, 'system'))).toBe(false);
  });
});

describe('SkippedRanges', () => {
  it('merges dropped lines into one range per deployment and source', () => {
    const ranges = new SkippedRanges();
    expect(ranges.isEmpty).toBe(true);
    [3, 4, 5].forEach((seq) => ranges.add(line(seq)));
    ranges.add(line(9, 'd2'));
    expect(ranges.take()).toEqual([
      { deploymentId: 'd1', source: 'build', from: 3, to: 5, count: 3 },
      { deploymentId: 'd2', source: 'build', from: 9, to: 9, count: 1 },
    ]);
    expect(ranges.isEmpty).toBe(true);
  });
});

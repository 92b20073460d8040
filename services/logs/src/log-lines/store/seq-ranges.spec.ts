import { SeqRanges } from './seq-ranges';

describe('SeqRanges', () => {
  it('merges adjacent and overlapping ranges into one', () => {
    const ranges = new SeqRanges();
    ranges.addRange(1, 200);
    ranges.addRange(201, 400);
    ranges.addRange(350, 420);
    expect(ranges.toJSON()).toEqual([[1, 420]]);
  });

  it('keeps gaps apart and fills them later', () => {
    const ranges = new SeqRanges([
      [1, 3],
      [10, 12],
    ]);
    expect(ranges.has(3)).toBe(true);
    expect(ranges.has(4)).toBe(false);
    expect(ranges.has(11)).toBe(true);
    expect(ranges.has(13)).toBe(false);
    ranges.addRange(4, 9);
    expect(ranges.toJSON()).toEqual([[1, 12]]);
  });

  it('inserts a range before the existing ones', () => {
    const ranges = new SeqRanges([[10, 12]]);
    ranges.add(5);
    expect(ranges.toJSON()).toEqual([
      [5, 5],
      [10, 12],
    ]);
    expect(ranges.has(5)).toBe(true);
    expect(ranges.has(0)).toBe(false);
  });
});

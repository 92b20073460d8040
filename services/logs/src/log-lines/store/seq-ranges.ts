/**
 * The sequence numbers stored for one deployment and source, as sorted, disjoint, inclusive ranges. A
 * deployment's lines arrive in order, so this is nearly always a single range however many lines it has:
 * remembering "what is stored" costs a few numbers, not one entry per line.
 */
export class SeqRanges {
  private ranges: Array<[number, number]>;

  constructor(ranges: Array<[number, number]> = []) {
    this.ranges = [];
    for (const [from, to] of ranges) this.addRange(from, to);
  }

  has(seq: number): boolean {
    let low = 0;
    let high = this.ranges.length - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      const range = this.ranges[middle] as [number, number];
      if (seq < range[0]) high = middle - 1;
      else if (seq > range[1]) low = middle + 1;
      else return true;
    }
    return false;
  }

  add(seq: number): void {
    this.addRange(seq, seq);
  }

  addRange(from: number, to: number): void {
    const merged: Array<[number, number]> = [];
    let start = from;
    let end = to;
    let placed = false;
    for (const range of this.ranges) {
      if (range[1] < start - 1) {
        merged.push(range);
      } else if (range[0] > end + 1) {
        if (!placed) {
          merged.push([start, end]);
          placed = true;
        }
        merged.push(range);
      } else {
        start = Math.min(start, range[0]);
        end = Math.max(end, range[1]);
      }
    }
    if (!placed) merged.push([start, end]);
    this.ranges = merged;
  }

  toJSON(): Array<[number, number]> {
    return this.ranges.map(([from, to]) => [from, to]);
  }
}

import { BoundedQueue } from './bounded-queue';

describe('BoundedQueue', () => {
  it('keeps items in order while under capacity', () => {
    const queue = new BoundedQueue<number>(3);
    expect(queue.push(1)).toBeUndefined();
    expect(queue.push(2)).toBeUndefined();
    expect(queue.size).toBe(2);
    expect(queue.shift()).toBe(1);
    expect(queue.drain()).toEqual([2]);
    expect(queue.shift()).toBeUndefined();
  });

  it('drops and returns the oldest item when full', () => {
    const queue = new BoundedQueue<number>(2);
    queue.push(1);
    queue.push(2);
    expect(queue.push(3)).toBe(1);
    expect(queue.push(4)).toBe(2);
    expect(queue.size).toBe(2);
    expect(queue.drain()).toEqual([3, 4]);
  });

  it('stays correct across many pushes and shifts', () => {
    const queue = new BoundedQueue<number>(10);
    const out: number[] = [];
    for (let n = 0; n < 5000; n += 1) {
      queue.push(n);
      if (n % 3 !== 0) out.push(queue.shift() as number);
    }
    out.push(...queue.drain());
    expect(out).toEqual([...out].sort((a, b) => a - b));
    expect(new Set(out).size).toBe(out.length);
  });

  it('rejects a capacity below 1', () => {
    expect(() => new BoundedQueue(0)).toThrow(RangeError);
  });
});

/**
 * A FIFO queue that never holds more than `capacity` items: pushing onto a full queue drops the oldest
 * item and returns it, so the caller can account for what was lost.
 */
export class BoundedQueue<T> {
  private items: T[] = [];
  private head = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
    }
  }

  get size(): number {
    return this.items.length - this.head;
  }

  /** Adds `item`; returns the oldest item when it had to be dropped to make room. */
  push(item: T): T | undefined {
    let dropped: T | undefined;
    if (this.size >= this.capacity) dropped = this.shift();
    this.items.push(item);
    return dropped;
  }

  shift(): T | undefined {
    if (this.size === 0) return undefined;
    const item = this.items[this.head] as T;
    this.head += 1;
    // Compact now and then so a long-lived queue does not keep consumed slots alive.
    if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  /** Everything queued, oldest first, without removing it. */
  peekAll(): readonly T[] {
    return this.items.slice(this.head);
  }

  /** Removes and returns everything, oldest first. */
  drain(): T[] {
    const all = this.items.slice(this.head);
    this.items = [];
    this.head = 0;
    return all;
  }
}

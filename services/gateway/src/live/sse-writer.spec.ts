import { SseSink, SseWriter } from './sse-writer';

/** A socket that accepts `room` writes, then reports full until `drain()`. */
class FakeSink implements SseSink {
  readonly written: string[] = [];
  private drainListener?: () => void;
  constructor(public room: number) {}

  write(chunk: string): boolean {
    this.written.push(chunk);
    this.room -= 1;
    return this.room > 0;
  }

  once(_event: 'drain', listener: () => void): void {
    this.drainListener = listener;
  }

  drain(room: number): void {
    this.room = room;
    const listener = this.drainListener;
    this.drainListener = undefined;
    listener?.();
  }
}

const line = (seq: number) => ({ seq, deploymentId: 'd1', source: 'build' as const });

describe('SseWriter', () => {
  it('writes straight through while the socket takes it', () => {
    const sink = new FakeSink(100);
    const writer = new SseWriter(sink, 2);
    writer.send('a', line(1));
    writer.send('b', line(2));
    expect(sink.written).toEqual(['a', 'b']);
    expect(writer.isBlocked).toBe(false);
  });

  it('queues at most maxPending frames while full and reports the dropped ones as skipped on drain', async () => {
    const sink = new FakeSink(1);
    const writer = new SseWriter(sink, 2);
    writer.send('1', line(1)); // fills the socket
    for (let seq = 2; seq <= 6; seq += 1) writer.send(String(seq), line(seq));
    writer.ping(); // dropped while full
    expect(writer.pendingCount).toBe(2);
    const writable = writer.writable();

    sink.drain(100);
    await writable;
    expect(sink.written).toEqual([
      '1',
      'event: skipped\ndata: {"deploymentId":"d1","source":"build","from":2,"to":4,"count":3}\n\n',
      '5',
      '6',
    ]);
    expect(writer.isBlocked).toBe(false);
  });

  it('stops flushing when the socket fills again, and keeps order', () => {
    const sink = new FakeSink(1);
    const writer = new SseWriter(sink, 10);
    ['1', '2', '3', '4'].forEach((frame, index) => writer.send(frame, line(index + 1)));
    sink.drain(1);
    expect(sink.written).toEqual(['1', '2']);
    sink.drain(100);
    expect(sink.written).toEqual(['1', '2', '3', '4']);
  });

  it('writes nothing after close and releases waiters', async () => {
    const sink = new FakeSink(1);
    const writer = new SseWriter(sink, 10);
    writer.send('1');
    writer.send('2');
    const writable = writer.writable();
    writer.close();
    await writable;
    writer.send('3');
    expect(sink.written).toEqual(['1']);
  });
});

import { BuildQueue } from './build-queue';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

describe('BuildQueue', () => {
  it('runs no more builds at once than its concurrency, in arrival order', async () => {
    const started: string[] = [];
    const gates = new Map<string, ReturnType<typeof deferred>>();
    const queue = new BuildQueue(2, async (id) => {
      started.push(id);
      const gate = deferred();
      gates.set(id, gate);
      await gate.promise;
    });
    ['a', 'b', 'c', 'd'].forEach((id) => queue.enqueue(id));
    expect(started).toEqual(['a', 'b']);
    expect(queue.length).toBe(2);

    gates.get('b')?.resolve();
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual(['a', 'b', 'c']);
    expect(queue.active).toBe(2);
  });

  it('tells waiting builds their position whenever it changes', () => {
    const announcements: Array<Record<string, number>> = [];
    const queue = new BuildQueue(
      1,
      () => new Promise(() => undefined),
      (positions) => announcements.push(Object.fromEntries(positions)),
    );
    queue.enqueue('a');
    queue.enqueue('b');
    queue.enqueue('c');
    queue.cancel('b', 'user');
    expect(announcements.at(-1)).toEqual({ c: 0 });
    expect(announcements).toContainEqual({ b: 0, c: 1 });
  });

  it('aborts a running build through its signal and removes a waiting one without running it', async () => {
    const signals = new Map<string, AbortSignal>();
    const ran: string[] = [];
    const queue = new BuildQueue(1, (id, signal) => {
      ran.push(id);
      signals.set(id, signal);
      return new Promise((resolve) => signal.addEventListener('abort', () => resolve()));
    });
    queue.enqueue('running');
    queue.enqueue('waiting');
    expect(queue.cancel('waiting', 'user')).toBe('dequeued');
    expect(queue.cancel('running', 'user')).toBe('aborted');
    expect(signals.get('running')?.aborted).toBe(true);
    expect(signals.get('running')?.reason).toBe('user');
    expect(queue.cancel('never-seen', 'user')).toBe('unknown');
    await new Promise((resolve) => setImmediate(resolve));
    expect(ran).toEqual(['running']);
  });

  it('ignores a build that is already queued or running', () => {
    const ran: string[] = [];
    const queue = new BuildQueue(1, (id) => {
      ran.push(id);
      return new Promise(() => undefined);
    });
    queue.enqueue('a');
    queue.enqueue('a');
    queue.enqueue('b');
    queue.enqueue('b');
    expect(ran).toEqual(['a']);
    expect(queue.length).toBe(1);
  });
});

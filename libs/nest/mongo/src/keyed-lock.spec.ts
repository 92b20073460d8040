import { KeyedLock } from './keyed-lock';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('KeyedLock', () => {
  it('runs work for one key at a time, in arrival order, and other keys in parallel', async () => {
    const locks = new KeyedLock();
    const events: string[] = [];
    let releaseFirst!: () => void;
    const first = locks.run('a', async () => {
      events.push('a1 start');
      await new Promise<void>((resolve) => (releaseFirst = resolve));
      events.push('a1 end');
    });
    const second = locks.run('a', async () => {
      events.push('a2');
    });
    const other = locks.run('b', async () => {
      events.push('b1');
    });
    await other;
    await tick();
    expect(events).toEqual(['a1 start', 'b1']);
    expect(locks.busy('a')).toBe(true);
    releaseFirst();
    await Promise.all([first, second]);
    expect(events).toEqual(['a1 start', 'b1', 'a1 end', 'a2']);
    await tick();
    expect(locks.busy('a')).toBe(false);
  });

  it('goes on with the next piece of work after one fails, and hands the failure to its caller', async () => {
    const locks = new KeyedLock();
    const failed = locks.run('a', async () => {
      throw new Error('boom');
    });
    const next = locks.run('a', async () => 'done');
    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe('done');
  });
});

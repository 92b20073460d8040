import { AppLocks } from './app-locks';

describe('AppLocks', () => {
  it('runs work for the same app one at a time, in the order it arrived', async () => {
    const locks = new AppLocks();
    const order: string[] = [];
    const step = (name: string, ms: number) =>
      locks.run('app-1', async () => {
        order.push(`${name} start`);
        await new Promise((resolve) => setTimeout(resolve, ms));
        order.push(`${name} end`);
        return name;
      });
    await expect(Promise.all([step('a', 30), step('b', 1), step('c', 10)])).resolves.toEqual(['a', 'b', 'c']);
    expect(order).toEqual(['a start', 'a end', 'b start', 'b end', 'c start', 'c end']);
  });

  it('lets different apps run at the same time and keeps going after a failure', async () => {
    const locks = new AppLocks();
    const order: string[] = [];
    const slow = locks.run('app-1', async () => {
      await new Promise((resolve) => setTimeout(resolve, 30));
      order.push('app-1');
    });
    await locks.run('app-2', async () => {
      order.push('app-2');
    });
    await slow;
    expect(order).toEqual(['app-2', 'app-1']);
    await expect(locks.run('app-1', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(locks.run('app-1', async () => 'next')).resolves.toBe('next');
  });
});

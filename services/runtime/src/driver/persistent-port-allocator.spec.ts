import { Model } from 'mongoose';
import { PortAllocation } from '../state/schemas/port-allocation.schema';
import { PersistentPortAllocator } from './persistent-port-allocator';

/** A stand-in for the collection that enforces the unique index on `port`, as the database does. */
function fakeAllocations(taken: number[] = []) {
  const ports = new Set(taken);
  const model = {
    create: async ({ port }: { port: number }) => {
      await new Promise((resolve) => setImmediate(resolve));
      if (ports.has(port)) throw Object.assign(new Error('E11000 duplicate key'), { code: 11000 });
      ports.add(port);
      return { port };
    },
    deleteOne: ({ port }: { port: number }) => ({ exec: async () => ports.delete(port) }),
  };
  return { ports, model: model as unknown as Model<PortAllocation> };
}

describe('PersistentPortAllocator', () => {
  it('never hands the same port to concurrent callers, and records each one', async () => {
    const { ports, model } = fakeAllocations();
    const allocator = new PersistentPortAllocator(model, { from: 40000, to: 40019 }, async () => true);
    const allocated = await Promise.all(Array.from({ length: 20 }, () => allocator.allocate()));
    expect(new Set(allocated).size).toBe(20);
    expect(ports.size).toBe(20);
    await expect(allocator.allocate()).rejects.toThrow('No free host port left in 40000-40019');
  });

  it('skips ports recorded by someone else and ports in use on the host', async () => {
    const { model } = fakeAllocations([40000, 40001]);
    const allocator = new PersistentPortAllocator(
      model,
      { from: 40000, to: 40003 },
      async (port) => port !== 40002,
    );
    expect(await allocator.allocate()).toBe(40003);
  });

  it('gives a released port back to the range', async () => {
    const { ports, model } = fakeAllocations([40000]);
    const allocator = new PersistentPortAllocator(model, { from: 40000, to: 40000 }, async () => true);
    allocator.release(40000);
    await new Promise((resolve) => setImmediate(resolve));
    expect(ports.has(40000)).toBe(false);
    expect(await allocator.allocate()).toBe(40000);
  });
});

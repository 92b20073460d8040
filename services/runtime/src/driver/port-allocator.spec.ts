import { AddressInfo, createServer, Server } from 'node:net';

import { InMemoryPortAllocator } from './port-allocator';

async function occupy(): Promise<{ server: Server; port: number }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

describe('InMemoryPortAllocator', () => {
  it('hands out 50 distinct ports to 50 parallel allocations', async () => {
    // A probe that yields to other callers before answering, so allocations really interleave.
    const allocator = new InMemoryPortAllocator({ from: 40000, to: 40049 }, async () => {
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5));
      return true;
    });
    const ports = await Promise.all(Array.from({ length: 50 }, () => allocator.allocate()));
    expect(new Set(ports).size).toBe(50);
    await expect(allocator.allocate()).rejects.toThrow('No free host port left in 40000-40049');
  });

  it('hands out distinct ports in parallel with the real host probe', async () => {
    const allocator = new InMemoryPortAllocator({ from: 41000, to: 41199 });
    const ports = await Promise.all(Array.from({ length: 50 }, () => allocator.allocate()));
    expect(new Set(ports).size).toBe(50);
  });

  it('skips a port something on the host already listens on', async () => {
    const { server, port } = await occupy();
    try {
      const allocator = new InMemoryPortAllocator({ from: port, to: Math.min(port + 20, 65535) });
      expect(await allocator.allocate()).not.toBe(port);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('hands a released port out again', async () => {
    const allocator = new InMemoryPortAllocator({ from: 42000, to: 42000 }, async () => true);
    const port = await allocator.allocate();
    await expect(allocator.allocate()).rejects.toThrow();
    allocator.release(port);
    await expect(allocator.allocate()).resolves.toBe(port);
  });

  it('rejects an empty or impossible range', () => {
    expect(() => new InMemoryPortAllocator({ from: 5000, to: 4000 })).toThrow('is empty');
    expect(() => new InMemoryPortAllocator({ from: 0, to: 70000 })).toThrow('within 1-65535');
  });
});

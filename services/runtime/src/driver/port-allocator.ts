import { createServer } from 'node:net';

/** Hands out host ports for instances to publish on 127.0.0.1. */
export interface PortAllocator {
  /** A port nobody else holds; throws when none is left. */
  allocate(): Promise<number>;
  /** Gives a port back (unknown ports are ignored). */
  release(port: number): void;
}

export interface PortRange {
  from: number;
  /** Inclusive. */
  to: number;
}

/** Whether 127.0.0.1:port can be bound right now. */
export function isPortFreeOnHost(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/**
 * Allocates from a range in memory. A port is reserved before it is probed, so concurrent calls never get the
 * same one; ports something on the host already listens on are skipped. The cursor moves round the range so
 * a port just released is not handed out again at once. State lives in this process only.
 */
export class InMemoryPortAllocator implements PortAllocator {
  private readonly held = new Set<number>();
  private cursor: number;

  constructor(
    private readonly range: PortRange,
    private readonly isFree: (port: number) => Promise<boolean> = isPortFreeOnHost,
  ) {
    if (!Number.isInteger(range.from) || !Number.isInteger(range.to) || range.from < 1 || range.to > 65535) {
      throw new Error(`Port range ${range.from}-${range.to} is not within 1-65535`);
    }
    if (range.from > range.to) throw new Error(`Port range ${range.from}-${range.to} is empty`);
    this.cursor = range.from;
  }

  private get size(): number {
    return this.range.to - this.range.from + 1;
  }

  async allocate(): Promise<number> {
    for (let tried = 0; tried < this.size; tried++) {
      const port = this.cursor;
      this.cursor = port === this.range.to ? this.range.from : port + 1;
      if (this.held.has(port)) continue;
      this.held.add(port);
      if (await this.isFree(port)) return port;
      this.held.delete(port);
    }
    throw new Error(`No free host port left in ${this.range.from}-${this.range.to}`);
  }

  release(port: number): void {
    this.held.delete(port);
  }
}

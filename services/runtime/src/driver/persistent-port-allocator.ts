import { Logger } from '@nestjs/common';
import { isDuplicateKeyError } from '@slipway/nest-mongo';
import { Model } from 'mongoose';
import { PortAllocation } from '../state/schemas/port-allocation.schema';
import { isPortFreeOnHost, PortAllocator, PortRange } from './port-allocator';

/**
 * Allocates host ports from a range and records each in the database under a unique index, so allocations
 * survive restarts and two concurrent releases (even in two runtime processes) never get the same port: the
 * loser of a race gets a duplicate-key error and moves on. Starts at a random place in the range so
 * concurrent callers rarely contend for the same port at all.
 */
export class PersistentPortAllocator implements PortAllocator {
  private readonly logger = new Logger(PersistentPortAllocator.name);

  constructor(
    private readonly allocations: Model<PortAllocation>,
    private readonly range: PortRange,
    private readonly isFree: (port: number) => Promise<boolean> = isPortFreeOnHost,
  ) {
    if (range.from > range.to) throw new Error(`Port range ${range.from}-${range.to} is empty`);
  }

  async allocate(): Promise<number> {
    const size = this.range.to - this.range.from + 1;
    const start = Math.floor(Math.random() * size);
    for (let tried = 0; tried < size; tried++) {
      const port = this.range.from + ((start + tried) % size);
      if (!(await this.isFree(port))) continue;
      try {
        await this.allocations.create({ port, allocatedAt: new Date() });
        return port;
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
      }
    }
    throw new Error(`No free host port left in ${this.range.from}-${this.range.to}`);
  }

  release(port: number): void {
    this.allocations
      .deleteOne({ port })
      .exec()
      .catch((error: Error) => this.logger.warn(`Port ${port} stays recorded: ${error.message}`));
  }

  /** Forgets allocations older than `olderThan` that no instance holds (left by a crash mid-start). */
  async releaseUnused(inUse: ReadonlySet<number>, olderThan: Date): Promise<number> {
    const stale = await this.allocations.find({ allocatedAt: { $lt: olderThan } }).exec();
    const unused = stale.map((allocation) => allocation.port).filter((port) => !inUse.has(port));
    if (unused.length > 0) await this.allocations.deleteMany({ port: { $in: unused } }).exec();
    return unused.length;
  }
}

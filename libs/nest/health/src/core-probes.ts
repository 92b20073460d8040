import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { NatsConnectionProvider } from '@slipway/nest-messaging';
import { Connection } from 'mongoose';
import { DependencyProbe, DependencyProbes } from './dependency-probe';

@Injectable()
export class DatabaseProbe implements DependencyProbe, OnModuleInit {
  readonly name = 'database' as const;

  constructor(
    @InjectConnection() private readonly connection: Connection,
    private readonly probes: DependencyProbes,
  ) {}

  onModuleInit(): void {
    this.probes.add(this);
  }

  async check(): Promise<string> {
    const db = this.connection.db;
    if (!db || this.connection.readyState !== 1) throw new Error('not connected');
    await db.admin().ping();
    return db.databaseName;
  }
}

@Injectable()
export class NatsProbe implements DependencyProbe, OnModuleInit {
  readonly name = 'nats' as const;

  constructor(
    private readonly nats: NatsConnectionProvider,
    private readonly probes: DependencyProbes,
  ) {}

  onModuleInit(): void {
    this.probes.add(this);
  }

  async check(): Promise<string> {
    if (!this.nats.isConnected()) throw new Error('not connected');
    const connection = await this.nats.get();
    const rtt = await connection.rtt();
    return `${connection.getServer()} rtt ${rtt} ms`;
  }
}

import { Injectable, OnModuleInit } from '@nestjs/common';
import { ALL_STREAMS } from '@slipway/contracts';
import { NatsConnectionProvider } from './nats-connection';
import { ensureStreams } from './streams.setup';

/** Every service makes sure the declared streams exist before it publishes or consumes. */
@Injectable()
export class JetStreamSetup implements OnModuleInit {
  constructor(private readonly nats: NatsConnectionProvider) {}

  async onModuleInit(): Promise<void> {
    await ensureStreams(await this.nats.jetStreamManager(), ALL_STREAMS);
  }
}

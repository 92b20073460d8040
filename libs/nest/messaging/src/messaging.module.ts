import { DynamicModule, Global, Module } from '@nestjs/common';
import { ArchiveStore } from './archive-store';
import { DurableConsumers } from './durable-consumer';
import { EventPublisher } from './event-publisher';
import { JetStreamSetup } from './jetstream-setup';
import { MESSAGING_OPTIONS, MessagingOptions } from './messaging.options';
import { NatsConnectionProvider } from './nats-connection';
import { RpcClient } from './rpc-client';

/**
 * NATS for one service: its connection, the JetStream streams, a publisher, durable consumers and an RPC
 * client. The RPC server side (tracing interceptor, error filter) is attached to the microservice in
 * bootstrapService, not globally, so it never touches HTTP requests.
 */
@Global()
@Module({})
export class MessagingModule {
  static forService(options: MessagingOptions): DynamicModule {
    return {
      module: MessagingModule,
      providers: [
        { provide: MESSAGING_OPTIONS, useValue: options },
        NatsConnectionProvider,
        JetStreamSetup,
        EventPublisher,
        DurableConsumers,
        RpcClient,
        ArchiveStore,
      ],
      exports: [NatsConnectionProvider, EventPublisher, DurableConsumers, RpcClient, ArchiveStore],
    };
  }
}

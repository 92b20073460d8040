import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { BaseServiceConfig } from '@slipway/nest-config';
import { connect, JetStreamClient, JetStreamManager, NatsConnection } from 'nats';
import { MESSAGING_OPTIONS, MessagingOptions } from './messaging.options';

/**
 * The service's own connection to NATS, used for JetStream and core pub/sub (the Nest microservice
 * transport keeps its own connection for request/reply). It reconnects forever: NATS restarting must
 * never take a service down, and drains on shutdown so in-flight messages are delivered.
 */
@Injectable()
export class NatsConnectionProvider implements OnApplicationShutdown {
  private readonly logger = new Logger(NatsConnectionProvider.name);
  private connection?: NatsConnection;
  private connecting?: Promise<NatsConnection>;

  constructor(
    private readonly config: BaseServiceConfig,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
  ) {}

  async get(): Promise<NatsConnection> {
    if (this.connection) return this.connection;
    this.connecting ??= connect({
      servers: this.config.NATS_URL,
      name: `slipway-${this.options.service}`,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 500,
      waitOnFirstConnect: true,
    }).then((connection) => {
      this.connection = connection;
      void this.watchStatus(connection);
      return connection;
    });
    return this.connecting;
  }

  async jetStream(): Promise<JetStreamClient> {
    return (await this.get()).jetstream();
  }

  async jetStreamManager(): Promise<JetStreamManager> {
    return (await this.get()).jetstreamManager();
  }

  /** True while the connection is open and not reconnecting. */
  isConnected(): boolean {
    return Boolean(this.connection && !this.connection.isClosed() && !this.reconnecting);
  }

  private reconnecting = false;

  private async watchStatus(connection: NatsConnection): Promise<void> {
    for await (const status of connection.status()) {
      if (status.type === 'disconnect' || status.type === 'reconnecting') this.reconnecting = true;
      if (status.type === 'reconnect') this.reconnecting = false;
      if (status.type === 'disconnect' || status.type === 'reconnect') {
        this.logger.warn(`NATS ${status.type}: ${String(status.data)}`);
      }
    }
  }

  async onApplicationShutdown(): Promise<void> {
    const connection = this.connection;
    this.connection = undefined;
    if (connection && !connection.isClosed()) {
      await connection
        .drain()
        .catch((error: Error) => this.logger.warn(`NATS drain failed: ${error.message}`));
    }
  }
}

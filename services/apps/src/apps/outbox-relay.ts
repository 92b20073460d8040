import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AppsConfig } from '../config/apps.config';
import { AppsService } from './apps.service';

/**
 * An app is stored before its event is published; if NATS was unreachable in between, this relay
 * publishes the event later (same message id, so never twice). Nothing the apps service promised is lost.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private timer?: NodeJS.Timeout;
  private running = false;

  constructor(
    private readonly apps: AppsService,
    private readonly config: AppsConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.relay(), this.config.OUTBOX_RELAY_INTERVAL_MS);
    this.timer.unref();
  }

  private async relay(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const published = await this.apps.relayUnpublishedEvents(this.config.OUTBOX_RELAY_INTERVAL_MS);
      if (published > 0) this.logger.log(`Relayed ${published} deferred app.created.v1 event(s)`);
    } catch (error) {
      this.logger.warn(`Outbox relay failed, will retry: ${(error as Error).message}`);
    } finally {
      this.running = false;
    }
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }
}

import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AppsConfig } from '../config/apps.config';
import { Outbox } from '../outbox/outbox.service';
import { AppsService } from './apps.service';

/**
 * An app (or a command about it) is stored before its event is published; if NATS was unreachable in
 * between, this relay publishes the event later (same message id, so never twice). Nothing the apps
 * service promised is lost.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private timer?: NodeJS.Timeout;
  private running = false;

  constructor(
    private readonly apps: AppsService,
    private readonly outbox: Outbox,
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
      const interval = this.config.OUTBOX_RELAY_INTERVAL_MS;
      const created = await this.apps.relayUnpublishedEvents(interval);
      const commands = await this.outbox.relay(interval);
      if (created + commands > 0) this.logger.log(`Relayed ${created + commands} deferred event(s)`);
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

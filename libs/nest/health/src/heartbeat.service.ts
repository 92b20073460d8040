import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { EventSubjects, HeartbeatEvent } from '@slipway/contracts';
import { BaseServiceConfig } from '@slipway/nest-config';
import { EventPublisher } from '@slipway/nest-messaging';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { DependencyProbes } from './dependency-probe';
import { HEALTH_OPTIONS, HealthOptions } from './health.options';

/** What a service adds to its heartbeat beyond the common fields, read at each beat. */
export type HeartbeatReport = () => Pick<HeartbeatEvent, 'buildQueue'>;

/** Publishes `health.heartbeat.v1` every HEARTBEAT_INTERVAL_MS with the state of each dependency. */
@Injectable()
export class HeartbeatService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(HeartbeatService.name);
  private readonly startedAt = new Date();
  readonly instanceId = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  private timer?: NodeJS.Timeout;
  private readonly reports: HeartbeatReport[] = [];

  constructor(
    @Inject(HEALTH_OPTIONS) private readonly options: HealthOptions,
    private readonly config: BaseServiceConfig,
    private readonly probes: DependencyProbes,
    private readonly publisher: EventPublisher,
  ) {}

  onApplicationBootstrap(): void {
    void this.beat();
    this.timer = setInterval(() => void this.beat(), this.config.HEARTBEAT_INTERVAL_MS);
    this.timer.unref();
  }

  /** Adds a service's own figures (the builder's queue) to every heartbeat from now on. */
  addReport(report: HeartbeatReport): void {
    this.reports.push(report);
  }

  async current(): Promise<HeartbeatEvent> {
    const reported = this.reports.reduce<ReturnType<HeartbeatReport>>(
      (all, report) => ({ ...all, ...report() }),
      {},
    );
    return {
      ...reported,
      service: this.options.service,
      instanceId: this.instanceId,
      version: this.options.version,
      startedAt: this.startedAt.toISOString(),
      uptimeSeconds: Math.round((Date.now() - this.startedAt.getTime()) / 1000),
      sentAt: new Date().toISOString(),
      intervalMs: this.config.HEARTBEAT_INTERVAL_MS,
      dependencies: await this.probes.checkAll(),
    };
  }

  private async beat(): Promise<void> {
    try {
      await this.publisher.signal(EventSubjects.HealthHeartbeat, await this.current());
    } catch (error) {
      this.logger.warn(`Heartbeat not sent: ${(error as Error).message}`);
    }
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }
}

import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import {
  Actor,
  AppDeletedEvent,
  AppDto,
  AppLifecycleRequestedEvent,
  AppPowerAction,
  AppScaleRequestedEvent,
  EventSubjects,
  LifecycleAcceptedDto,
} from '@slipway/contracts';
import { DomainError } from '@slipway/nest-messaging';
import { Types } from 'mongoose';
import { toAppDto } from '../apps/app.mapper';
import { AppsService } from '../apps/apps.service';
import { AppDocument } from '../apps/schemas/app.schema';
import { AppsConfig } from '../config/apps.config';
import { DeploymentsService } from '../deployments/deployments.service';
import { EnvVarStore } from '../env-vars/env-var.store';
import { NotificationsService } from '../notifications/notifications.service';
import { Outbox } from '../outbox/outbox.service';

const POWER_SUBJECTS: Record<AppPowerAction, string> = {
  stop: EventSubjects.AppStopRequested,
  start: EventSubjects.AppStartRequested,
  restart: EventSubjects.AppRestartRequested,
};

/**
 * Commands about a running app (stop, start, restart, scale, domains) and its deletion. Each is stored in
 * the outbox and published to the runtime; the runtime's result events update the app and its deployment.
 */
@Injectable()
export class LifecycleService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(LifecycleService.name);
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly apps: AppsService,
    private readonly deployments: DeploymentsService,
    private readonly envVars: EnvVarStore,
    private readonly outbox: Outbox,
    private readonly notifications: NotificationsService,
    private readonly config: AppsConfig,
  ) {}

  async power(actor: Actor, appId: string, action: AppPowerAction): Promise<LifecycleAcceptedDto> {
    const app = await this.requireReleased(actor, appId, action);
    await this.apps.setFields(appId, { desiredState: action === 'stop' ? 'stopped' : 'running' });
    return this.send(app, action, POWER_SUBJECTS[action], {});
  }

  async scale(actor: Actor, appId: string, replicas: number): Promise<LifecycleAcceptedDto> {
    const app = await this.requireReleased(actor, appId, 'scale');
    await this.apps.setFields(appId, { replicas });
    return this.send(app, 'scale', EventSubjects.AppScaleRequested, {
      replicas,
    } satisfies Partial<AppScaleRequestedEvent>);
  }

  async setDomains(actor: Actor, appId: string, domains: string[]): Promise<AppDto> {
    const app = await this.apps.findOwned(actor, appId);
    await this.apps.setFields(appId, { domains: [...new Set(domains)] });
    const updated = (await this.apps.findById(appId)) ?? app;
    await this.apps.announceDomains(updated);
    return toAppDto(updated);
  }

  /**
   * Deletes the app for its owner at once (it disappears from every query) and tells everyone through
   * `app.deleted.v1`: the runtime removes containers and routes, the builder images, logs its lines. The
   * app's own records go as soon as the event is stored in the outbox.
   */
  async delete(actor: Actor, appId: string): Promise<void> {
    const app = await this.apps.findOwned(actor, appId);
    await this.apps.markDeleted(app);
    const event: AppDeletedEvent = { appId, appName: app.name, deletedAt: new Date().toISOString() };
    await this.outbox.send({
      subject: EventSubjects.AppDeleted,
      payload: event,
      messageId: `app.deleted:${appId}`,
    });
    await this.finishDeletion(appId);
  }

  private async finishDeletion(appId: string): Promise<void> {
    await this.deployments.removeForApp(appId);
    await this.envVars.removeAll(appId);
    await this.notifications.removeAll(appId);
    await this.apps.removeDeleted(appId);
  }

  /** A crash half-way through a deletion is finished here at start-up and then periodically. */
  onApplicationBootstrap(): void {
    const resume = async () => {
      try {
        for (const appId of await this.apps.deletedAppIds()) await this.finishDeletion(appId);
      } catch (error) {
        this.logger.warn(`Finishing deletions failed, will retry: ${(error as Error).message}`);
      }
    };
    void resume();
    this.timer = setInterval(() => void resume(), this.config.OUTBOX_RELAY_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  private async requireReleased(actor: Actor, appId: string, operation: string): Promise<AppDocument> {
    const app = await this.apps.findOwned(actor, appId);
    if (!app.currentDeploymentId) {
      throw DomainError.conflict(
        `App ${app.name} has never been released, so it cannot ${operation} yet: deploy it first.`,
      );
    }
    return app;
  }

  private async send(
    app: AppDocument,
    operation: string,
    subject: string,
    extra: object,
  ): Promise<LifecycleAcceptedDto> {
    const operationId = new Types.ObjectId().toHexString();
    const acceptedAt = new Date().toISOString();
    const payload: AppLifecycleRequestedEvent = {
      operationId,
      appId: app._id.toHexString(),
      appName: app.name,
      requestedAt: acceptedAt,
      ...extra,
    };
    await this.outbox.send({ subject, payload, messageId: `${subject}:${operationId}` });
    return { appId: payload.appId, operationId, operation, acceptedAt };
  }
}

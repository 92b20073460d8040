import { Injectable, Logger } from '@nestjs/common';
import { DeployRequestedEvent, PayloadValidationError } from '@slipway/contracts';
import { AppsService } from '../apps/apps.service';
import { DeploymentsService, sourceProblems } from './deployments.service';

/**
 * `deploy.requested.v1` from any internal system. A request that cannot be carried out (unknown app, a
 * ref for an image app ...) is refused with PayloadValidationError, which parks it at once with the
 * reason; a repeated idempotency key finds the first deployment and deploys nothing.
 */
@Injectable()
export class DeployRequestsService {
  private readonly logger = new Logger(DeployRequestsService.name);

  constructor(
    private readonly apps: AppsService,
    private readonly deployments: DeploymentsService,
  ) {}

  async handle(event: DeployRequestedEvent): Promise<void> {
    const app = event.appId
      ? await this.apps.findById(event.appId)
      : await this.apps.findByName(event.appName ?? '');
    if (!app) {
      const which = event.appId ? `id "${event.appId}"` : `name "${event.appName}"`;
      throw new PayloadValidationError('DeployRequestedEvent', [`no app with ${which}`]);
    }
    const problems = sourceProblems(app, event);
    if (problems.length > 0) throw new PayloadValidationError('DeployRequestedEvent', problems);
    const deployment = await this.deployments.request({
      app,
      trigger: 'event',
      requestedBy: event.requestedBy,
      idempotencyKey: `event:${event.idempotencyKey}`,
      message: event.message ?? null,
      ...(event.ref ? { ref: event.ref } : {}),
      ...(event.image ? { image: event.image } : {}),
    });
    this.logger.log(
      `deploy.requested.v1 from ${event.requestedBy} → deployment ${deployment._id.toHexString()} of ${app.name}`,
    );
  }
}

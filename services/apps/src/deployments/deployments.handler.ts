import { Controller, OnModuleInit } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  AppLifecycleResultEvent,
  BuildFailedEvent,
  BuildProgressedEvent,
  BuildSucceededEvent,
  Consumers,
  DeployAppRequest,
  DeploymentDto,
  DeploymentListDto,
  DeploymentRequest,
  DeploymentStatusDto,
  DeployRequestedEvent,
  ListAppDeploymentsRequest,
  parsePayload,
  QuerySubjects,
  RedeployAppRequest,
  ReleaseFailedEvent,
  ReleaseListDto,
  ReleaseLiveEvent,
  ReleaseProgressedEvent,
  RollbackAppRequest,
} from '@slipway/contracts';
import { DurableConsumers } from '@slipway/nest-messaging';
import { DeployRequestsService } from './deploy-requests.service';
import { DeploymentEventsService } from './deployment-events.service';
import { DeploymentsService } from './deployments.service';

/** Deployments over request/reply, and the events that drive them from JetStream. */
@Controller()
export class DeploymentsHandler implements OnModuleInit {
  constructor(
    private readonly deployments: DeploymentsService,
    private readonly events: DeploymentEventsService,
    private readonly deployRequests: DeployRequestsService,
    private readonly consumers: DurableConsumers,
  ) {}

  onModuleInit(): void {
    const register = this.consumers.register.bind(this.consumers);
    register(Consumers.AppsOnDeployRequested, DeployRequestedEvent, (event) =>
      this.deployRequests.handle(event),
    );
    register(Consumers.AppsOnBuildProgressed, BuildProgressedEvent, (event) =>
      this.events.onBuildProgressed(event),
    );
    register(Consumers.AppsOnBuildSucceeded, BuildSucceededEvent, (event) =>
      this.events.onBuildSucceeded(event),
    );
    register(Consumers.AppsOnBuildFailed, BuildFailedEvent, (event) => this.events.onBuildFailed(event));
    register(Consumers.AppsOnReleaseProgressed, ReleaseProgressedEvent, (event) =>
      this.events.onReleaseProgressed(event),
    );
    register(Consumers.AppsOnReleaseLive, ReleaseLiveEvent, (event) => this.events.onReleaseLive(event));
    register(Consumers.AppsOnReleaseFailed, ReleaseFailedEvent, (event) =>
      this.events.onReleaseFailed(event),
    );
    register(Consumers.AppsOnAppStopped, AppLifecycleResultEvent, (event) =>
      this.events.onAppPower(event, false),
    );
    register(Consumers.AppsOnAppStarted, AppLifecycleResultEvent, (event) =>
      this.events.onAppPower(event, true),
    );
    register(Consumers.AppsOnAppScaled, AppLifecycleResultEvent, (event) => this.events.onAppScaled(event));
    register(Consumers.AppsOnLifecycleFailed, AppLifecycleResultEvent, (event) =>
      this.events.onLifecycleFailed(event),
    );
  }

  @MessagePattern(QuerySubjects.DeploymentsCreate)
  create(@Payload() payload: unknown): Promise<DeploymentDto> {
    return this.deployments.deploy(parsePayload(DeployAppRequest, payload));
  }

  @MessagePattern(QuerySubjects.DeploymentsRedeploy)
  redeploy(@Payload() payload: unknown): Promise<DeploymentDto> {
    const request = parsePayload(RedeployAppRequest, payload);
    return this.deployments.redeploy(request.actor, request.appId, request.idempotencyKey);
  }

  @MessagePattern(QuerySubjects.DeploymentsRollback)
  rollback(@Payload() payload: unknown): Promise<DeploymentDto> {
    const request = parsePayload(RollbackAppRequest, payload);
    return this.deployments.rollback(request.actor, request.appId, request.releaseId);
  }

  @MessagePattern(QuerySubjects.DeploymentsCancel)
  cancel(@Payload() payload: unknown): Promise<DeploymentDto> {
    const request = parsePayload(DeploymentRequest, payload);
    return this.deployments.cancel(request.actor, request.deploymentId);
  }

  @MessagePattern(QuerySubjects.DeploymentsList)
  list(@Payload() payload: unknown): Promise<DeploymentListDto> {
    return this.deployments.list(parsePayload(ListAppDeploymentsRequest, payload));
  }

  @MessagePattern(QuerySubjects.DeploymentsGet)
  get(@Payload() payload: unknown): Promise<DeploymentDto> {
    const request = parsePayload(DeploymentRequest, payload);
    return this.deployments.get(request.actor, request.deploymentId);
  }

  @MessagePattern(QuerySubjects.DeploymentsStatus)
  status(@Payload() payload: unknown): Promise<DeploymentStatusDto> {
    const request = parsePayload(DeploymentRequest, payload);
    return this.deployments.status(request.actor, request.deploymentId);
  }

  @MessagePattern(QuerySubjects.ReleasesList)
  releases(@Payload() payload: unknown): Promise<ReleaseListDto> {
    return this.deployments.releasesOf(parsePayload(ListAppDeploymentsRequest, payload));
  }
}

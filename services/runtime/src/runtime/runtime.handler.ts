import { Controller, OnModuleInit } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  AppDeletedEvent,
  AppDomainsUpdatedEvent,
  AppLifecycleRequestedEvent,
  AppMetricsDto,
  AppRuntimeStatusDto,
  AppScaleRequestedEvent,
  Consumers,
  parsePayload,
  QuerySubjects,
  ReleaseRequestedEvent,
  RuntimeAppRequest,
  SystemResourcesDto,
  SystemResourcesRequest,
} from '@slipway/contracts';
import { DurableConsumers } from '@slipway/nest-messaging';
import { LifecycleService } from '../lifecycle/lifecycle.service';
import { ReleasesService } from '../releases/releases.service';
import { RuntimeStatusService } from '../status/runtime-status.service';
import { SystemResourcesService } from '../status/system-resources.service';

/** Release and lifecycle requests from JetStream; status, metrics and resources over request/reply. */
@Controller()
export class RuntimeHandler implements OnModuleInit {
  constructor(
    private readonly releases: ReleasesService,
    private readonly lifecycle: LifecycleService,
    private readonly status: RuntimeStatusService,
    private readonly resources: SystemResourcesService,
    private readonly consumers: DurableConsumers,
  ) {}

  onModuleInit(): void {
    this.consumers.register(Consumers.RuntimeOnReleaseRequested, ReleaseRequestedEvent, (request) =>
      this.releases.accept(request),
    );
    this.consumers.register(Consumers.RuntimeOnAppStopRequested, AppLifecycleRequestedEvent, (request) =>
      this.lifecycle.stop(request),
    );
    this.consumers.register(Consumers.RuntimeOnAppStartRequested, AppLifecycleRequestedEvent, (request) =>
      this.lifecycle.start(request),
    );
    this.consumers.register(Consumers.RuntimeOnAppRestartRequested, AppLifecycleRequestedEvent, (request) =>
      this.lifecycle.restart(request),
    );
    this.consumers.register(Consumers.RuntimeOnAppScaleRequested, AppScaleRequestedEvent, (request) =>
      this.lifecycle.scale(request),
    );
    this.consumers.register(Consumers.RuntimeOnAppDomainsUpdated, AppDomainsUpdatedEvent, (request) =>
      this.lifecycle.updateDomains(request),
    );
    this.consumers.register(Consumers.RuntimeOnAppDeleted, AppDeletedEvent, (event) =>
      this.lifecycle.remove(event),
    );
  }

  @MessagePattern(QuerySubjects.RuntimeStatus)
  getStatus(@Payload() payload: unknown): Promise<AppRuntimeStatusDto> {
    return this.status.status(parsePayload(RuntimeAppRequest, payload));
  }

  @MessagePattern(QuerySubjects.RuntimeMetrics)
  getMetrics(@Payload() payload: unknown): Promise<AppMetricsDto> {
    return this.status.metrics(parsePayload(RuntimeAppRequest, payload));
  }

  @MessagePattern(QuerySubjects.RuntimeResources)
  getResources(@Payload() payload: unknown): Promise<SystemResourcesDto> {
    return this.resources.resources(parsePayload(SystemResourcesRequest, payload ?? {}));
  }
}

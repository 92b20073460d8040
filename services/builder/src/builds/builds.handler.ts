import { Controller, OnModuleInit } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  AppDeletedEvent,
  BuildCancelRequestedEvent,
  BuildDto,
  BuildRequestedEvent,
  Consumers,
  GetBuildRequest,
  parsePayload,
  QuerySubjects,
} from '@slipway/contracts';
import { DurableConsumers } from '@slipway/nest-messaging';
import { BuildsService } from './builds.service';

/** Build requests and cancellations from JetStream; build details over request/reply. */
@Controller()
export class BuildsHandler implements OnModuleInit {
  constructor(
    private readonly builds: BuildsService,
    private readonly consumers: DurableConsumers,
  ) {}

  onModuleInit(): void {
    this.consumers.register(Consumers.BuilderOnBuildRequested, BuildRequestedEvent, (request) =>
      this.builds.accept(request),
    );
    this.consumers.register(Consumers.BuilderOnCancelRequested, BuildCancelRequestedEvent, (request) =>
      this.builds.cancel(request.deploymentId, request.reason),
    );
    this.consumers.register(Consumers.BuilderOnAppDeleted, AppDeletedEvent, async (event) => {
      await this.builds.forgetApp(event.appId);
    });
  }

  @MessagePattern(QuerySubjects.BuildsGet)
  get(@Payload() payload: unknown): Promise<BuildDto> {
    return this.builds.get(parsePayload(GetBuildRequest, payload).deploymentId);
  }
}

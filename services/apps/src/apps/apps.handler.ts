import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  AppDto,
  AppListDto,
  CreateAppRequest,
  GetAppRequest,
  ListAppsRequest,
  parsePayload,
  QuerySubjects,
  UpdateAppRequest,
} from '@slipway/contracts';
import { AppsService } from './apps.service';

/** Answers app queries and commands over NATS request/reply; every request names its actor. */
@Controller()
export class AppsHandler {
  constructor(private readonly apps: AppsService) {}

  @MessagePattern(QuerySubjects.AppsCreate)
  create(@Payload() payload: unknown): Promise<AppDto> {
    return this.apps.create(parsePayload(CreateAppRequest, payload));
  }

  @MessagePattern(QuerySubjects.AppsGet)
  get(@Payload() payload: unknown): Promise<AppDto> {
    const request = parsePayload(GetAppRequest, payload);
    return this.apps.get(request.actor, request.id);
  }

  @MessagePattern(QuerySubjects.AppsList)
  list(@Payload() payload: unknown): Promise<AppListDto> {
    return this.apps.list(parsePayload(ListAppsRequest, payload));
  }

  @MessagePattern(QuerySubjects.AppsUpdate)
  update(@Payload() payload: unknown): Promise<AppDto> {
    return this.apps.update(parsePayload(UpdateAppRequest, payload));
  }
}

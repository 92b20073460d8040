import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  AppDto,
  AppListDto,
  CreateAppRequest,
  GetAppRequest,
  parsePayload,
  QuerySubjects,
} from '@slipway/contracts';
import { AppsService } from './apps.service';

/** Answers app queries and commands over NATS request/reply. */
@Controller()
export class AppsHandler {
  constructor(private readonly apps: AppsService) {}

  @MessagePattern(QuerySubjects.AppsCreate)
  create(@Payload() payload: unknown): Promise<AppDto> {
    return this.apps.create(parsePayload(CreateAppRequest, payload));
  }

  @MessagePattern(QuerySubjects.AppsGet)
  get(@Payload() payload: unknown): Promise<AppDto> {
    return this.apps.get(parsePayload(GetAppRequest, payload).id);
  }

  @MessagePattern(QuerySubjects.AppsList)
  async list(): Promise<AppListDto> {
    return { items: await this.apps.list() };
  }
}

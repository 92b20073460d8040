import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  AppDto,
  AppPowerRequest,
  DeleteAppRequest,
  LifecycleAcceptedDto,
  parsePayload,
  QuerySubjects,
  ScaleAppRequest,
  SetDomainsRequest,
} from '@slipway/contracts';
import { LifecycleService } from './lifecycle.service';

@Controller()
export class LifecycleHandler {
  constructor(private readonly lifecycle: LifecycleService) {}

  @MessagePattern(QuerySubjects.AppsPower)
  power(@Payload() payload: unknown): Promise<LifecycleAcceptedDto> {
    const request = parsePayload(AppPowerRequest, payload);
    return this.lifecycle.power(request.actor, request.appId, request.action);
  }

  @MessagePattern(QuerySubjects.AppsScale)
  scale(@Payload() payload: unknown): Promise<LifecycleAcceptedDto> {
    const request = parsePayload(ScaleAppRequest, payload);
    return this.lifecycle.scale(request.actor, request.appId, request.replicas);
  }

  @MessagePattern(QuerySubjects.AppsDomainsSet)
  domains(@Payload() payload: unknown): Promise<AppDto> {
    const request = parsePayload(SetDomainsRequest, payload);
    return this.lifecycle.setDomains(request.actor, request.appId, request.domains);
  }

  @MessagePattern(QuerySubjects.AppsDelete)
  async delete(@Payload() payload: unknown): Promise<{ deleted: true }> {
    const request = parsePayload(DeleteAppRequest, payload);
    await this.lifecycle.delete(request.actor, request.id);
    return { deleted: true };
  }
}

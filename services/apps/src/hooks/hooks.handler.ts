import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  AppHooksDto,
  AppScopedRequest,
  DeployHookRequest,
  GitHubWebhookRequest,
  parsePayload,
  QuerySubjects,
  WebhookResultDto,
} from '@slipway/contracts';
import { HooksService } from './hooks.service';

@Controller()
export class HooksHandler {
  constructor(private readonly hooks: HooksService) {}

  @MessagePattern(QuerySubjects.AppsHooksGet)
  get(@Payload() payload: unknown): Promise<AppHooksDto> {
    const request = parsePayload(AppScopedRequest, payload);
    return this.hooks.hooksOf(request.actor, request.appId);
  }

  @MessagePattern(QuerySubjects.AppsHooksDeploy)
  deploy(@Payload() payload: unknown): Promise<WebhookResultDto> {
    return this.hooks.deployHook(parsePayload(DeployHookRequest, payload));
  }

  @MessagePattern(QuerySubjects.AppsHooksGitHub)
  gitHub(@Payload() payload: unknown): Promise<WebhookResultDto> {
    return this.hooks.gitHub(parsePayload(GitHubWebhookRequest, payload));
  }
}

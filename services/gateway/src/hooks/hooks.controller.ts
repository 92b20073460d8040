import {
  BadRequestException,
  Controller,
  Headers,
  HttpCode,
  Param,
  Post,
  Query,
  Req,
  UnauthorizedException,
} from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { QuerySubjects, WebhookResultDto } from '@slipway/contracts';
import { RpcClient } from '@slipway/nest-messaging';
import type { Request } from 'express';
import { AuditLog } from '../audit/audit-log.service';
import { clientContextOf } from '../auth/client-context';
import { PublicRoute } from '../auth/public-route.decorator';
import { RawBodyRequest } from './raw-body';

/**
 * Deploys triggered by other systems over HTTP. No sign-in: the deploy hook's URL carries its secret, and
 * GitHub deliveries are signed (X-Hub-Signature-256) with the app's webhook secret; apps checks both.
 */
@ApiTags('hooks')
@PublicRoute()
@Controller('hooks')
export class HooksController {
  constructor(
    private readonly rpc: RpcClient,
    private readonly audit: AuditLog,
  ) {}

  @Post('deploy/:appId/:token')
  @HttpCode(202)
  @ApiQuery({
    name: 'ref',
    required: false,
    description: "A branch, tag or commit instead of the app's branch.",
  })
  @ApiOperation({
    summary: 'Deploy hook: a secret URL per app (GET /apps/:id/hooks) that deploys when called',
  })
  async deploy(
    @Req() request: Request,
    @Param('appId') appId: string,
    @Param('token') token: string,
    @Query('ref') ref?: string,
  ): Promise<WebhookResultDto> {
    const result = await this.rpc.request<WebhookResultDto>(QuerySubjects.AppsHooksDeploy, {
      appId,
      token,
      ...(typeof ref === 'string' && ref ? { ref } : {}),
    });
    await this.record(request, 'deployment.hook-called', appId, result);
    return result;
  }

  @Post('github/:appId')
  @HttpCode(202)
  @ApiHeader({ name: 'X-Hub-Signature-256', required: true })
  @ApiHeader({ name: 'X-GitHub-Event', required: true })
  @ApiHeader({ name: 'X-GitHub-Delivery', required: true })
  @ApiOperation({
    summary:
      'GitHub push webhook (content type application/json): deploys pushes to the app branch when auto-deploy is on',
  })
  async gitHub(
    @Req() request: Request,
    @Param('appId') appId: string,
    @Headers('x-github-event') event: string | undefined,
    @Headers('x-github-delivery') deliveryId: string | undefined,
    @Headers('x-hub-signature-256') signature: string | undefined,
  ): Promise<WebhookResultDto> {
    const rawBody = (request as unknown as RawBodyRequest).rawBody;
    if (!rawBody) throw new BadRequestException('Send the webhook with content type application/json.');
    if (!event || !deliveryId) {
      throw new BadRequestException(
        'This is not a GitHub delivery (X-GitHub-Event and X-GitHub-Delivery are required).',
      );
    }
    const result = await this.rpc.request<WebhookResultDto>(QuerySubjects.AppsHooksGitHub, {
      appId,
      event: event.slice(0, 64),
      deliveryId: deliveryId.slice(0, 128),
      signature: (signature ?? '').slice(0, 128),
      bodyBase64: rawBody.toString('base64'),
    });
    await this.record(request, 'deployment.github-webhook', appId, result);
    if (result.outcome === 'refused') throw new UnauthorizedException(result.reason);
    return result;
  }

  private record(request: Request, action: string, appId: string, result: WebhookResultDto): Promise<void> {
    return this.audit.record({
      actor: null,
      action,
      appId,
      ...clientContextOf(request),
      outcome: result.outcome === 'refused' ? 'failure' : 'success',
      details: { outcome: result.outcome, reason: result.reason, deploymentId: result.deploymentId ?? '' },
    });
  }
}

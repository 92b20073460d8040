import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  Actor,
  DeploymentDto,
  DeploymentListDto,
  DeploymentStatusDto,
  QuerySubjects,
  ReleaseListDto,
} from '@slipway/contracts';
import { RpcClient } from '@slipway/nest-messaging';
import type { Request } from 'express';
import { AppAuditTrail } from '../apps/app-audit';
import { PageParams } from '../apps/dto/page.params';
import { RequireScope } from '../auth/auth.decorators';
import type { Authentication } from '../auth/authentication';
import { CurrentActor } from '../auth/current-actor.decorator';
import { CurrentAuthentication } from '../auth/current-authentication.decorator';
import { DeploymentStatusService } from './deployment-status.service';
import { DeployBody, RollbackBody } from './dto/deploy.bodies';

/** Idempotency-Key values: printable, short; anything else is ignored rather than refused. */
function idempotencyKeyOf(header: string | undefined): { idempotencyKey?: string } {
  return header && /^[\x21-\x7e]{1,128}$/.test(header) ? { idempotencyKey: header } : {};
}

@ApiTags('deployments')
@Controller()
export class DeploymentsController {
  constructor(
    private readonly rpc: RpcClient,
    private readonly status: DeploymentStatusService,
    private readonly audit: AppAuditTrail,
  ) {}

  @Post('apps/:id/deployments')
  @RequireScope('deploy')
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'A repeated key returns the first deployment.',
  })
  @ApiOperation({ summary: 'Deploy the app: its branch head, a given branch, tag or commit, or an image' })
  async deploy(
    @CurrentAuthentication() authentication: Authentication,
    @Req() request: Request,
    @Param('id') appId: string,
    @Body() body: DeployBody,
    @Headers('idempotency-key') idempotencyKey?: string,
  ): Promise<DeploymentDto> {
    const { commit, ...rest } = body;
    const deployment = await this.rpc.request<DeploymentDto>(QuerySubjects.DeploymentsCreate, {
      ...rest,
      ...(commit ? { ref: commit } : {}),
      ...idempotencyKeyOf(idempotencyKey),
      actor: authentication.actor,
      appId,
    });
    await this.audit.record(authentication, request, 'deployment.requested', appId, {
      deploymentId: deployment.id,
      ref: deployment.source.ref ?? '',
    });
    return deployment;
  }

  @Post('apps/:id/redeploy')
  @RequireScope('deploy')
  @ApiOperation({
    summary: 'Deploy the same source again (the branch head or image of the latest deployment)',
  })
  async redeploy(
    @CurrentAuthentication() authentication: Authentication,
    @Req() request: Request,
    @Param('id') appId: string,
    @Headers('idempotency-key') idempotencyKey?: string,
  ): Promise<DeploymentDto> {
    const deployment = await this.rpc.request<DeploymentDto>(QuerySubjects.DeploymentsRedeploy, {
      actor: authentication.actor,
      appId,
      ...idempotencyKeyOf(idempotencyKey),
    });
    await this.audit.record(authentication, request, 'deployment.redeployed', appId, {
      deploymentId: deployment.id,
    });
    return deployment;
  }

  @Post('apps/:id/rollback')
  @RequireScope('deploy')
  @ApiOperation({ summary: 'Release a kept release again, without building' })
  async rollback(
    @CurrentAuthentication() authentication: Authentication,
    @Req() request: Request,
    @Param('id') appId: string,
    @Body() body: RollbackBody,
  ): Promise<DeploymentDto> {
    const deployment = await this.rpc.request<DeploymentDto>(QuerySubjects.DeploymentsRollback, {
      actor: authentication.actor,
      appId,
      releaseId: body.releaseId,
    });
    await this.audit.record(authentication, request, 'deployment.rolled-back', appId, {
      deploymentId: deployment.id,
      releaseId: body.releaseId,
    });
    return deployment;
  }

  @Get('apps/:id/deployments')
  @ApiOperation({ summary: "An app's deployments, newest first" })
  list(
    @CurrentActor() actor: Actor,
    @Param('id') appId: string,
    @Query() page: PageParams,
  ): Promise<DeploymentListDto> {
    return this.rpc.request<DeploymentListDto>(QuerySubjects.DeploymentsList, { actor, appId, ...page });
  }

  @Get('apps/:id/releases')
  @ApiOperation({ summary: "An app's releases (for rollback), newest first" })
  releases(
    @CurrentActor() actor: Actor,
    @Param('id') appId: string,
    @Query() page: PageParams,
  ): Promise<ReleaseListDto> {
    return this.rpc.request<ReleaseListDto>(QuerySubjects.ReleasesList, { actor, appId, ...page });
  }

  @Get('apps/:id/status')
  @ApiOperation({
    summary:
      "The app's latest deployment: state, stage, timings, URL and last log lines (null if never deployed)",
  })
  appStatus(@CurrentActor() actor: Actor, @Param('id') appId: string): Promise<DeploymentStatusDto | null> {
    return this.status.ofApp(actor, appId);
  }

  @Get('deployments/:deploymentId')
  @ApiOperation({ summary: 'One deployment with its transitions' })
  get(@CurrentActor() actor: Actor, @Param('deploymentId') deploymentId: string): Promise<DeploymentDto> {
    return this.rpc.request<DeploymentDto>(QuerySubjects.DeploymentsGet, { actor, deploymentId });
  }

  @Get('deployments/:deploymentId/status')
  @ApiOperation({ summary: "A deployment's state, stage, timings, URL and last log lines" })
  deploymentStatus(
    @CurrentActor() actor: Actor,
    @Param('deploymentId') deploymentId: string,
  ): Promise<DeploymentStatusDto> {
    return this.status.ofDeployment(actor, deploymentId);
  }

  @Post('deployments/:deploymentId/cancel')
  @HttpCode(200)
  @RequireScope('deploy')
  @ApiOperation({ summary: 'Cancel a deployment that has not started releasing' })
  async cancel(
    @CurrentAuthentication() authentication: Authentication,
    @Req() request: Request,
    @Param('deploymentId') deploymentId: string,
  ): Promise<DeploymentDto> {
    const deployment = await this.rpc.request<DeploymentDto>(QuerySubjects.DeploymentsCancel, {
      actor: authentication.actor,
      deploymentId,
    });
    await this.audit.record(authentication, request, 'deployment.cancelled', deployment.appId, {
      deploymentId,
    });
    return deployment;
  }
}

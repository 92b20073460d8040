import { Body, Controller, Delete, Get, Param, Post, Put, Query, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor, EnvVarListDto, QuerySubjects } from '@slipway/contracts';
import { RpcClient } from '@slipway/nest-messaging';
import type { Request } from 'express';
import { AppAuditTrail } from '../apps/app-audit';
import { RequireScope } from '../auth/auth.decorators';
import type { Authentication } from '../auth/authentication';
import { CurrentActor } from '../auth/current-actor.decorator';
import { CurrentAuthentication } from '../auth/current-authentication.decorator';
import {
  EnvApplyParams,
  ImportEnvVarsBody,
  RevealEnvVarsParams,
  SetEnvVarsBody,
} from './dto/env-vars.bodies';

/** An app's env vars: values are masked unless the owner reveals them (sealed at rest in the apps service). */
@ApiTags('env vars')
@Controller('apps/:id/env')
export class EnvVarsController {
  constructor(
    private readonly rpc: RpcClient,
    private readonly audit: AppAuditTrail,
  ) {}

  @Get()
  @ApiOperation({ summary: "List an app's env vars, values masked" })
  list(@CurrentActor() actor: Actor, @Param('id') appId: string): Promise<EnvVarListDto> {
    return this.rpc.request<EnvVarListDto>(QuerySubjects.AppsEnvList, { actor, appId });
  }

  @Get('reveal')
  @RequireScope('secrets:read')
  @ApiOperation({ summary: 'Reveal env var values (the owner only)' })
  async reveal(
    @CurrentAuthentication() authentication: Authentication,
    @Req() request: Request,
    @Param('id') appId: string,
    @Query() query: RevealEnvVarsParams,
  ): Promise<EnvVarListDto> {
    const list = await this.rpc.request<EnvVarListDto>(QuerySubjects.AppsEnvList, {
      actor: authentication.actor,
      appId,
      reveal: true,
      ...(query.names ? { names: query.names } : {}),
    });
    await this.audit.record(authentication, request, 'env.revealed', appId, {
      names: list.items.filter((envVar) => !envVar.masked).map((envVar) => envVar.name),
    });
    return list;
  }

  @Put()
  @ApiOperation({ summary: 'Add or replace env vars (others stay)' })
  async set(
    @CurrentAuthentication() authentication: Authentication,
    @Req() request: Request,
    @Param('id') appId: string,
    @Body() body: SetEnvVarsBody,
  ): Promise<EnvVarListDto> {
    const list = await this.rpc.request<EnvVarListDto>(QuerySubjects.AppsEnvSet, {
      ...body,
      actor: authentication.actor,
      appId,
    });
    await this.audit.record(authentication, request, 'env.set', appId, {
      names: body.vars.map((envVar) => envVar.name),
      apply: body.apply,
    });
    return list;
  }

  @Post('import')
  @ApiOperation({ summary: 'Import env vars from .env text (all or nothing)' })
  async import(
    @CurrentAuthentication() authentication: Authentication,
    @Req() request: Request,
    @Param('id') appId: string,
    @Body() body: ImportEnvVarsBody,
  ): Promise<EnvVarListDto> {
    const list = await this.rpc.request<EnvVarListDto>(QuerySubjects.AppsEnvImport, {
      ...body,
      actor: authentication.actor,
      appId,
    });
    await this.audit.record(authentication, request, 'env.imported', appId, { apply: body.apply });
    return list;
  }

  @Delete(':name')
  @ApiOperation({ summary: 'Delete one env var' })
  async remove(
    @CurrentAuthentication() authentication: Authentication,
    @Req() request: Request,
    @Param('id') appId: string,
    @Param('name') name: string,
    @Query() query: EnvApplyParams,
  ): Promise<EnvVarListDto> {
    const list = await this.rpc.request<EnvVarListDto>(QuerySubjects.AppsEnvDelete, {
      actor: authentication.actor,
      appId,
      names: [name],
      apply: query.apply,
    });
    await this.audit.record(authentication, request, 'env.deleted', appId, {
      names: [name],
      apply: query.apply,
    });
    return list;
  }
}

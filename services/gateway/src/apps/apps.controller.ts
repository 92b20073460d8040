import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  Put,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import {
  Actor,
  AppDto,
  AppHooksDto,
  AppListDto,
  AppMetricsDto,
  AppPowerAction,
  AppRuntimeStatusDto,
  LifecycleAcceptedDto,
  LOGS_QUERY_MAX_LIMIT,
  LogPageDto,
  QuerySubjects,
  stripAnsi,
} from '@slipway/contracts';
import { RpcClient } from '@slipway/nest-messaging';
import type { Request, Response } from 'express';
import { RequireScope } from '../auth/auth.decorators';
import type { Authentication } from '../auth/authentication';
import { CurrentActor } from '../auth/current-actor.decorator';
import { CurrentAuthentication } from '../auth/current-authentication.decorator';
import { AppAuditTrail } from './app-audit';
import { AppListCache } from './app-list-cache';
import { CreateAppBody, UpdateAppBody } from './dto/create-app.body';
import { ScaleAppBody, SetDomainsBody } from './dto/lifecycle.bodies';
import { LogsQueryParams } from './dto/logs-query.params';
import { MetricsQueryParams } from './dto/metrics-query.params';
import { PageParams } from './dto/page.params';

/** A download stops here; the logs service keeps at most LOG_MAX_LINES_PER_APP (100,000) lines anyway. */
const MAX_DOWNLOAD_LINES = 100_000;

/** The deploy hook and GitHub webhook of an app, as URLs to paste into CI or GitHub. */
export interface AppHooksResponse extends AppHooksDto {
  deployHookPath: string;
  githubWebhookPath: string;
}

/**
 * Apps as their owner sees them. Every request carries the signed-in actor; the apps service answers 404
 * for an app the actor does not own (an admin sees all).
 */
@ApiTags('apps')
@Controller('apps')
export class AppsController {
  constructor(
    private readonly rpc: RpcClient,
    private readonly audit: AppAuditTrail,
    private readonly listCache: AppListCache,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Create an app (you become its owner)' })
  async create(
    @CurrentAuthentication() authentication: Authentication,
    @Req() request: Request,
    @Body() body: CreateAppBody,
  ): Promise<AppDto> {
    const app = await this.rpc.request<AppDto>(QuerySubjects.AppsCreate, {
      ...body,
      actor: authentication.actor,
    });
    await this.audit.record(authentication, request, 'app.created', app.id, { name: app.name });
    return app;
  }

  @Get()
  @ApiOperation({ summary: 'List your apps (all apps for an admin), newest first' })
  @ApiOkResponse({ description: 'A page of apps (AppListDto), gzipped when the request accepts gzip.' })
  // The body is an AppListDto already serialised (and possibly remembered, plain and gzipped) by the list cache.
  async list(
    @CurrentActor() actor: Actor,
    @Query() page: PageParams,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const load = () => this.rpc.request<AppListDto>(QuerySubjects.AppsList, { actor, ...page });
    response.setHeader('Content-Type', 'application/json; charset=utf-8');
    response.setHeader('Vary', 'Accept-Encoding');
    if (request.acceptsEncodings('gzip', 'identity') === 'gzip') {
      const body = await this.listCache.pageGzipped(actor, page, load);
      response.setHeader('Content-Encoding', 'gzip');
      response.end(body);
      return;
    }
    response.end(await this.listCache.pageJson(actor, page, load));
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get one app' })
  get(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<AppDto> {
    return this.rpc.request<AppDto>(QuerySubjects.AppsGet, { actor, id });
  }

  @Get(':id/runtime')
  @ApiOperation({
    summary: "The app's instances as the runtime sees them: health, restarts, current release, URL",
  })
  async runtime(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<AppRuntimeStatusDto> {
    // Apps first: another user's (or an unknown) app is a 404 before the runtime is asked anything.
    await this.rpc.request<AppDto>(QuerySubjects.AppsGet, { actor, id });
    return this.rpc.request<AppRuntimeStatusDto>(QuerySubjects.RuntimeStatus, { appId: id });
  }

  @Get(':id/metrics')
  @ApiOperation({
    summary: "CPU, memory and network samples of the app's instances (downsampled), oldest first",
  })
  async metrics(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Query() query: MetricsQueryParams,
  ): Promise<AppMetricsDto> {
    await this.rpc.request<AppDto>(QuerySubjects.AppsGet, { actor, id });
    return this.rpc.request<AppMetricsDto>(QuerySubjects.RuntimeMetrics, {
      appId: id,
      ...(query.since ? { since: query.since } : {}),
    });
  }

  @Patch(':id')
  @ApiOperation({ summary: "Change an app's settings (only the fields given)" })
  async update(
    @CurrentAuthentication() authentication: Authentication,
    @Req() request: Request,
    @Param('id') id: string,
    @Body() body: UpdateAppBody,
  ): Promise<AppDto> {
    const app = await this.rpc.request<AppDto>(QuerySubjects.AppsUpdate, {
      ...body,
      actor: authentication.actor,
      id,
    });
    await this.audit.record(authentication, request, 'app.updated', id, { fields: Object.keys(body) });
    return app;
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Delete an app: its containers, route, images, env vars, deployments and logs go too',
  })
  async remove(
    @CurrentAuthentication() authentication: Authentication,
    @Req() request: Request,
    @Param('id') id: string,
  ): Promise<void> {
    await this.rpc.request(QuerySubjects.AppsDelete, { actor: authentication.actor, id });
    await this.audit.record(authentication, request, 'app.deleted', id);
  }

  @Put(':id/domains')
  @ApiOperation({ summary: 'Set the custom domains routed to the app' })
  async setDomains(
    @CurrentAuthentication() authentication: Authentication,
    @Req() request: Request,
    @Param('id') id: string,
    @Body() body: SetDomainsBody,
  ): Promise<AppDto> {
    const app = await this.rpc.request<AppDto>(QuerySubjects.AppsDomainsSet, {
      actor: authentication.actor,
      appId: id,
      domains: body.domains,
    });
    await this.audit.record(authentication, request, 'app.domains-set', id, { domains: body.domains });
    return app;
  }

  @Post(':id/stop')
  @HttpCode(202)
  @RequireScope('deploy')
  @ApiOperation({ summary: 'Stop the running release (the runtime reports the outcome)' })
  stop(
    @CurrentAuthentication() authentication: Authentication,
    @Req() request: Request,
    @Param('id') id: string,
  ) {
    return this.power(authentication, request, id, 'stop');
  }

  @Post(':id/start')
  @HttpCode(202)
  @RequireScope('deploy')
  @ApiOperation({ summary: 'Start the stopped release again' })
  start(
    @CurrentAuthentication() authentication: Authentication,
    @Req() request: Request,
    @Param('id') id: string,
  ) {
    return this.power(authentication, request, id, 'start');
  }

  @Post(':id/restart')
  @HttpCode(202)
  @RequireScope('deploy')
  @ApiOperation({ summary: 'Restart the running release' })
  restart(
    @CurrentAuthentication() authentication: Authentication,
    @Req() request: Request,
    @Param('id') id: string,
  ) {
    return this.power(authentication, request, id, 'restart');
  }

  @Post(':id/scale')
  @HttpCode(202)
  @RequireScope('deploy')
  @ApiOperation({ summary: 'Run this many instances of the release' })
  async scale(
    @CurrentAuthentication() authentication: Authentication,
    @Req() request: Request,
    @Param('id') id: string,
    @Body() body: ScaleAppBody,
  ): Promise<LifecycleAcceptedDto> {
    const accepted = await this.rpc.request<LifecycleAcceptedDto>(QuerySubjects.AppsScale, {
      actor: authentication.actor,
      appId: id,
      replicas: body.replicas,
    });
    await this.audit.record(authentication, request, 'app.scaled', id, { replicas: body.replicas });
    return accepted;
  }

  @Get(':id/hooks')
  @RequireScope('secrets:read')
  @ApiOperation({ summary: "The app's deploy hook URL and GitHub webhook secret (made on first request)" })
  async hooks(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<AppHooksResponse> {
    const hooks = await this.rpc.request<AppHooksDto>(QuerySubjects.AppsHooksGet, { actor, appId: id });
    return {
      ...hooks,
      deployHookPath: `/api/v1/hooks/deploy/${id}/${hooks.deployHookToken}`,
      githubWebhookPath: `/api/v1/hooks/github/${id}`,
    };
  }

  private async power(
    authentication: Authentication,
    request: Request,
    appId: string,
    action: AppPowerAction,
  ): Promise<LifecycleAcceptedDto> {
    const accepted = await this.rpc.request<LifecycleAcceptedDto>(QuerySubjects.AppsPower, {
      actor: authentication.actor,
      appId,
      action,
    });
    await this.audit.record(authentication, request, `app.${action}-requested`, appId);
    return accepted;
  }

  @Get(':id/logs')
  @ApiOperation({
    summary: "An app's log lines, a page at a time (oldest first by default), or all of them as text",
  })
  @ApiProduces('application/json', 'text/plain')
  async logs(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Query() query: LogsQueryParams,
    @Res({ passthrough: true }) response: Response,
  ): Promise<LogPageDto | string> {
    // Ask apps first so an unknown app is a 404, not an empty page.
    const app = await this.rpc.request<AppDto>(QuerySubjects.AppsGet, { actor, id });
    const { format, ...filters } = query;
    if (format !== 'text') {
      return this.rpc.request<LogPageDto>(QuerySubjects.LogsQuery, { appId: id, ...filters });
    }
    const text = await this.logsAsText(id, { ...filters, limit: undefined, cursor: undefined });
    response.type('text/plain; charset=utf-8');
    response.setHeader('Content-Disposition', `attachment; filename="${app.name}-logs.txt"`);
    return text;
  }

  /** Every matching line (up to MAX_DOWNLOAD_LINES) as `<timestamp> <source>[/<stage>] <text>`. */
  private async logsAsText(appId: string, filters: Omit<LogsQueryParams, 'format'>): Promise<string> {
    const lines: string[] = [];
    let cursor: string | null | undefined;
    do {
      const page = await this.rpc.request<LogPageDto>(QuerySubjects.LogsQuery, {
        appId,
        ...filters,
        limit: LOGS_QUERY_MAX_LIMIT,
        ...(cursor ? { cursor } : {}),
      });
      for (const line of page.items) {
        const origin = line.stage ? `${line.source}/${line.stage}` : line.source;
        lines.push(`${line.timestamp} ${origin} ${stripAnsi(line.text)}`);
      }
      cursor = page.nextCursor;
    } while (cursor && lines.length < MAX_DOWNLOAD_LINES);
    return lines.length > 0 ? `${lines.join('\n')}\n` : '';
  }
}

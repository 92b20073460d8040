import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { AppDto, AppListDto, LogPageDto, QuerySubjects } from '@slipway/contracts';
import { RpcClient } from '@slipway/nest-messaging';
import { CreateAppBody } from './dto/create-app.body';
import { LogsQueryParams } from './dto/logs-query.params';

@ApiTags('apps')
@Controller('apps')
export class AppsController {
  constructor(private readonly rpc: RpcClient) {}

  @Post()
  @ApiOperation({ summary: 'Create an app' })
  create(@Body() body: CreateAppBody): Promise<AppDto> {
    return this.rpc.request<AppDto>(QuerySubjects.AppsCreate, body);
  }

  @Get()
  @ApiOperation({ summary: 'List apps' })
  list(): Promise<AppListDto> {
    return this.rpc.request<AppListDto>(QuerySubjects.AppsList, {});
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get one app' })
  get(@Param('id') id: string): Promise<AppDto> {
    return this.rpc.request<AppDto>(QuerySubjects.AppsGet, { id });
  }

  @Get(':id/logs')
  @ApiOperation({ summary: "An app's log lines, oldest first" })
  async logs(@Param('id') id: string, @Query() query: LogsQueryParams): Promise<LogPageDto> {
    // Ask apps first so an unknown app is a 404, not an empty page.
    await this.rpc.request<AppDto>(QuerySubjects.AppsGet, { id });
    return this.rpc.request<LogPageDto>(QuerySubjects.LogsQuery, { appId: id, ...query });
  }
}

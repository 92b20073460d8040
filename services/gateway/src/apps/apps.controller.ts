import { Body, Controller, Get, Param, Post, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import {
  AppDto,
  AppListDto,
  LOGS_QUERY_MAX_LIMIT,
  LogPageDto,
  QuerySubjects,
  stripAnsi,
} from '@slipway/contracts';
import { RpcClient } from '@slipway/nest-messaging';
import type { Response } from 'express';
import { CreateAppBody } from './dto/create-app.body';
import { LogsQueryParams } from './dto/logs-query.params';

/** A download stops here; the logs service keeps at most LOG_MAX_LINES_PER_APP (100,000) lines anyway. */
const MAX_DOWNLOAD_LINES = 100_000;

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
  @ApiOperation({
    summary: "An app's log lines, a page at a time (oldest first by default), or all of them as text",
  })
  @ApiProduces('application/json', 'text/plain')
  async logs(
    @Param('id') id: string,
    @Query() query: LogsQueryParams,
    @Res({ passthrough: true }) response: Response,
  ): Promise<LogPageDto | string> {
    // Ask apps first so an unknown app is a 404, not an empty page.
    const app = await this.rpc.request<AppDto>(QuerySubjects.AppsGet, { id });
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

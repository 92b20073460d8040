import { BadRequestException, Controller, Get, Headers, Param, Query, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Actor } from '@slipway/contracts';
import type { Request, Response } from 'express';
import { CurrentActor } from '../auth/current-actor.decorator';
import { LiveLogsQueryParams } from './dto/live-logs-query.params';
import { LiveLogStreamService } from './live-log-stream.service';
import { resumeAfter } from './sse-format';

@ApiTags('apps')
@Controller('apps')
export class LiveController {
  constructor(private readonly live: LiveLogStreamService) {}

  @Get(':id/logs/live')
  @ApiOperation({
    summary: "Follow an app's log lines as Server-Sent Events: stored lines first, then live ones",
    description:
      'Events: `line` (id = seq), `progress` (build.progressed.v1), `release` (release.progressed.v1), ' +
      '`status` (deployment.transitioned.v1), `skipped` and `truncated` ' +
      '(ranges to fetch with GET /apps/:id/logs). Resumes after `after` or the Last-Event-ID header.',
  })
  @ApiProduces('text/event-stream')
  async tail(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Query() query: LiveLogsQueryParams,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    let after: number | undefined;
    try {
      after = resumeAfter(query.after, lastEventId);
    } catch (error) {
      throw new BadRequestException((error as Error).message);
    }
    await this.live.stream(actor, id, query, after, request, response);
  }
}

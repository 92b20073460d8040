import { Body, Controller, Delete, Get, Param, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { AuditLog } from '../audit/audit-log.service';
import { SessionOnly } from '../auth/auth.decorators';
import type { Authentication } from '../auth/authentication';
import { clientContextOf } from '../auth/client-context';
import { CurrentAuthentication } from '../auth/current-authentication.decorator';
import { toApiTokenDto } from './api-token.mapper';
import { ApiTokensService } from './api-tokens.service';
import { ApiTokenDto, ApiTokenListDto, CreatedApiTokenDto } from './dto/api-token.dto';
import { CreateApiTokenBody } from './dto/create-api-token.body';

/** A signed-in user's API tokens. Tokens cannot manage tokens: that would let a token widen its own scopes. */
@ApiTags('auth')
@ApiBearerAuth()
@SessionOnly()
@Controller('auth/tokens')
export class ApiTokensController {
  constructor(
    private readonly tokens: ApiTokensService,
    private readonly audit: AuditLog,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Create an API token; its value is in this answer only' })
  async create(
    @Body() body: CreateApiTokenBody,
    @CurrentAuthentication() authentication: Authentication,
    @Req() request: Request,
  ): Promise<CreatedApiTokenDto> {
    const { document, token } = await this.tokens.create(authentication.actor.userId, body);
    await this.audit.record({
      actor: null,
      authentication,
      action: 'api-token.created',
      target: `api-token:${document._id.toHexString()}`,
      details: { name: document.name, scopes: [...document.scopes] },
      ...clientContextOf(request),
    });
    return { ...toApiTokenDto(document), token };
  }

  @Get()
  @ApiOperation({ summary: 'List your API tokens (values are never shown again)' })
  async list(@CurrentAuthentication() authentication: Authentication): Promise<ApiTokenListDto> {
    const tokens = await this.tokens.list(authentication.actor.userId);
    return { items: tokens.map(toApiTokenDto) };
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Revoke an API token: it stops working at once' })
  async revoke(
    @Param('id') id: string,
    @CurrentAuthentication() authentication: Authentication,
    @Req() request: Request,
  ): Promise<ApiTokenDto> {
    const token = await this.tokens.revoke(authentication.actor.userId, id);
    await this.audit.record({
      actor: null,
      authentication,
      action: 'api-token.revoked',
      target: `api-token:${id}`,
      details: { name: token.name },
      ...clientContextOf(request),
    });
    return toApiTokenDto(token);
  }
}

import { Controller, Get, HttpCode, HttpStatus, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { toAuditEventDto } from '../audit/audit-event.mapper';
import { AuditLog } from '../audit/audit-log.service';
import { AuditPageDto } from '../audit/dto/audit-event.dto';
import { AdminOnly } from '../auth/auth.decorators';
import type { Authentication } from '../auth/authentication';
import { clientContextOf } from '../auth/client-context';
import { CurrentAuthentication } from '../auth/current-authentication.decorator';
import { UserDto, UserListDto } from '../users/dto/user.dto';
import { toUserDto } from '../users/user.mapper';
import { AdminUsersService } from './admin-users.service';
import { AuditQueryParams, ListUsersParams } from './dto/admin-query.params';

const DEFAULT_PAGE = 50;

@ApiTags('admin')
@ApiBearerAuth()
@AdminOnly()
@Controller('admin')
export class AdminController {
  constructor(
    private readonly adminUsers: AdminUsersService,
    private readonly audit: AuditLog,
  ) {}

  @Get('users')
  @ApiOperation({ summary: 'Every user, oldest first (administrators only)' })
  async users(@Query() query: ListUsersParams): Promise<UserListDto> {
    const page = await this.adminUsers.list({ ...query, limit: query.limit ?? DEFAULT_PAGE });
    return { items: page.items.map(toUserDto), nextCursor: page.nextCursor };
  }

  @Post('users/:id/disable')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Disable a user: they cannot sign in and their tokens stop working' })
  async disable(
    @Param('id') id: string,
    @CurrentAuthentication() authentication: Authentication,
    @Req() request: Request,
  ): Promise<UserDto> {
    return toUserDto(await this.adminUsers.setDisabled(id, true, authentication, clientContextOf(request)));
  }

  @Post('users/:id/enable')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Enable a disabled user again (they sign in anew)' })
  async enable(
    @Param('id') id: string,
    @CurrentAuthentication() authentication: Authentication,
    @Req() request: Request,
  ): Promise<UserDto> {
    return toUserDto(await this.adminUsers.setDisabled(id, false, authentication, clientContextOf(request)));
  }

  @Get('audit')
  @ApiOperation({ summary: 'The audit log, newest first, with filters (administrators only)' })
  async auditLog(@Query() query: AuditQueryParams): Promise<AuditPageDto> {
    const page = await this.audit.query({ ...query, limit: query.limit ?? DEFAULT_PAGE });
    return { items: page.items.map(toAuditEventDto), nextCursor: page.nextCursor };
  }
}

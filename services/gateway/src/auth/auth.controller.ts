import { Body, Controller, Get, HttpCode, HttpStatus, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { toUserDto } from '../users/user.mapper';
import { UsersService } from '../users/users.service';
import { AuthRateLimited, RequireScope, SessionOnly } from './auth.decorators';
import { AuthService } from './auth.service';
import type { Authentication } from './authentication';
import { clientContextOf } from './client-context';
import { CurrentAuthentication } from './current-authentication.decorator';
import { LoginBody, RefreshBody, SignUpBody } from './dto/credentials.body';
import { MeDto, SessionTokensDto } from './dto/session-tokens.dto';
import { PublicRoute } from './public-route.decorator';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly users: UsersService,
  ) {}

  @Post('signup')
  @PublicRoute()
  @AuthRateLimited()
  @ApiOperation({ summary: 'Create an account and sign in; the first account becomes an administrator' })
  signUp(@Body() body: SignUpBody, @Req() request: Request): Promise<SessionTokensDto> {
    return this.auth.signUp(body.email, body.password, clientContextOf(request));
  }

  @Post('login')
  @PublicRoute()
  @AuthRateLimited()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Sign in with email and password: an access token and a refresh token' })
  login(@Body() body: LoginBody, @Req() request: Request): Promise<SessionTokensDto> {
    return this.auth.signIn(body.email, body.password, clientContextOf(request));
  }

  @Post('refresh')
  @PublicRoute()
  @AuthRateLimited()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Exchange a refresh token for new tokens',
    description: 'Each refresh token works once. Using one twice ends its session (it may have been stolen).',
  })
  refresh(@Body() body: RefreshBody, @Req() request: Request): Promise<SessionTokensDto> {
    return this.auth.refresh(body.refreshToken, clientContextOf(request));
  }

  @Post('logout')
  @SessionOnly()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Sign out this session: its access and refresh tokens stop working' })
  async logout(
    @CurrentAuthentication() authentication: Authentication,
    @Req() request: Request,
  ): Promise<void> {
    if (authentication.via !== 'session') return;
    await this.auth.logout(authentication, clientContextOf(request));
  }

  @Post('logout-all')
  @SessionOnly()
  @HttpCode(HttpStatus.OK)
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Sign out everywhere: every session of the account ends (API tokens keep working)',
  })
  async logoutAll(
    @CurrentAuthentication() authentication: Authentication,
    @Req() request: Request,
  ): Promise<{ sessionsEnded: number }> {
    return { sessionsEnded: await this.auth.logoutEverywhere(authentication, clientContextOf(request)) };
  }

  @Get('me')
  @RequireScope()
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Who the token belongs to, and its scopes for an API token' })
  async me(@CurrentAuthentication() authentication: Authentication): Promise<MeDto> {
    const user = await this.users.get(authentication.actor.userId);
    return {
      user: toUserDto(user),
      authenticatedWith: authentication.via,
      scopes: authentication.via === 'api-token' ? [...authentication.scopes] : null,
    };
  }
}

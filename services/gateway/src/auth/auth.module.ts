import { createSecretKey } from 'node:crypto';
import { Module } from '@nestjs/common';
import { APP_GUARD, Reflector } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { MongooseModule } from '@nestjs/mongoose';
import { ThrottlerModule } from '@nestjs/throttler';
import { ApiTokensModule } from '../api-tokens/api-tokens.module';
import { GatewayConfig } from '../config/gateway.config';
import { FailedAuthenticationLimiter, RateLimitGuard, rateLimitOptions } from '../http/rate-limit.guard';
import { UsersModule } from '../users/users.module';
import { AccessTokensService } from './access-tokens.service';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { AuthenticationGuard } from './authentication.guard';
import { Authenticator } from './authenticator.service';
import { Housekeeping } from './housekeeping';
import { Session, SessionSchema } from './schemas/session.schema';
import { SessionsService } from './sessions.service';

/**
 * Accounts, sessions and the two global guards, in this order: authentication and authorization first
 * (a refused credential counts against its IP's auth budget), then the rate limits per verified caller.
 */
@Module({
  imports: [
    UsersModule,
    ApiTokensModule,
    MongooseModule.forFeature([{ name: Session.name, schema: SessionSchema }]),
    JwtModule.registerAsync({
      inject: [GatewayConfig],
      // A key object, not the string: jsonwebtoken otherwise first tries (and fails) to parse the string as a
      // public key on every verification, which cost more than the rest of authenticating a request.
      useFactory: (config: GatewayConfig) => ({
        secret: createSecretKey(Buffer.from(config.AUTH_JWT_SECRET, 'utf8')),
      }),
    }),
    ThrottlerModule.forRootAsync({
      inject: [GatewayConfig, Reflector],
      useFactory: (config: GatewayConfig, reflector: Reflector) => rateLimitOptions(config, reflector),
    }),
  ],
  controllers: [AuthController],
  providers: [
    AuthService,
    SessionsService,
    AccessTokensService,
    Authenticator,
    FailedAuthenticationLimiter,
    Housekeeping,
    { provide: APP_GUARD, useClass: AuthenticationGuard },
    { provide: APP_GUARD, useClass: RateLimitGuard },
  ],
  exports: [SessionsService],
})
export class AuthModule {}

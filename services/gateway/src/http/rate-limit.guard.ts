import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  InjectThrottlerStorage,
  ThrottlerException,
  ThrottlerGuard,
  ThrottlerLimitDetail,
  ThrottlerModuleOptions,
  ThrottlerOptions,
  ThrottlerStorage,
} from '@nestjs/throttler';
import type { Request, Response } from 'express';
import { AUTH_RATE_LIMITED } from '../auth/auth.decorators';
import type { VerifiedRequest } from '../auth/authentication';
import { GatewayConfig } from '../config/gateway.config';

export const AUTH_THROTTLER = 'auth';
export const API_THROTTLER = 'api';
const MINUTE_MS = 60_000;
const API_PATH = /^\/api\//;

function isAuthRoute(reflector: Reflector, context: ExecutionContext): boolean {
  return (
    reflector.getAllAndOverride<boolean>(AUTH_RATE_LIMITED, [context.getHandler(), context.getClass()]) ??
    false
  );
}

function clientIp(request: Request): string {
  return request.ip ?? request.socket.remoteAddress ?? 'unknown';
}

/**
 * Per verified caller: an API token, or a signed-in user across their sessions. Anonymous requests (public
 * routes) per client IP. Runs after authentication, so a made-up token never gets a budget of its own.
 */
function callerKey(request: VerifiedRequest): string {
  const authentication = request.authentication;
  if (!authentication) return `ip:${clientIp(request)}`;
  return authentication.via === 'api-token'
    ? `api-token:${authentication.apiTokenId}`
    : `user:${authentication.actor.userId}`;
}

/**
 * Two budgets per minute: a strict one per client IP for sign-up, sign-in and refresh (and failed token
 * checks, see FailedAuthenticationLimiter), and a general one per caller for everything else under /api.
 * A limit of 0 turns that budget off.
 */
export function rateLimitOptions(config: GatewayConfig, reflector: Reflector): ThrottlerModuleOptions {
  const throttlers: ThrottlerOptions[] = [
    {
      name: AUTH_THROTTLER,
      ttl: MINUTE_MS,
      limit: config.RATE_LIMIT_AUTH_PER_MINUTE,
      skipIf: (context) => config.RATE_LIMIT_AUTH_PER_MINUTE === 0 || !isAuthRoute(reflector, context),
      getTracker: (request) => `ip:${clientIp(request as Request)}`,
    },
    {
      name: API_THROTTLER,
      ttl: MINUTE_MS,
      limit: config.RATE_LIMIT_API_PER_MINUTE,
      skipIf: (context) => config.RATE_LIMIT_API_PER_MINUTE === 0 || isAuthRoute(reflector, context),
      getTracker: (request) => callerKey(request as VerifiedRequest),
    },
  ];
  return {
    throttlers,
    // One budget per caller across all routes, not one per route.
    generateKey: (_context, tracker, name) => `${name}:${tracker}`,
    errorMessage: (_context, detail) => tooManyRequestsMessage(detail.limit, detail.timeToBlockExpire),
  };
}

function tooManyRequestsMessage(limit: number, retryAfterSeconds: number): string {
  return `Too many requests: at most ${limit} a minute are allowed here. Try again in ${retryAfterSeconds} s.`;
}

function setRetryAfter(response: Response, seconds: number): void {
  response.setHeader('Retry-After', String(Math.max(1, Math.ceil(seconds))));
}

/** The throttler guard, limited to the API, answering 429 with a plain `Retry-After` header. */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    return !API_PATH.test(context.switchToHttp().getRequest<Request>().path);
  }

  protected override async throwThrottlingException(
    context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    setRetryAfter(context.switchToHttp().getResponse<Response>(), detail.timeToBlockExpire);
    await super.throwThrottlingException(context, detail);
  }
}

/** Counts a refused token against the caller IP's auth budget, so guessing tokens is as slow as passwords. */
@Injectable()
export class FailedAuthenticationLimiter {
  constructor(
    @InjectThrottlerStorage() private readonly storage: ThrottlerStorage,
    private readonly config: GatewayConfig,
  ) {}

  async count(context: ExecutionContext): Promise<void> {
    const limit = this.config.RATE_LIMIT_AUTH_PER_MINUTE;
    if (limit === 0) return;
    const request = context.switchToHttp().getRequest<Request>();
    const key = `${AUTH_THROTTLER}:ip:${clientIp(request)}`;
    const record = await this.storage.increment(key, MINUTE_MS, limit, MINUTE_MS, AUTH_THROTTLER);
    if (record.isBlocked) {
      setRetryAfter(context.switchToHttp().getResponse<Response>(), record.timeToBlockExpire);
      throw new ThrottlerException(tooManyRequestsMessage(limit, record.timeToBlockExpire));
    }
  }
}

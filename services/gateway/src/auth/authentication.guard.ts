import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Response } from 'express';
import { FailedAuthenticationLimiter } from '../http/rate-limit.guard';
import { ADMIN_ONLY, REQUIRED_SCOPES, SESSION_ONLY } from './auth.decorators';
import { Authentication, VerifiedRequest } from './authentication';
import { Authenticator } from './authenticator.service';
import { PUBLIC_ROUTE } from './public-route.decorator';
import { ApiTokenScope, defaultScopeFor } from './scopes';

const API_PATH = /^\/api\/v1(\/|$)/;

function bearerOf(request: VerifiedRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? '';
}

/** What a route demands of its caller, read from its decorators once per route. */
interface RoutePolicy {
  isPublic: boolean;
  adminOnly: boolean;
  sessionOnly: boolean;
  /** For API tokens; null: the read or write scope of the request's method. */
  requiredScopes: ApiTokenScope[] | null;
}

/**
 * Global guard: every route under /api/v1 needs `Authorization: Bearer <access token or API token>` unless
 * it is marked `@PublicRoute()`. Then it applies `@AdminOnly()`, `@SessionOnly()` and, for API tokens,
 * the scopes (`@RequireScope()`, or read/write by HTTP method). Public routes ignore credentials.
 */
@Injectable()
export class AuthenticationGuard implements CanActivate {
  /** Per controller and handler: decorators never change after start-up, and reading them per request cost. */
  private readonly policies = new WeakMap<object, WeakMap<object, RoutePolicy>>();

  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: Authenticator,
    private readonly failedAttempts: FailedAuthenticationLimiter,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<VerifiedRequest>();
    // Probes and metrics live outside the API and are never guarded.
    if (!API_PATH.test(request.path)) return true;
    const policy = this.policyOf(context);

    // Public routes never look at credentials: a stale token must not break sign-in or the status page.
    if (policy.isPublic) return true;

    const credential = bearerOf(request);
    if (credential === undefined) {
      this.refuse(context, 'Sign in first: send "Authorization: Bearer <access token or API token>".');
    }
    if (!credential) {
      this.refuse(context, 'The Authorization header must be "Bearer <access token or API token>".');
    }
    const authentication = await this.authenticator.authenticate(credential);
    if ('problem' in authentication) {
      // Guessing tokens counts against the same strict per-IP budget as guessing passwords.
      await this.failedAttempts.count(context);
      this.refuse(context, authentication.problem);
    }
    request.actor = authentication.actor;
    request.authentication = authentication;
    this.authorize(context, policy, authentication);
    return true;
  }

  private policyOf(context: ExecutionContext): RoutePolicy {
    const handler = context.getHandler();
    const controller = context.getClass();
    let ofController = this.policies.get(controller);
    if (!ofController) {
      ofController = new WeakMap();
      this.policies.set(controller, ofController);
    }
    let policy = ofController.get(handler);
    if (!policy) {
      const targets = [handler, controller];
      const read = <T>(key: string) => this.reflector.getAllAndOverride<T>(key, targets);
      const adminOnly = read<boolean>(ADMIN_ONLY) ?? false;
      policy = {
        isPublic: read<boolean>(PUBLIC_ROUTE) ?? false,
        adminOnly,
        sessionOnly: adminOnly || (read<boolean>(SESSION_ONLY) ?? false),
        requiredScopes: read<ApiTokenScope[]>(REQUIRED_SCOPES) ?? null,
      };
      ofController.set(handler, policy);
    }
    return policy;
  }

  private authorize(context: ExecutionContext, policy: RoutePolicy, authentication: Authentication): void {
    const { adminOnly, sessionOnly } = policy;
    if (authentication.via === 'api-token') {
      if (sessionOnly) {
        throw new ForbiddenException('API tokens cannot be used here: sign in with your password instead.');
      }
      const method = context.switchToHttp().getRequest<VerifiedRequest>().method;
      const required = policy.requiredScopes ?? [defaultScopeFor(method)];
      const missing = required.filter((scope) => !authentication.scopes.includes(scope));
      if (missing.length > 0) {
        throw new ForbiddenException(
          `This API token lacks the scope${missing.length > 1 ? 's' : ''} ${missing.map((s) => `"${s}"`).join(', ')} ` +
            'needed here. Create a token with it at POST /api/v1/auth/tokens.',
        );
      }
    }
    if (adminOnly && authentication.actor.role !== 'admin') {
      throw new ForbiddenException('Only Slipway administrators can do this.');
    }
  }

  private refuse(context: ExecutionContext, message: string): never {
    context.switchToHttp().getResponse<Response>().setHeader('WWW-Authenticate', 'Bearer realm="slipway"');
    throw new UnauthorizedException(message);
  }
}

import { createParamDecorator, ExecutionContext, UnauthorizedException } from '@nestjs/common';
import type { Actor } from '@slipway/contracts';
import type { Request } from 'express';

/** Where the authentication guard leaves the caller it verified. */
export interface AuthenticatedRequest extends Request {
  actor?: Actor;
}

/** The signed-in caller; pass it on with every app-scoped request so apps can filter by owner. */
export const CurrentActor = createParamDecorator((_data: unknown, context: ExecutionContext): Actor => {
  const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
  if (!request.actor) throw new UnauthorizedException('Sign in first: this endpoint needs an access token.');
  return request.actor;
});

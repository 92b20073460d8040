import { createParamDecorator, ExecutionContext, UnauthorizedException } from '@nestjs/common';
import type { Authentication, VerifiedRequest } from './authentication';

/** The caller and how they authenticated (session or API token), e.g. for the audit log. */
export const CurrentAuthentication = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Authentication => {
    const request = context.switchToHttp().getRequest<VerifiedRequest>();
    if (!request.authentication) {
      throw new UnauthorizedException('Sign in first: this endpoint needs an access token.');
    }
    return request.authentication;
  },
);

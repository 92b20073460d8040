import { applyDecorators, SetMetadata } from '@nestjs/common';

export const PUBLIC_ROUTE = 'slipway:public-route';

/** @nestjs/swagger's metadata key for an operation's security requirements. */
const OPENAPI_SECURITY = 'swagger/apiSecurity';

/**
 * In the OpenAPI document, `security: [{}]` says "no credentials needed", overriding the document-wide
 * bearer requirement (an empty list would be dropped by @nestjs/swagger).
 */
const AnonymousInOpenApi =
  (): MethodDecorator & ClassDecorator =>
  (target: object, _key?: string | symbol, descriptor?: PropertyDescriptor): void => {
    Reflect.defineMetadata(OPENAPI_SECURITY, [{}], (descriptor?.value as object | undefined) ?? target);
  };

/**
 * Marks a handler or controller as reachable without signing in (health, docs, sign-up, webhooks that
 * authenticate with their own signature). Everything else under /api/v1 requires an access or API token.
 */
export const PublicRoute = (): MethodDecorator & ClassDecorator =>
  applyDecorators(SetMetadata(PUBLIC_ROUTE, true), AnonymousInOpenApi());

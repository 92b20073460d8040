import { SetMetadata } from '@nestjs/common';

export const PUBLIC_ROUTE = 'slipway:public-route';

/**
 * Marks a handler or controller as reachable without signing in (health, docs, sign-up, webhooks that
 * authenticate with their own signature). Everything else under /api/v1 requires an access or API token.
 */
export const PublicRoute = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_ROUTE, true);

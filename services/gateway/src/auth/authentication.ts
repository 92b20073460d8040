import type { Actor } from '@slipway/contracts';
import type { AuthenticatedRequest } from './current-actor.decorator';
import type { ApiTokenScope } from './scopes';

/** How the caller proved who they are. */
export type Authentication =
  | { via: 'session'; actor: Actor; sessionId: string }
  | { via: 'api-token'; actor: Actor; apiTokenId: string; scopes: readonly ApiTokenScope[] };

/** What the guard leaves on the request besides `actor`. */
export interface VerifiedRequest extends AuthenticatedRequest {
  authentication?: Authentication;
}

import { Injectable } from '@nestjs/common';
import { ApiTokensService, looksLikeApiToken } from '../api-tokens/api-tokens.service';
import { UsersService } from '../users/users.service';
import { AccessTokensService } from './access-tokens.service';
import { Authentication } from './authentication';
import { SessionsService } from './sessions.service';

const DISABLED = 'This account is disabled. Ask a Slipway administrator to enable it.';
const SIGNED_OUT = 'This session has ended (signed out). Sign in again.';

/** Turns a bearer credential (access token or API token) into the caller, or the reason it is refused. */
@Injectable()
export class Authenticator {
  constructor(
    private readonly accessTokens: AccessTokensService,
    private readonly apiTokens: ApiTokensService,
    private readonly sessions: SessionsService,
    private readonly users: UsersService,
  ) {}

  async authenticate(credential: string): Promise<Authentication | { problem: string }> {
    if (looksLikeApiToken(credential)) {
      const token = await this.apiTokens.verify(credential);
      if ('problem' in token) return token;
      const standing = await this.users.standing(token.userId);
      if (!standing) return { problem: 'The owner of this API token no longer exists.' };
      if (standing.disabled) return { problem: DISABLED };
      return { via: 'api-token', actor: standing.actor, apiTokenId: token.tokenId, scopes: token.scopes };
    }
    const verified = await this.accessTokens.verify(credential);
    if ('problem' in verified) return verified;
    const { sub, sid, ver } = verified.claims;
    const standing = await this.users.standing(sub);
    if (!standing) return { problem: 'The user of this access token no longer exists.' };
    if (standing.disabled) return { problem: DISABLED };
    if (standing.sessionVersion !== ver || !(await this.sessions.isActive(sid)))
      return { problem: SIGNED_OUT };
    return { via: 'session', actor: standing.actor, sessionId: sid };
  }
}

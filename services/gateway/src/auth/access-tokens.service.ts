import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { GatewayConfig } from '../config/gateway.config';

export const ACCESS_TOKEN_ISSUER = 'slipway';
export const ACCESS_TOKEN_AUDIENCE = 'slipway-api';

export interface AccessTokenClaims {
  /** User id. */
  sub: string;
  /** Session id: signing out ends it, and with it this token. */
  sid: string;
  /** The user's session version when issued: "sign out everywhere" bumps it. */
  ver: number;
  typ: 'access';
}

/** Tokens remembered as verified at most; beyond that the memory starts over (a few MB at most). */
const MAX_REMEMBERED_TOKENS = 10_000;

/** Short-lived HS256 JWTs. */
@Injectable()
export class AccessTokensService {
  /**
   * Tokens already verified, with their claims, until they expire. A token is immutable, so checking its
   * signature once is enough: dashboards poll with the same token many times a second, and each poll paid
   * for an HMAC and two JSON parses. Sign-out and disabled accounts are still checked on every request by
   * the Authenticator; a token that differs by one character is a different key and is verified in full.
   */
  private readonly verified = new Map<string, { claims: AccessTokenClaims; expiresAtMs: number }>();

  constructor(
    private readonly jwt: JwtService,
    private readonly config: GatewayConfig,
  ) {}

  async issue(claims: Omit<AccessTokenClaims, 'typ'>): Promise<{ accessToken: string; expiresIn: number }> {
    const expiresIn = this.config.AUTH_ACCESS_TOKEN_TTL_SECONDS;
    const accessToken = await this.jwt.signAsync({ ...claims, typ: 'access' } satisfies AccessTokenClaims, {
      algorithm: 'HS256',
      expiresIn,
      issuer: ACCESS_TOKEN_ISSUER,
      audience: ACCESS_TOKEN_AUDIENCE,
    });
    return { accessToken, expiresIn };
  }

  /** The claims of a valid, unexpired access token, or null with the reason. */
  async verify(token: string): Promise<{ claims: AccessTokenClaims } | { problem: string }> {
    const remembered = this.verified.get(token);
    if (remembered) {
      // As jsonwebtoken decides: expired from the second `exp` names on.
      if (Date.now() < remembered.expiresAtMs) return { claims: remembered.claims };
      this.verified.delete(token);
    }
    try {
      const claims = await this.jwt.verifyAsync<AccessTokenClaims & { exp: number }>(token, {
        algorithms: ['HS256'],
        issuer: ACCESS_TOKEN_ISSUER,
        audience: ACCESS_TOKEN_AUDIENCE,
      });
      if (claims.typ !== 'access' || typeof claims.sub !== 'string' || typeof claims.sid !== 'string') {
        return { problem: 'This is not an access token.' };
      }
      if (this.verified.size >= MAX_REMEMBERED_TOKENS) this.verified.clear();
      this.verified.set(token, { claims, expiresAtMs: claims.exp * 1000 });
      return { claims };
    } catch (error) {
      if ((error as Error).name === 'TokenExpiredError') {
        return { problem: 'The access token has expired. Get a new one with POST /api/v1/auth/refresh.' };
      }
      return { problem: 'The access token is not valid.' };
    }
  }
}

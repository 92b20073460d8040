import { Injectable, Logger, NotFoundException } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { isObjectId } from '@slipway/nest-mongo';
import { Model } from 'mongoose';
import { ApiTokenScope } from '../auth/scopes';
import { hashTokenSecret, newTokenSecret } from '../auth/token-secrets';
import { ApiToken, ApiTokenDocument } from './schemas/api-token.schema';

export const API_TOKEN_PREFIX = 'slw_';
const DISPLAY_PREFIX_LENGTH = API_TOKEN_PREFIX.length + 8;
const DAY_MS = 24 * 3600 * 1000;
/** Same trade-off as the user standing cache: a revocation here applies at once, elsewhere within 5 s. */
const CACHE_MS = 5000;
const CACHE_MAX_ENTRIES = 10_000;
/** `lastUsedAt` is a hint for the owner, not a log: writing it once a minute is enough. */
const LAST_USED_WRITE_INTERVAL_MS = 60_000;

export interface VerifiedApiToken {
  tokenId: string;
  userId: string;
  scopes: readonly ApiTokenScope[];
}

export function looksLikeApiToken(value: string): boolean {
  return value.startsWith(API_TOKEN_PREFIX);
}

@Injectable()
export class ApiTokensService {
  private readonly logger = new Logger(ApiTokensService.name);
  private readonly cache = new Map<string, { token: VerifiedApiToken | string; until: number }>();
  private readonly lastUsedWrites = new Map<string, number>();

  constructor(@InjectModel(ApiToken.name) private readonly tokens: Model<ApiToken>) {}

  async create(
    userId: string,
    request: { name: string; scopes: ApiTokenScope[]; expiresInDays?: number },
  ): Promise<{ document: ApiTokenDocument; token: string }> {
    const token = `${API_TOKEN_PREFIX}${newTokenSecret()}`;
    const document = await this.tokens.create({
      userId,
      name: request.name,
      scopes: request.scopes,
      tokenHash: hashTokenSecret(token),
      displayPrefix: token.slice(0, DISPLAY_PREFIX_LENGTH),
      expiresAt: request.expiresInDays ? new Date(Date.now() + request.expiresInDays * DAY_MS) : null,
    });
    return { document, token };
  }

  list(userId: string): Promise<ApiTokenDocument[]> {
    return this.tokens.find({ userId }).sort({ _id: -1 }).exec();
  }

  /** Revokes one of the user's tokens; another user's token is "not found", never "forbidden". */
  async revoke(userId: string, tokenId: string): Promise<ApiTokenDocument> {
    const token = isObjectId(tokenId) ? await this.tokens.findOne({ _id: tokenId, userId }).exec() : null;
    if (!token) throw new NotFoundException(`You have no API token with the id "${tokenId}".`);
    if (!token.revokedAt) {
      token.revokedAt = new Date();
      await token.save();
    }
    this.cache.delete(token.tokenHash);
    return token;
  }

  /** The token's owner and scopes if it is valid, else the reason it is not. */
  async verify(value: string): Promise<VerifiedApiToken | { problem: string }> {
    const tokenHash = hashTokenSecret(value);
    const cached = this.cache.get(tokenHash);
    const result = cached && cached.until > Date.now() ? cached.token : await this.lookUp(tokenHash);
    if (typeof result === 'string') return { problem: result };
    this.touch(result.tokenId);
    return result;
  }

  private async lookUp(tokenHash: string): Promise<VerifiedApiToken | string> {
    const token = await this.tokens.findOne({ tokenHash }).lean().exec();
    let result: VerifiedApiToken | string;
    if (!token) result = 'This API token is unknown.';
    else if (token.revokedAt) result = 'This API token has been revoked.';
    else if (token.expiresAt && token.expiresAt <= new Date()) result = 'This API token has expired.';
    else result = { tokenId: String(token._id), userId: token.userId, scopes: token.scopes };
    if (this.cache.size >= CACHE_MAX_ENTRIES) this.cache.clear();
    // An expiring token must not outlive its expiry in the cache.
    const until = Math.min(Date.now() + CACHE_MS, token?.expiresAt?.getTime() ?? Infinity);
    this.cache.set(tokenHash, { token: result, until });
    return result;
  }

  private touch(tokenId: string): void {
    const now = Date.now();
    if ((this.lastUsedWrites.get(tokenId) ?? 0) > now - LAST_USED_WRITE_INTERVAL_MS) return;
    if (this.lastUsedWrites.size >= CACHE_MAX_ENTRIES) this.lastUsedWrites.clear();
    this.lastUsedWrites.set(tokenId, now);
    this.tokens
      .updateOne({ _id: tokenId }, { $set: { lastUsedAt: new Date(now) } })
      .exec()
      .catch((error: Error) =>
        this.logger.warn(`Could not record when API token ${tokenId} was used: ${error.message}`),
      );
  }
}

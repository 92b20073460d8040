import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { isObjectId, KeyedLock } from '@slipway/nest-mongo';
import { Model } from 'mongoose';
import { GatewayConfig } from '../config/gateway.config';
import { ClientContext } from './client-context';
import { Session, SessionDocument, SessionEndReason } from './schemas/session.schema';
import { formatRefreshToken, hashTokenSecret, newTokenSecret, parseRefreshToken } from './token-secrets';

export type RotationResult =
  | { outcome: 'rotated'; session: SessionDocument; refreshToken: string }
  /** A refresh token that was already exchanged came back: the family is ended. */
  | { outcome: 'reused'; session: SessionDocument }
  | { outcome: 'invalid'; reason: string };

/** Same trade-off as the user standing cache: local changes apply at once, other instances within 5 s. */
const ACTIVE_CACHE_MS = 5000;
const ACTIVE_CACHE_MAX_ENTRIES = 10_000;
const DAY_MS = 24 * 3600 * 1000;
/**
 * Used refresh tokens remembered per session for reuse detection: at one refresh per access-token
 * lifetime (15 min) that is a day of history; an older token is still refused, only not as "reused".
 */
const MAX_ROTATED_HASHES = 100;

@Injectable()
export class SessionsService {
  private readonly activeCache = new Map<string, { active: boolean; until: number }>();
  private readonly rotations = new KeyedLock();

  constructor(
    @InjectModel(Session.name) private readonly sessions: Model<Session>,
    private readonly config: GatewayConfig,
  ) {}

  async start(
    userId: string,
    client: ClientContext,
  ): Promise<{ session: SessionDocument; refreshToken: string }> {
    const secret = newTokenSecret();
    const session = await this.sessions.create({
      userId,
      tokenHash: hashTokenSecret(secret),
      expiresAt: this.newExpiry(),
      ip: client.ip,
      userAgent: client.userAgent,
    });
    return { session, refreshToken: formatRefreshToken(session._id.toHexString(), secret) };
  }

  /**
   * Exchanges a refresh token for the next one of its family. Rotations of one session take turns: the
   * conditional update below is what lets only one of two racing requests win on MongoDB, but FerretDB lets
   * both pass it, which would hand out two live tokens instead of detecting the reuse.
   */
  async rotate(refreshToken: string): Promise<RotationResult> {
    const parsed = parseRefreshToken(refreshToken);
    if (!parsed) return { outcome: 'invalid', reason: 'This is not a Slipway refresh token.' };
    return this.rotations.run(parsed.sessionId, () => this.rotateParsed(parsed));
  }

  private async rotateParsed(parsed: { sessionId: string; secret: string }): Promise<RotationResult> {
    const presentedHash = hashTokenSecret(parsed.secret);
    const secret = newTokenSecret();
    const now = new Date();
    // One conditional update: of two requests racing with the same token, only one can win.
    const rotated = await this.sessions
      .findOneAndUpdate(
        { _id: parsed.sessionId, tokenHash: presentedHash, endedAt: null, expiresAt: { $gt: now } },
        {
          $set: { tokenHash: hashTokenSecret(secret), expiresAt: this.newExpiry(), lastRefreshedAt: now },
          $push: { rotatedTokenHashes: presentedHash },
        },
        { new: true },
      )
      .exec();
    if (rotated) {
      if (rotated.rotatedTokenHashes.length > MAX_ROTATED_HASHES) {
        // Oldest first: one in, one out keeps a long-lived session's document small.
        await this.sessions.updateOne({ _id: rotated._id }, { $pop: { rotatedTokenHashes: -1 } }).exec();
      }
      return {
        outcome: 'rotated',
        session: rotated,
        refreshToken: formatRefreshToken(parsed.sessionId, secret),
      };
    }
    const session = await this.sessions.findById(parsed.sessionId).exec();
    if (!session) return { outcome: 'invalid', reason: 'This refresh token is unknown. Sign in again.' };
    if (session.rotatedTokenHashes.includes(presentedHash)) {
      if (!session.endedAt) await this.end(session._id.toHexString(), 'reuse-detected');
      return { outcome: 'reused', session };
    }
    if (session.endedAt) return { outcome: 'invalid', reason: 'This session has ended. Sign in again.' };
    if (session.expiresAt <= now)
      return { outcome: 'invalid', reason: 'This session has expired. Sign in again.' };
    return { outcome: 'invalid', reason: 'This refresh token is unknown. Sign in again.' };
  }

  /** The session a refresh token belongs to, if the token is the current one (for logout). */
  async findByRefreshToken(refreshToken: string): Promise<SessionDocument | null> {
    const parsed = parseRefreshToken(refreshToken);
    if (!parsed) return null;
    return this.sessions.findOne({ _id: parsed.sessionId, tokenHash: hashTokenSecret(parsed.secret) }).exec();
  }

  async end(sessionId: string, reason: SessionEndReason): Promise<void> {
    await this.sessions
      .updateOne({ _id: sessionId, endedAt: null }, { $set: { endedAt: new Date(), endReason: reason } })
      .exec();
    this.activeCache.delete(sessionId);
  }

  async endAllForUser(userId: string, reason: SessionEndReason): Promise<number> {
    const active = await this.sessions.find({ userId, endedAt: null }, { _id: 1 }).lean().exec();
    const result = await this.sessions
      .updateMany({ userId, endedAt: null }, { $set: { endedAt: new Date(), endReason: reason } })
      .exec();
    for (const session of active) this.activeCache.delete(String(session._id));
    return result.modifiedCount;
  }

  /** Whether access tokens of this session are still honoured (cached briefly; asked on every request). */
  async isActive(sessionId: string): Promise<boolean> {
    const cached = this.activeCache.get(sessionId);
    if (cached && cached.until > Date.now()) return cached.active;
    const session = isObjectId(sessionId)
      ? await this.sessions.findById(sessionId, { endedAt: 1, expiresAt: 1 }).lean().exec()
      : null;
    const active = !!session && session.endedAt === null && session.expiresAt > new Date();
    if (this.activeCache.size >= ACTIVE_CACHE_MAX_ENTRIES) this.activeCache.clear();
    this.activeCache.set(sessionId, { active, until: Date.now() + ACTIVE_CACHE_MS });
    return active;
  }

  /** Forgets sessions that ended or expired before `before`; their tokens are refused either way. */
  async deleteFinishedBefore(before: Date): Promise<number> {
    const result = await this.sessions
      .deleteMany({ $or: [{ endedAt: { $lt: before } }, { expiresAt: { $lt: before } }] })
      .exec();
    return result.deletedCount;
  }

  private newExpiry(): Date {
    return new Date(Date.now() + this.config.AUTH_REFRESH_TOKEN_TTL_DAYS * DAY_MS);
  }
}

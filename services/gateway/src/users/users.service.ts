import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Actor } from '@slipway/contracts';
import { isDuplicateKeyError, isObjectId } from '@slipway/nest-mongo';
import { Model } from 'mongoose';
import { GatewayConfig } from '../config/gateway.config';
import { hashPassword, verifyPassword } from './passwords';
import { User, UserBootstrap, UserDocument } from './schemas/user.schema';

/** What the authentication guard needs to know about a user on every request. */
export interface UserStanding {
  actor: Actor;
  disabled: boolean;
  sessionVersion: number;
}

export interface UserPage {
  items: UserDocument[];
  nextCursor: string | null;
}

/**
 * How long a user's standing is reused without asking the database. Changes made through this gateway
 * (disable, sign out everywhere) invalidate it at once; another gateway instance sees them within this time.
 */
const STANDING_CACHE_MS = 5000;
const STANDING_CACHE_MAX_ENTRIES = 10_000;
const FIRST_ADMIN = 'first-admin';

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

@Injectable()
export class UsersService {
  private readonly standings = new Map<string, { standing: UserStanding; until: number }>();
  /** Compared against when the email is unknown, so a wrong email takes as long as a wrong password. */
  private dummyHash: Promise<string> | undefined;

  constructor(
    @InjectModel(User.name) private readonly users: Model<User>,
    @InjectModel(UserBootstrap.name) private readonly bootstrap: Model<UserBootstrap>,
    private readonly config: GatewayConfig,
  ) {}

  /** Creates an account; the very first account becomes an administrator. */
  async create(email: string, password: string): Promise<UserDocument> {
    const passwordHash = await hashPassword(password, this.config.AUTH_BCRYPT_ROUNDS);
    let user: UserDocument;
    try {
      user = await this.users.create({ email: normalizeEmail(email), passwordHash, role: 'user' });
    } catch (error) {
      if (isDuplicateKeyError(error)) {
        throw new ConflictException('An account with this email already exists. Sign in instead.');
      }
      throw error;
    }
    if (await this.claimFirstAdmin(user._id.toHexString())) {
      user.role = 'admin';
      await user.save();
    }
    return user;
  }

  /** The user when email and password match, else null (same work either way). */
  async verifyCredentials(email: string, password: string): Promise<UserDocument | null> {
    const user = await this.users.findOne({ email: normalizeEmail(email) }).exec();
    if (!user) {
      this.dummyHash ??= hashPassword('not-a-real-password', this.config.AUTH_BCRYPT_ROUNDS);
      await verifyPassword(password, await this.dummyHash);
      return null;
    }
    return (await verifyPassword(password, user.passwordHash)) ? user : null;
  }

  async recordSignIn(userId: string): Promise<void> {
    await this.users.updateOne({ _id: userId }, { $set: { lastSignInAt: new Date() } }).exec();
  }

  async get(userId: string): Promise<UserDocument> {
    const user = isObjectId(userId) ? await this.users.findById(userId).exec() : null;
    if (!user) throw new NotFoundException(`No user has the id "${userId}".`);
    return user;
  }

  /** A user's role and standing, cached briefly: the guard asks on every request. Null if the user is gone. */
  async standing(userId: string): Promise<UserStanding | null> {
    const cached = this.standings.get(userId);
    if (cached && cached.until > Date.now()) return cached.standing;
    const user = isObjectId(userId) ? await this.users.findById(userId).lean().exec() : null;
    if (!user) {
      this.standings.delete(userId);
      return null;
    }
    const standing: UserStanding = {
      actor: { userId, role: user.role },
      disabled: user.disabledAt !== null,
      sessionVersion: user.sessionVersion,
    };
    if (this.standings.size >= STANDING_CACHE_MAX_ENTRIES) this.standings.clear();
    this.standings.set(userId, { standing, until: Date.now() + STANDING_CACHE_MS });
    return standing;
  }

  /** Makes every access token issued to the user so far unusable. Returns the new version. */
  async endAllSessions(userId: string): Promise<void> {
    await this.users.updateOne({ _id: userId }, { $inc: { sessionVersion: 1 } }).exec();
    this.standings.delete(userId);
  }

  /** Disables or enables an account; disabling also ends its sessions. */
  async setDisabled(userId: string, disabled: boolean): Promise<UserDocument> {
    const user = await this.get(userId);
    user.disabledAt = disabled ? (user.disabledAt ?? new Date()) : null;
    if (disabled) user.sessionVersion += 1;
    await user.save();
    this.standings.delete(userId);
    return user;
  }

  /** Oldest first; `cursor` is the id of the last user of the previous page. */
  async list(options: { limit: number; cursor?: string; email?: string }): Promise<UserPage> {
    const filter: Record<string, unknown> = {};
    if (options.cursor) filter['_id'] = { $gt: options.cursor };
    if (options.email) filter['email'] = { $regex: escapeRegExp(normalizeEmail(options.email)) };
    const items = await this.users
      .find(filter)
      .sort({ _id: 1 })
      .limit(options.limit + 1)
      .exec();
    const hasMore = items.length > options.limit;
    const page = items.slice(0, options.limit);
    return { items: page, nextCursor: hasMore ? (page.at(-1)?._id.toHexString() ?? null) : null };
  }

  private async claimFirstAdmin(userId: string): Promise<boolean> {
    try {
      await this.bootstrap.create({ _id: FIRST_ADMIN, userId });
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

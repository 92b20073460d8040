import { Injectable, Logger } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Actor } from '@slipway/contracts';
import { Model } from 'mongoose';
import type { Authentication } from '../auth/authentication';
import { AuditEvent, AuditEventDocument, AuditOutcome } from './schemas/audit-event.schema';

/** What a feature tells the audit log. Never put a secret (a token, a password, an env value) in it. */
export interface AuditEntry {
  /** Who; null when nobody is signed in. Pass `authentication` instead to also record how they signed in. */
  actor: Actor | null;
  authentication?: Authentication;
  /** Dotted, past-tense-ish verb phrase: "app.created", "deployment.cancelled", "auth.login-failed". */
  action: string;
  appId?: string;
  target?: string;
  ip: string | null;
  userAgent: string | null;
  outcome?: AuditOutcome;
  details?: Record<string, string | number | boolean | string[]>;
}

export interface AuditQuery {
  actorId?: string;
  /** Exact action, or a prefix ending in "." ("auth.") for a whole family. */
  action?: string;
  appId?: string;
  outcome?: AuditOutcome;
  since?: Date;
  until?: Date;
  limit: number;
  /** The id of the last event of the previous page. */
  cursor?: string;
}

export interface AuditPage {
  items: AuditEventDocument[];
  nextCursor: string | null;
}

/**
 * The audit log every feature writes to (`AuditLog.record`). A failed write is logged as an error and does
 * not fail the user's request: the action itself already happened.
 */
@Injectable()
export class AuditLog {
  private readonly logger = new Logger(AuditLog.name);

  constructor(@InjectModel(AuditEvent.name) private readonly events: Model<AuditEvent>) {}

  async record(entry: AuditEntry): Promise<void> {
    const actor = entry.authentication?.actor ?? entry.actor;
    try {
      await this.events.create({
        actorId: actor?.userId ?? null,
        actorRole: actor?.role ?? null,
        via: entry.authentication?.via ?? null,
        apiTokenId: entry.authentication?.via === 'api-token' ? entry.authentication.apiTokenId : null,
        action: entry.action,
        outcome: entry.outcome ?? 'success',
        appId: entry.appId ?? null,
        target: entry.target ?? null,
        ip: entry.ip,
        userAgent: entry.userAgent,
        details: entry.details ?? {},
      });
    } catch (error) {
      this.logger.error(`Could not write the audit event "${entry.action}": ${(error as Error).message}`);
    }
  }

  /** Removes events recorded before `before` (retention). */
  async deleteRecordedBefore(before: Date): Promise<number> {
    const result = await this.events.deleteMany({ at: { $lt: before } }).exec();
    return result.deletedCount;
  }

  /** Newest first. */
  async query(query: AuditQuery): Promise<AuditPage> {
    const filter: Record<string, unknown> = {};
    if (query.actorId) filter['actorId'] = query.actorId;
    if (query.appId) filter['appId'] = query.appId;
    if (query.outcome) filter['outcome'] = query.outcome;
    if (query.action) {
      filter['action'] = query.action.endsWith('.')
        ? { $regex: `^${query.action.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}` }
        : query.action;
    }
    if (query.since || query.until) {
      filter['at'] = {
        ...(query.since ? { $gte: query.since } : {}),
        ...(query.until ? { $lt: query.until } : {}),
      };
    }
    if (query.cursor) filter['_id'] = { $lt: query.cursor };
    const items = await this.events
      .find(filter)
      .sort({ _id: -1 })
      .limit(query.limit + 1)
      .exec();
    const hasMore = items.length > query.limit;
    const page = items.slice(0, query.limit);
    return { items: page, nextCursor: hasMore ? (page.at(-1)?._id.toHexString() ?? null) : null };
  }
}

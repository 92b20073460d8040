import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AuditLog } from '../audit/audit-log.service';
import { GatewayConfig } from '../config/gateway.config';
import { SessionsService } from './sessions.service';

const HOUR_MS = 3600 * 1000;
const DAY_MS = 24 * HOUR_MS;
/** Finished sessions stay a week, so "why was I signed out?" can still be answered from the database. */
export const FINISHED_SESSION_KEEP_DAYS = 7;

export interface HousekeepingCutoffs {
  sessionsBefore: Date;
  auditBefore: Date | null;
}

export function housekeepingCutoffs(now: Date, auditRetentionDays: number): HousekeepingCutoffs {
  return {
    sessionsBefore: new Date(now.getTime() - FINISHED_SESSION_KEEP_DAYS * DAY_MS),
    auditBefore: auditRetentionDays > 0 ? new Date(now.getTime() - auditRetentionDays * DAY_MS) : null,
  };
}

/**
 * Hourly: deletes sessions that ended or expired over a week ago, and audit events past
 * AUDIT_RETENTION_DAYS. Several gateway instances may run it at once; deleting is idempotent.
 */
@Injectable()
export class Housekeeping implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(Housekeeping.name);
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly sessions: SessionsService,
    private readonly audit: AuditLog,
    private readonly config: GatewayConfig,
  ) {}

  onApplicationBootstrap(): void {
    void this.sweep();
    this.timer = setInterval(() => void this.sweep(), HOUR_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async sweep(now = new Date()): Promise<{ sessions: number; auditEvents: number }> {
    const cutoffs = housekeepingCutoffs(now, this.config.AUDIT_RETENTION_DAYS);
    try {
      const sessions = await this.sessions.deleteFinishedBefore(cutoffs.sessionsBefore);
      const auditEvents = cutoffs.auditBefore
        ? await this.audit.deleteRecordedBefore(cutoffs.auditBefore)
        : 0;
      if (sessions + auditEvents > 0) {
        this.logger.log(`Deleted ${sessions} finished sessions and ${auditEvents} expired audit events`);
      }
      return { sessions, auditEvents };
    } catch (error) {
      this.logger.error(`Housekeeping failed, will retry in an hour: ${(error as Error).message}`);
      return { sessions: 0, auditEvents: 0 };
    }
  }
}

import type { AuditLog } from '../audit/audit-log.service';
import { GatewayConfig } from '../config/gateway.config';
import { Housekeeping, housekeepingCutoffs } from './housekeeping';
import type { SessionsService } from './sessions.service';

const NOW = new Date('2026-06-15T12:00:00Z');

describe('housekeeping', () => {
  it('keeps finished sessions a week and audit events for the retention period', () => {
    expect(housekeepingCutoffs(NOW, 365)).toEqual({
      sessionsBefore: new Date('2026-06-08T12:00:00Z'),
      auditBefore: new Date('2025-06-15T12:00:00Z'),
    });
  });

  it('keeps audit events forever when the retention is 0', () => {
    expect(housekeepingCutoffs(NOW, 0).auditBefore).toBeNull();
  });

  it('deletes with those cutoffs, and survives a database error', async () => {
    const calls: string[] = [];
    const sessions = {
      deleteFinishedBefore: async (before: Date) => (calls.push(`sessions<${before.toISOString()}`), 3),
    } as unknown as SessionsService;
    const audit = {
      deleteRecordedBefore: async (before: Date) => (calls.push(`audit<${before.toISOString()}`), 2),
    } as unknown as AuditLog;
    const config = Object.assign(new GatewayConfig(), { AUDIT_RETENTION_DAYS: 30 });
    expect(await new Housekeeping(sessions, audit, config).sweep(NOW)).toEqual({
      sessions: 3,
      auditEvents: 2,
    });
    expect(calls).toEqual(['sessions<2026-06-08T12:00:00.000Z', 'audit<2026-05-16T12:00:00.000Z']);

    const failing = {
      deleteFinishedBefore: async () => Promise.reject(new Error('database down')),
    } as unknown as SessionsService;
    expect(await new Housekeeping(failing, audit, config).sweep(NOW)).toEqual({
      sessions: 0,
      auditEvents: 0,
    });
  });
});

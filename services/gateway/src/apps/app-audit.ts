import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { AuditLog } from '../audit/audit-log.service';
import type { Authentication } from '../auth/authentication';
import { clientContextOf } from '../auth/client-context';

/** Records who did what to which app, from where, for every app-scoped change (never a secret value). */
@Injectable()
export class AppAuditTrail {
  constructor(private readonly audit: AuditLog) {}

  record(
    authentication: Authentication,
    request: Request,
    action: string,
    appId: string,
    details: Record<string, string | number | boolean | string[]> = {},
  ): Promise<void> {
    return this.audit.record({
      authentication,
      actor: authentication.actor,
      action,
      appId,
      ...clientContextOf(request),
      details,
    });
  }
}

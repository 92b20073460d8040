import { toIsoString } from '@slipway/nest-mongo';
import { AuditEventDto } from './dto/audit-event.dto';
import { AuditEventDocument } from './schemas/audit-event.schema';

export function toAuditEventDto(event: AuditEventDocument): AuditEventDto {
  return {
    id: event._id.toHexString(),
    at: toIsoString(event.at),
    actorId: event.actorId,
    actorRole: event.actorRole,
    via: event.via,
    apiTokenId: event.apiTokenId,
    action: event.action,
    outcome: event.outcome,
    appId: event.appId,
    target: event.target,
    ip: event.ip,
    userAgent: event.userAgent,
    details: { ...event.details },
  };
}

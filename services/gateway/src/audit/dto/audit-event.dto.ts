import { ApiProperty } from '@nestjs/swagger';
import { USER_ROLES, UserRole } from '@slipway/contracts';
import { AUDIT_OUTCOMES, AuditOutcome } from '../schemas/audit-event.schema';

export class AuditEventDto {
  @ApiProperty()
  id!: string;

  @ApiProperty()
  at!: string;

  @ApiProperty({ type: String, nullable: true })
  actorId!: string | null;

  @ApiProperty({ enum: USER_ROLES, nullable: true })
  actorRole!: UserRole | null;

  @ApiProperty({ enum: ['session', 'api-token'], nullable: true })
  via!: 'session' | 'api-token' | null;

  @ApiProperty({ type: String, nullable: true })
  apiTokenId!: string | null;

  @ApiProperty({ example: 'auth.logged-in' })
  action!: string;

  @ApiProperty({ enum: AUDIT_OUTCOMES })
  outcome!: AuditOutcome;

  @ApiProperty({ type: String, nullable: true })
  appId!: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'user:665f1c2e9b1d4a0012345678' })
  target!: string | null;

  @ApiProperty({ type: String, nullable: true })
  ip!: string | null;

  @ApiProperty({ type: String, nullable: true })
  userAgent!: string | null;

  @ApiProperty({ type: 'object', additionalProperties: true })
  details!: Record<string, string | number | boolean | string[]>;
}

export class AuditPageDto {
  @ApiProperty({ type: [AuditEventDto] })
  items!: AuditEventDto[];

  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` for older events' })
  nextCursor!: string | null;
}

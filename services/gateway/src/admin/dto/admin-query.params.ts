import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsDate,
  IsIn,
  IsInt,
  IsMongoId,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
} from 'class-validator';
import { AUDIT_OUTCOMES, AuditOutcome } from '../../audit/schemas/audit-event.schema';

export const ADMIN_PAGE_MAX_LIMIT = 200;

export class PageParams {
  @ApiPropertyOptional({ default: 50, maximum: ADMIN_PAGE_MAX_LIMIT })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be a whole number' })
  @Min(1)
  @Max(ADMIN_PAGE_MAX_LIMIT, { message: `limit must be at most ${ADMIN_PAGE_MAX_LIMIT}` })
  limit?: number;

  @ApiPropertyOptional({ description: '`nextCursor` of the previous page' })
  @IsOptional()
  @IsMongoId({ message: 'cursor must be the nextCursor of a previous page' })
  cursor?: string;
}

export class ListUsersParams extends PageParams {
  @ApiPropertyOptional({ description: 'Only users whose email contains this text' })
  @IsOptional()
  @IsString()
  @Length(1, 254)
  email?: string;
}

export class AuditQueryParams extends PageParams {
  @ApiPropertyOptional({ description: 'Only what this user did' })
  @IsOptional()
  @IsMongoId({ message: 'actorId must be a user id' })
  actorId?: string;

  @ApiPropertyOptional({ description: 'An action ("auth.logged-in"), or a prefix ending in "." ("auth.")' })
  @IsOptional()
  @Matches(/^[a-z0-9-]+(\.[a-z0-9-]*)*$/, { message: 'action must look like "auth.logged-in" or "auth."' })
  @Length(1, 100)
  action?: string;

  @ApiPropertyOptional({ description: 'Only events about this app' })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  appId?: string;

  @ApiPropertyOptional({ enum: AUDIT_OUTCOMES })
  @IsOptional()
  @IsIn(AUDIT_OUTCOMES, { message: `outcome must be one of ${AUDIT_OUTCOMES.join(', ')}` })
  outcome?: AuditOutcome;

  @ApiPropertyOptional({ description: 'ISO 8601 time; events at or after it' })
  @IsOptional()
  @Type(() => Date)
  @IsDate({ message: 'since must be an ISO 8601 time, like 2026-01-31T12:00:00Z' })
  since?: Date;

  @ApiPropertyOptional({ description: 'ISO 8601 time; events before it' })
  @IsOptional()
  @Type(() => Date)
  @IsDate({ message: 'until must be an ISO 8601 time, like 2026-01-31T12:00:00Z' })
  until?: Date;
}

import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { DeployAppRequest, RollbackAppRequest } from '@slipway/contracts';
import { IsOptional, Matches } from 'class-validator';

export class DeployBody extends OmitType(DeployAppRequest, ['actor', 'appId', 'idempotencyKey'] as const) {
  @ApiPropertyOptional({
    example: 'main',
    description: "A branch or tag (its head) or a commit SHA; the app's branch when omitted.",
  })
  declare ref?: string;

  @ApiPropertyOptional({
    example: '3f5c2a1…',
    description: 'A commit SHA: the same as `ref`, named for clarity.',
  })
  @IsOptional()
  @Matches(/^[0-9a-f]{7,40}$/, { message: 'commit must be a commit SHA (7 to 40 hex characters)' })
  commit?: string;

  @ApiPropertyOptional({
    example: 'nginx:1.27',
    description: 'Release this local image instead of building.',
  })
  declare image?: string;

  @ApiPropertyOptional({ description: 'For apps deployed from uploads: the object of POST /uploads.' })
  declare archiveObject?: string;

  @ApiPropertyOptional({ example: 'Hotfix for the checkout' })
  declare message?: string;
}

export class RollbackBody extends OmitType(RollbackAppRequest, ['actor', 'appId'] as const) {
  @ApiProperty({ description: 'A release of GET /apps/:id/releases that went live.' })
  declare releaseId: string;
}

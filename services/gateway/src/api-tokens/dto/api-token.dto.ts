import { ApiProperty } from '@nestjs/swagger';
import { API_TOKEN_SCOPES, ApiTokenScope } from '../../auth/scopes';

export class ApiTokenDto {
  @ApiProperty()
  id!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ enum: API_TOKEN_SCOPES, isArray: true })
  scopes!: ApiTokenScope[];

  @ApiProperty({ description: 'The start of the value, e.g. "slw_AbC12345", to tell tokens apart' })
  displayPrefix!: string;

  @ApiProperty()
  createdAt!: string;

  @ApiProperty({ type: String, nullable: true })
  expiresAt!: string | null;

  @ApiProperty({ type: String, nullable: true })
  lastUsedAt!: string | null;

  @ApiProperty({ type: String, nullable: true })
  revokedAt!: string | null;
}

export class CreatedApiTokenDto extends ApiTokenDto {
  @ApiProperty({ description: 'The token itself. Shown only now: store it somewhere safe.' })
  token!: string;
}

export class ApiTokenListDto {
  @ApiProperty({ type: [ApiTokenDto] })
  items!: ApiTokenDto[];
}

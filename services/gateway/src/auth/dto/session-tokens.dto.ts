import { ApiProperty } from '@nestjs/swagger';
import { API_TOKEN_SCOPES, ApiTokenScope } from '../scopes';
import { UserDto } from '../../users/dto/user.dto';

export class SessionTokensDto {
  @ApiProperty({ description: 'Send as "Authorization: Bearer <accessToken>"' })
  accessToken!: string;

  @ApiProperty({ example: 'Bearer' })
  tokenType!: 'Bearer';

  @ApiProperty({ description: 'Seconds until the access token expires' })
  expiresIn!: number;

  @ApiProperty({ description: 'Exchange at POST /api/v1/auth/refresh for new tokens; works once' })
  refreshToken!: string;

  @ApiProperty({ type: UserDto })
  user!: UserDto;
}

export class MeDto {
  @ApiProperty({ type: UserDto })
  user!: UserDto;

  @ApiProperty({ enum: ['session', 'api-token'] })
  authenticatedWith!: 'session' | 'api-token';

  @ApiProperty({
    enum: API_TOKEN_SCOPES,
    isArray: true,
    nullable: true,
    description: "The API token's scopes; null for a signed-in user (limited only by role)",
  })
  scopes!: ApiTokenScope[] | null;
}

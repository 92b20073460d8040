import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Max,
  Min,
} from 'class-validator';
import { API_TOKEN_SCOPES, ApiTokenScope } from '../../auth/scopes';

export class CreateApiTokenBody {
  @ApiProperty({ example: 'GitHub Actions deploy' })
  @IsString()
  @Length(1, 80, { message: 'name must be 1 to 80 characters' })
  name!: string;

  @ApiProperty({ enum: API_TOKEN_SCOPES, isArray: true, example: ['apps:read', 'deploy'] })
  @IsArray()
  @ArrayMinSize(1, { message: `scopes must name at least one of: ${API_TOKEN_SCOPES.join(', ')}` })
  @ArrayUnique()
  @IsIn(API_TOKEN_SCOPES, {
    each: true,
    message: `each scope must be one of: ${API_TOKEN_SCOPES.join(', ')}`,
  })
  scopes!: ApiTokenScope[];

  @ApiPropertyOptional({
    description: 'Days until the token stops working; without it, it works until revoked',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3650)
  expiresInDays?: number;
}

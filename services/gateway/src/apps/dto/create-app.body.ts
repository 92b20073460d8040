import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  APP_NAME_PATTERN,
  APP_NAME_RULE,
  APP_SOURCE_KINDS,
  AppSourceKind,
  CreateAppRequest,
} from '@slipway/contracts';

/** The contract's request with its OpenAPI description; validation rules are inherited from the contract. */
export class CreateAppBody extends CreateAppRequest {
  @ApiProperty({ example: 'my-api', pattern: APP_NAME_PATTERN.source, description: APP_NAME_RULE })
  declare name: string;

  @ApiPropertyOptional({
    enum: APP_SOURCE_KINDS,
    description: 'Inferred from repoUrl or image when omitted.',
  })
  declare sourceKind?: AppSourceKind;

  @ApiPropertyOptional({ example: 'https://github.com/acme/my-api.git' })
  declare repoUrl?: string;

  @ApiPropertyOptional({ example: 'main' })
  declare branch?: string;

  @ApiPropertyOptional({ example: 'nginx:1.27' })
  declare image?: string;
}

import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import {
  ENV_APPLY_MODES,
  EnvApplyMode,
  EnvVarInput,
  ImportEnvVarsRequest,
  SetEnvVarsRequest,
} from '@slipway/contracts';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsString } from 'class-validator';

const APPLY_DESCRIPTION =
  '`now`: release the running image again with the new values (zero downtime); `next-deploy`: store them for the next deployment.';

export class SetEnvVarsBody extends OmitType(SetEnvVarsRequest, ['actor', 'appId'] as const) {
  @ApiProperty({ type: [EnvVarInput], example: [{ name: 'DATABASE_URL', value: 'postgres://…' }] })
  declare vars: EnvVarInput[];

  @ApiProperty({ enum: ENV_APPLY_MODES, description: APPLY_DESCRIPTION })
  declare apply: EnvApplyMode;
}

export class ImportEnvVarsBody extends OmitType(ImportEnvVarsRequest, ['actor', 'appId'] as const) {
  @ApiProperty({ example: 'NODE_ENV=production\nAPI_KEY="abc"\n', description: 'The text of a .env file.' })
  declare dotenv: string;

  @ApiProperty({ enum: ENV_APPLY_MODES, description: APPLY_DESCRIPTION })
  declare apply: EnvApplyMode;
}

export class RevealEnvVarsParams {
  @ApiPropertyOptional({
    description: 'Comma-separated names to reveal; all when omitted.',
    example: 'API_KEY,DATABASE_URL',
  })
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' ? value.split(',').filter(Boolean) : value))
  @IsArray()
  @ArrayMaxSize(500)
  @IsString({ each: true })
  names?: string[];
}

export class EnvApplyParams {
  @ApiProperty({ enum: ENV_APPLY_MODES, description: APPLY_DESCRIPTION })
  @IsIn(ENV_APPLY_MODES, { message: `apply must be one of ${ENV_APPLY_MODES.join(', ')}` })
  apply!: EnvApplyMode;
}

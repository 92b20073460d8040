import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { ENV_VAR_NAME_PATTERN } from '../releases/release.events';
import { AppScopedRequest } from './get-app.request';

export const ENV_VAR_NAME_RULE =
  'env var names are letters, digits and _, do not start with a digit, and are at most 128 characters';
export const ENV_VAR_VALUE_MAX_LENGTH = 8192;
export const ENV_VARS_PER_APP_MAX = 500;

/**
 * When a change to env vars takes effect: `now` releases the running image again with the new values
 * (a zero-downtime restart); `next-deploy` stores them for the next deployment.
 */
export const ENV_APPLY_MODES = ['now', 'next-deploy'] as const;
export type EnvApplyMode = (typeof ENV_APPLY_MODES)[number];

export class EnvVarInput {
  @IsString()
  @Matches(ENV_VAR_NAME_PATTERN, { message: ENV_VAR_NAME_RULE })
  name!: string;

  @IsString()
  @MaxLength(ENV_VAR_VALUE_MAX_LENGTH)
  value!: string;
}

/** `rpc.apps.env.list`: names and masked values; `reveal: true` returns the values (owner only). */
export class ListEnvVarsRequest extends AppScopedRequest {
  @IsOptional()
  @IsBoolean()
  reveal?: boolean;

  /** Reveal only these names (with `reveal: true`); all when omitted. */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(ENV_VARS_PER_APP_MAX)
  @IsString({ each: true })
  names?: string[];
}

/** `rpc.apps.env.set`: adds or replaces these variables; others stay. */
export class SetEnvVarsRequest extends AppScopedRequest {
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(ENV_VARS_PER_APP_MAX)
  @ValidateNested({ each: true })
  @Type(() => EnvVarInput)
  vars!: EnvVarInput[];

  @IsIn(ENV_APPLY_MODES, { message: `apply must be one of ${ENV_APPLY_MODES.join(', ')}` })
  apply!: EnvApplyMode;
}

/** `rpc.apps.env.import`: `.env` text (`NAME=value` lines, `#` comments, optional quotes and `export`). */
export class ImportEnvVarsRequest extends AppScopedRequest {
  @IsString()
  @MaxLength(1024 * 1024)
  dotenv!: string;

  @IsIn(ENV_APPLY_MODES, { message: `apply must be one of ${ENV_APPLY_MODES.join(', ')}` })
  apply!: EnvApplyMode;
}

/** `rpc.apps.env.delete` */
export class DeleteEnvVarsRequest extends AppScopedRequest {
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(ENV_VARS_PER_APP_MAX)
  @IsString({ each: true })
  names!: string[];

  @IsIn(ENV_APPLY_MODES, { message: `apply must be one of ${ENV_APPLY_MODES.join(', ')}` })
  apply!: EnvApplyMode;
}

export interface EnvVarDto {
  name: string;
  /** Null unless revealed. */
  value: string | null;
  masked: boolean;
  updatedAt: string;
}

export interface EnvVarListDto {
  items: EnvVarDto[];
  /** True when the running release was started with other values (a change waits for the next deploy). */
  pendingUntilNextDeploy: boolean;
  /** With `apply: now`: the deployment that releases the new values (null when nothing runs yet). */
  applyDeploymentId: string | null;
}

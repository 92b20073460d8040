import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { Actor } from '../auth/actor';
import { ValidActor } from './get-app.request';
import { APP_PLANS, AppPlan, HealthCheckSpec } from '../releases/release.events';

/** DNS label: becomes part of the app's URL (`<name>.<base domain>`). */
export const APP_NAME_PATTERN = /^[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
export const APP_NAME_RULE =
  'app name must be 1-63 characters of lowercase letters, digits and hyphens, start with a letter and not end with a hyphen';

export const APP_SOURCE_KINDS = ['git', 'image', 'archive'] as const;
export type AppSourceKind = (typeof APP_SOURCE_KINDS)[number];

/** A host name routed to the app besides `<name>.<base domain>`: lowercase labels separated by dots. */
export const DOMAIN_PATTERN =
  /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/;
export const DOMAIN_RULE = 'each domain must be a lowercase host name such as www.example.com';

/** Database engines the wizard offers; stored now, provisioned by a later release of Slipway. */
export const DATABASE_TYPES = ['postgres', 'mysql', 'mongodb', 'redis'] as const;
export type DatabaseType = (typeof DATABASE_TYPES)[number];

export class AppDatabaseSettings {
  @IsBoolean()
  enabled!: boolean;

  @IsOptional()
  @IsIn(DATABASE_TYPES, { message: `database type must be one of ${DATABASE_TYPES.join(', ')}` })
  type?: DatabaseType;
}

/**
 * What a user can set on an app besides its name and source, in both create and update: build and start
 * overrides, port, health check, plan, placement and domains. Every field is optional.
 */
export class AppSettingsInput {
  /** Subfolder of the repository to build (monorepos), e.g. `apps/web`. */
  @IsOptional()
  @IsString()
  @MaxLength(512)
  @Matches(/^(?!\/)(?!.*\.\.)/, { message: 'rootDirectory is a relative path inside the repository' })
  rootDirectory?: string;

  @IsOptional()
  @IsString()
  @MaxLength(1024)
  installCommand?: string;

  @IsOptional()
  @IsString()
  @MaxLength(1024)
  buildCommand?: string;

  @IsOptional()
  @IsString()
  @MaxLength(1024)
  startCommand?: string;

  /** The port the app listens on inside its container; detected by the builder when omitted. */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(65_535)
  port?: number;

  @IsOptional()
  @ValidateNested()
  @Type(() => HealthCheckSpec)
  healthCheck?: HealthCheckSpec;

  @IsOptional()
  @IsIn(APP_PLANS, { message: `plan must be one of ${APP_PLANS.join(', ')}` })
  plan?: AppPlan;

  /** A label only (one host today): where the user wants the app to run. */
  @IsOptional()
  @IsString()
  @Matches(/^[a-z0-9-]{1,32}$/, { message: 'region is 1-32 lowercase letters, digits or hyphens' })
  region?: string;

  /** The framework or template picked in the wizard (`nextjs`, `express`, ...): a hint, not a rule. */
  @IsOptional()
  @IsString()
  @MaxLength(64)
  framework?: string;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @Matches(DOMAIN_PATTERN, { each: true, message: DOMAIN_RULE })
  domains?: string[];

  /** Deploy on every push to the app's branch (GitHub webhook). */
  @IsOptional()
  @IsBoolean()
  autoDeploy?: boolean;

  @IsOptional()
  @ValidateNested()
  @Type(() => AppDatabaseSettings)
  database?: AppDatabaseSettings;
}

/** `rpc.apps.create`: sent by the gateway on `POST /api/v1/apps`; the actor becomes the owner. */
export class CreateAppRequest extends AppSettingsInput {
  @ValidActor()
  actor!: Actor;

  @IsString()
  @Matches(APP_NAME_PATTERN, { message: APP_NAME_RULE })
  name!: string;

  @IsOptional()
  @IsIn(APP_SOURCE_KINDS, { message: `sourceKind must be one of ${APP_SOURCE_KINDS.join(', ')}` })
  sourceKind?: AppSourceKind;

  @IsOptional()
  @IsString()
  @MaxLength(2048)
  repoUrl?: string;

  @IsOptional()
  @IsString()
  @MaxLength(255)
  branch?: string;

  @IsOptional()
  @IsString()
  @MaxLength(512)
  image?: string;
}

/** `rpc.apps.update`: changes only the fields given. The name cannot change (it is the app's URL). */
export class UpdateAppRequest extends AppSettingsInput {
  @ValidActor()
  actor!: Actor;

  @IsString()
  @MaxLength(64)
  id!: string;

  @IsOptional()
  @IsString()
  @MaxLength(2048)
  repoUrl?: string;

  @IsOptional()
  @IsString()
  @MaxLength(255)
  branch?: string;

  @IsOptional()
  @IsString()
  @MaxLength(512)
  image?: string;
}

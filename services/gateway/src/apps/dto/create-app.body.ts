import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import {
  APP_NAME_PATTERN,
  APP_NAME_RULE,
  APP_PLANS,
  APP_SOURCE_KINDS,
  AppDatabaseSettings,
  AppPlan,
  AppSourceKind,
  CreateAppRequest,
  HealthCheckSpec,
  UpdateAppRequest,
} from '@slipway/contracts';

/**
 * The contract's request without the actor (the gateway adds the signed-in caller), with its OpenAPI
 * description; validation rules are inherited from the contract.
 */
export class CreateAppBody extends OmitType(CreateAppRequest, ['actor'] as const) {
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

  @ApiPropertyOptional({ example: 'apps/api', description: 'Subfolder to build (monorepos).' })
  declare rootDirectory?: string;

  @ApiPropertyOptional({ example: 'npm ci' })
  declare installCommand?: string;

  @ApiPropertyOptional({ example: 'npm run build' })
  declare buildCommand?: string;

  @ApiPropertyOptional({ example: 'node dist/main.js' })
  declare startCommand?: string;

  @ApiPropertyOptional({ example: 3000, description: 'Detected by the builder when omitted.' })
  declare port?: number;

  @ApiPropertyOptional({ type: () => HealthCheckSpec })
  declare healthCheck?: HealthCheckSpec;

  @ApiPropertyOptional({ enum: APP_PLANS, default: 'starter' })
  declare plan?: AppPlan;

  @ApiPropertyOptional({ example: 'eu-west', default: 'local' })
  declare region?: string;

  @ApiPropertyOptional({ example: 'express' })
  declare framework?: string;

  @ApiPropertyOptional({ type: [String], example: ['api.example.com'] })
  declare domains?: string[];

  @ApiPropertyOptional({
    default: false,
    description: 'Deploy on every push to the branch (GitHub webhook).',
  })
  declare autoDeploy?: boolean;

  @ApiPropertyOptional({ type: () => AppDatabaseSettings, description: 'Stored now; provisioned later.' })
  declare database?: AppDatabaseSettings;
}

/** Only the fields given change. */
export class UpdateAppBody extends OmitType(UpdateAppRequest, ['actor', 'id'] as const) {
  @ApiPropertyOptional({ enum: APP_PLANS })
  declare plan?: AppPlan;

  @ApiPropertyOptional({ example: 'main' })
  declare branch?: string;

  @ApiPropertyOptional({ example: 3000 })
  declare port?: number;

  @ApiPropertyOptional()
  declare autoDeploy?: boolean;

  @ApiPropertyOptional({ type: () => HealthCheckSpec })
  declare healthCheck?: HealthCheckSpec;
}

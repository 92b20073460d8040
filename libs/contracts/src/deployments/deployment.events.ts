import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Min } from 'class-validator';
import { DEPLOYMENT_STATES, DeploymentState } from './deployment.dto';

/**
 * `deployment.transitioned.v1` (apps → anyone): a deployment changed state. Message id
 * `deployment.transitioned:<deploymentId>:<sequence>`; `sequence` counts transitions from 1, so a
 * consumer can order them and spot a gap.
 */
export class DeploymentTransitionedEvent {
  @IsString()
  deploymentId!: string;

  @IsString()
  appId!: string;

  @IsString()
  appName!: string;

  @IsInt()
  @Min(1)
  sequence!: number;

  @IsOptional()
  @IsIn(DEPLOYMENT_STATES)
  from?: DeploymentState;

  @IsIn(DEPLOYMENT_STATES)
  to!: DeploymentState;

  @IsString()
  reason!: string;

  @IsOptional()
  @IsString()
  url?: string;

  @IsISO8601()
  occurredAt!: string;
}

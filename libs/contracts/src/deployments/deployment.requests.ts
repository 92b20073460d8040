import { IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';
import { AppScopedRequest, PageRequest, ValidActor } from '../apps/get-app.request';
import { Actor } from '../auth/actor';
import { GIT_REF_PATTERN, GIT_REF_RULE } from './deploy-requested.event';

/** `rpc.deployments.create`: deploy the app's branch head, a given ref/commit, or an image. */
export class DeployAppRequest extends AppScopedRequest {
  @IsOptional()
  @IsString()
  @Matches(GIT_REF_PATTERN, { message: GIT_REF_RULE })
  ref?: string;

  @IsOptional()
  @IsString()
  @Length(1, 512)
  image?: string;

  /** For an app deployed from uploads: the `object` returned by `POST /api/v1/uploads`. */
  @IsOptional()
  @IsString()
  @Length(1, 255)
  archiveObject?: string;

  /** The HTTP `Idempotency-Key`: a repeated key returns the first deployment instead of a new one. */
  @IsOptional()
  @IsString()
  @Length(1, 128)
  idempotencyKey?: string;

  @IsOptional()
  @IsString()
  @MaxLength(500)
  message?: string;
}

/** `rpc.deployments.redeploy`: the same source again (the ref of the app's latest deployment). */
export class RedeployAppRequest extends AppScopedRequest {
  @IsOptional()
  @IsString()
  @Length(1, 128)
  idempotencyKey?: string;
}

/** `rpc.deployments.rollback`: release a kept release's image again, without building. */
export class RollbackAppRequest extends AppScopedRequest {
  @IsString()
  @Length(1, 64)
  releaseId!: string;
}

/** `rpc.deployments.list` / `rpc.releases.list` */
export class ListAppDeploymentsRequest extends PageRequest {
  @ValidActor()
  actor!: Actor;

  @IsString()
  @Length(1, 64)
  appId!: string;
}

/** `rpc.deployments.get`, `rpc.deployments.status`, `rpc.deployments.cancel`. */
export class DeploymentRequest {
  @ValidActor()
  actor!: Actor;

  @IsString()
  @Length(1, 64)
  deploymentId!: string;
}

import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { SealedSecret } from '../builds/build-source';

/** Plan names are part of the contract; the resources behind each live in the runtime's configuration. */
export const APP_PLANS = ['starter', 'pro'] as const;
export type AppPlan = (typeof APP_PLANS)[number];

/** POSIX-ish environment variable name; uppercase not required (some frameworks read lowercase ones). */
export const ENV_VAR_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

/** An env var on its way to the runtime: the value stays sealed in JetStream and in the runtime's database. */
export class SealedEnvVar {
  @IsString()
  @Matches(ENV_VAR_NAME_PATTERN, {
    message: 'env var names are letters, digits and _ and do not start with a digit',
  })
  name!: string;

  @ValidateNested()
  @Type(() => SealedSecret)
  value!: SealedSecret;
}

export const HEALTH_CHECK_KINDS = ['http', 'tcp'] as const;
export type HealthCheckKind = (typeof HEALTH_CHECK_KINDS)[number];

export class HealthCheckSpec {
  @IsIn(HEALTH_CHECK_KINDS)
  kind!: HealthCheckKind;

  /** http: the path requested; 2xx and 3xx count as healthy. */
  @IsOptional()
  @IsString()
  @Matches(/^\//, { message: 'the health check path starts with /' })
  @MaxLength(512)
  path?: string;

  @IsInt()
  @Min(100)
  @Max(60_000)
  intervalMs!: number;

  @IsInt()
  @Min(100)
  @Max(60_000)
  timeoutMs!: number;

  /** Consecutive successes before the instance counts as healthy. */
  @IsInt()
  @Min(1)
  @Max(20)
  successesRequired!: number;

  /** Give up (the release fails) when the instance is not healthy this long after it started. */
  @IsInt()
  @Min(1_000)
  @Max(600_000)
  deadlineMs!: number;
}

/**
 * One success lets an instance in, as Kubernetes readiness and Docker health checks do by default: Caddy keeps
 * checking the upstreams once they serve, so a second gate success would only delay every release by an interval.
 * Apps that need a settled streak set `successesRequired`.
 */
export const DEFAULT_HEALTH_CHECK: HealthCheckSpec = {
  kind: 'http',
  path: '/',
  intervalMs: 250,
  timeoutMs: 2_000,
  successesRequired: 1,
  deadlineMs: 60_000,
};

export const RELEASE_REASONS = ['deploy', 'rollback', 'env-change', 'restart'] as const;
export type ReleaseReason = (typeof RELEASE_REASONS)[number];

/**
 * `release.requested.v1` (apps → runtime): run this image for this app with zero downtime. The runtime
 * starts `replicas` new instances, health-gates them, switches the app's route to them, drains and removes
 * the previous release's instances. Replaying the same `releaseId` is a no-op once it is live or failed.
 */
export class ReleaseRequestedEvent {
  @IsString()
  @Length(1, 64)
  releaseId!: string;

  @IsString()
  @Length(1, 64)
  deploymentId!: string;

  @IsString()
  @Length(1, 64)
  appId!: string;

  @IsString()
  @Length(1, 63)
  appName!: string;

  @IsString()
  @Length(1, 512)
  image!: string;

  /** The port the app listens on inside its container (given to it as $PORT). */
  @IsInt()
  @Min(1)
  @Max(65_535)
  port!: number;

  @IsArray()
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @Type(() => SealedEnvVar)
  env!: SealedEnvVar[];

  @IsIn(APP_PLANS)
  plan!: AppPlan;

  @IsInt()
  @Min(1)
  @Max(20)
  replicas!: number;

  @ValidateNested()
  @Type(() => HealthCheckSpec)
  healthCheck!: HealthCheckSpec;

  /** Custom domains routed to the app besides `<appName>.<base domain>`. */
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  domains!: string[];

  /** Overrides the image's command (a shell command line), e.g. a configured start command. */
  @IsOptional()
  @IsString()
  @MaxLength(4096)
  command?: string;

  @IsIn(RELEASE_REASONS)
  reason!: ReleaseReason;

  @IsISO8601()
  requestedAt!: string;
}

export const RELEASE_STAGES = ['starting', 'health-check', 'switching', 'draining'] as const;
export type ReleaseStage = (typeof RELEASE_STAGES)[number];

/** `release.progressed.v1`: for the deployment's progress bar and its system log. */
export class ReleaseProgressedEvent {
  @IsString()
  releaseId!: string;

  @IsString()
  deploymentId!: string;

  @IsString()
  appId!: string;

  @IsIn(RELEASE_STAGES)
  stage!: ReleaseStage;

  /** A sentence for the user: "instance 1 of 2 passed its health check". */
  @IsString()
  message!: string;

  @IsISO8601()
  occurredAt!: string;
}

export class ReleaseTimings {
  @IsInt()
  startMs!: number;

  @IsInt()
  healthyMs!: number;

  @IsInt()
  switchMs!: number;
}

/** `release.live.v1`: the release serves the app's URL; the previous release is being drained. */
export class ReleaseLiveEvent {
  @IsString()
  releaseId!: string;

  @IsString()
  deploymentId!: string;

  @IsString()
  appId!: string;

  @IsString()
  url!: string;

  @IsInt()
  replicas!: number;

  @IsOptional()
  @IsString()
  previousReleaseId?: string;

  @ValidateNested()
  @Type(() => ReleaseTimings)
  timings!: ReleaseTimings;

  @IsISO8601()
  occurredAt!: string;
}

/** `release.failed.v1`: the release never became healthy; the previous release (if any) keeps serving. */
export class ReleaseFailedEvent {
  @IsString()
  releaseId!: string;

  @IsString()
  deploymentId!: string;

  @IsString()
  appId!: string;

  /** A sentence for the user: why it failed. */
  @IsString()
  reason!: string;

  /** The failing container's last output lines (secrets never logged by Slipway itself). */
  @IsArray()
  @IsString({ each: true })
  lastLogLines!: string[];

  @IsISO8601()
  occurredAt!: string;
}

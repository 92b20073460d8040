import { Type } from 'class-transformer';
import {
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsNumber,
  IsOptional,
  IsString,
  Length,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { BuildSettings } from './build-settings';
import { BuildSource } from './build-source';

export const BUILD_STAGES = ['queued', 'clone', 'detect', 'install', 'build', 'export'] as const;
export type BuildStage = (typeof BUILD_STAGES)[number];

export const DETECTED_STACKS = ['dockerfile', 'node', 'static', 'python', 'image'] as const;
export type DetectedStack = (typeof DETECTED_STACKS)[number];

/** `build.requested.v1`: build this source for this deployment. The build id is the deployment id. */
export class BuildRequestedEvent {
  @IsString()
  @Length(1, 64)
  deploymentId!: string;

  @IsString()
  @Length(1, 64)
  appId!: string;

  @IsString()
  @Length(1, 63)
  appName!: string;

  @ValidateNested()
  @Type(() => BuildSource)
  source!: BuildSource;

  @ValidateNested()
  @Type(() => BuildSettings)
  settings!: BuildSettings;

  @IsISO8601()
  requestedAt!: string;
}

/** `build.cancel-requested.v1` */
export class BuildCancelRequestedEvent {
  @IsString()
  @Length(1, 64)
  deploymentId!: string;

  @IsOptional()
  @IsString()
  reason?: string;
}

/** `build.progressed.v1`: a build entered a stage (or moved in the queue). */
export class BuildProgressedEvent {
  @IsString()
  deploymentId!: string;

  @IsString()
  appId!: string;

  @IsIn(BUILD_STAGES)
  stage!: BuildStage;

  /** 0–100, for a progress bar. */
  @IsInt()
  @Min(0)
  @Max(100)
  percent!: number;

  /** Builds ahead of this one while it is queued (0 = next). */
  @IsOptional()
  @IsInt()
  queuePosition?: number;

  @IsISO8601()
  occurredAt!: string;
}

export class StageTiming {
  @IsIn(BUILD_STAGES)
  stage!: BuildStage;

  @IsNumber()
  durationMs!: number;
}

export class DetectionResult {
  @IsIn(DETECTED_STACKS)
  stack!: DetectedStack;

  /** Human sentences: "found package.json with a start script", "yarn.lock → yarn". */
  @IsArray()
  @IsString({ each: true })
  reasons!: string[];

  @IsOptional()
  @IsInt()
  port?: number;
}

/** `build.succeeded.v1` */
export class BuildSucceededEvent {
  @IsString()
  deploymentId!: string;

  @IsString()
  appId!: string;

  @IsString()
  imageTag!: string;

  @IsString()
  imageId!: string;

  @IsNumber()
  sizeBytes!: number;

  @IsOptional()
  @IsString()
  commitSha?: string;

  @IsOptional()
  @IsString()
  commitMessage?: string;

  @ValidateNested()
  @Type(() => DetectionResult)
  detection!: DetectionResult;

  @IsBoolean()
  dependencyCacheHit!: boolean;

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => StageTiming)
  timings!: StageTiming[];

  @IsNumber()
  totalMs!: number;

  @IsISO8601()
  occurredAt!: string;
}

/** `build.failed.v1`: `reason` is a sentence for the user; `logTail` the last relevant log lines. */
export class BuildFailedEvent {
  @IsString()
  deploymentId!: string;

  @IsString()
  appId!: string;

  @IsIn(BUILD_STAGES)
  stage!: BuildStage;

  @IsString()
  reason!: string;

  @IsArray()
  @IsString({ each: true })
  logTail!: string[];

  @IsOptional()
  @IsBoolean()
  cancelled?: boolean;

  @IsISO8601()
  occurredAt!: string;
}

/** One batch of log lines on `logs.<appId>.<deploymentId>.<source>` (stream SLIPWAY_LOGS). */
export class LogLineEntry {
  @IsInt()
  seq!: number;

  @IsIn(['stdout', 'stderr'])
  stream!: 'stdout' | 'stderr';

  @IsOptional()
  @IsIn(BUILD_STAGES)
  stage?: BuildStage;

  @IsISO8601()
  timestamp!: string;

  @IsString()
  text!: string;

  /** Runtime lines: the instance (container) that wrote the line. */
  @IsOptional()
  @IsString()
  instance?: string;
}

export class LogBatchEvent {
  @IsString()
  appId!: string;

  @IsString()
  deploymentId!: string;

  @IsIn(['build', 'runtime', 'system'])
  source!: 'build' | 'runtime' | 'system';

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => LogLineEntry)
  lines!: LogLineEntry[];
}

export function logSubject(
  appId: string,
  deploymentId: string,
  source: 'build' | 'runtime' | 'system',
): string {
  return `logs.${appId}.${deploymentId}.${source}`;
}

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
  ValidateBy,
  ValidateNested,
  ValidationArguments,
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

const LOG_LINE_ENTRY_FIELDS = new Set(['seq', 'stream', 'stage', 'timestamp', 'text', 'instance']);
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/** Why `entry` is not a valid `LogLineEntry` (the same rules as its decorators), or null when it is. */
export function logLineEntryProblem(entry: unknown): string | null {
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) return 'must be an object';
  const line = entry as Record<string, unknown>;
  for (const field of Object.keys(line)) {
    if (!LOG_LINE_ENTRY_FIELDS.has(field)) return `property ${field} should not exist`;
  }
  if (!Number.isInteger(line['seq'])) return 'seq must be an integer number';
  if (line['stream'] !== 'stdout' && line['stream'] !== 'stderr') return 'stream must be stdout or stderr';
  if (line['stage'] !== undefined && !(BUILD_STAGES as readonly unknown[]).includes(line['stage'])) {
    return `stage must be one of ${BUILD_STAGES.join(', ')}`;
  }
  if (typeof line['timestamp'] !== 'string' || !ISO_DATE_TIME.test(line['timestamp'])) {
    return 'timestamp must be an ISO 8601 date-time';
  }
  if (typeof line['text'] !== 'string') return 'text must be a string';
  if (line['instance'] !== undefined && typeof line['instance'] !== 'string')
    return 'instance must be a string';
  return null;
}

/**
 * Validates every line of a batch with plain checks: the nested-class validation did the same in about
 * 5 ms per 200-line batch, a quarter of the logs service's whole budget per batch at 20,000 lines/s.
 */
function AreLogLineEntries(): PropertyDecorator {
  return ValidateBy({
    name: 'areLogLineEntries',
    validator: {
      validate: (value: unknown) =>
        Array.isArray(value) && value.every((entry) => logLineEntryProblem(entry) === null),
      defaultMessage: (args?: ValidationArguments) => {
        const value = args?.value as unknown;
        if (!Array.isArray(value)) return 'lines must be an array';
        const index = value.findIndex((entry) => logLineEntryProblem(entry) !== null);
        return `lines[${index}]: ${logLineEntryProblem(value[index]) ?? 'is invalid'}`;
      },
    },
  });
}

export class LogBatchEvent {
  @IsString()
  appId!: string;

  @IsString()
  deploymentId!: string;

  @IsIn(['build', 'runtime', 'system'])
  source!: 'build' | 'runtime' | 'system';

  @AreLogLineEntries()
  lines!: LogLineEntry[];
}

export function logSubject(
  appId: string,
  deploymentId: string,
  source: 'build' | 'runtime' | 'system',
): string {
  return `logs.${appId}.${deploymentId}.${source}`;
}

import { Type } from 'class-transformer';
import {
  IsArray,
  IsIn,
  IsInt,
  IsISO8601,
  IsNumber,
  IsOptional,
  IsString,
  Min,
  ValidateNested,
} from 'class-validator';
import { SERVICE_NAMES, ServiceName } from '../services';

export const DEPENDENCY_NAMES = ['database', 'nats', 'docker', 'caddy'] as const;
export type DependencyName = (typeof DEPENDENCY_NAMES)[number];
export type DependencyState = 'up' | 'down';

export class DependencyStatus {
  @IsIn(DEPENDENCY_NAMES)
  name!: DependencyName;

  @IsIn(['up', 'down'])
  status!: DependencyState;

  @IsOptional()
  @IsString()
  detail?: string;

  @IsOptional()
  @IsNumber()
  latencyMs?: number;
}

/** The builder's own queue, in its heartbeat: builds waiting for a slot and builds running now. */
export class BuildQueueLoad {
  @IsInt()
  @Min(0)
  queued!: number;

  @IsInt()
  @Min(0)
  running!: number;

  /** BUILD_CONCURRENCY: how many builds may run at once. */
  @IsInt()
  @Min(1)
  concurrency!: number;
}

/** `health.heartbeat.v1`: every service, every few seconds, over core NATS (a missed one is not a loss). */
export class HeartbeatEvent {
  @IsIn(SERVICE_NAMES)
  service!: ServiceName;

  @IsString()
  instanceId!: string;

  @IsString()
  version!: string;

  @IsISO8601()
  startedAt!: string;

  @IsNumber()
  uptimeSeconds!: number;

  @IsISO8601()
  sentAt!: string;

  @IsNumber()
  intervalMs!: number;

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => DependencyStatus)
  dependencies!: DependencyStatus[];

  /** Only the builder sends it. */
  @IsOptional()
  @ValidateNested()
  @Type(() => BuildQueueLoad)
  buildQueue?: BuildQueueLoad;
}

import { Type } from 'class-transformer';
import { IsArray, IsIn, IsISO8601, IsNumber, IsOptional, IsString, ValidateNested } from 'class-validator';
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
}

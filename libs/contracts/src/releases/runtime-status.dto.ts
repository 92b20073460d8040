import { IsOptional, IsString, Length, IsISO8601 } from 'class-validator';

/** `rpc.runtime.status` and `rpc.runtime.metrics` request: one app. */
export class RuntimeAppRequest {
  @IsString()
  @Length(1, 64)
  appId!: string;

  @IsOptional()
  @IsISO8601()
  since?: string;
}

export type InstanceHealth = 'starting' | 'healthy' | 'unhealthy' | 'crashed' | 'stopped' | 'draining';

export interface InstanceDto {
  id: string;
  releaseId: string;
  health: InstanceHealth;
  restartCount: number;
  exitCode: number | null;
  startedAt: string | null;
}

export type AppRuntimeState = 'none' | 'releasing' | 'running' | 'stopped' | 'crashed';

export interface AppRuntimeStatusDto {
  appId: string;
  state: AppRuntimeState;
  url: string | null;
  currentReleaseId: string | null;
  desiredReplicas: number;
  instances: InstanceDto[];
}

/** One downsampled sample for charts. */
export interface InstanceMetricsSampleDto {
  instanceId: string;
  at: string;
  cpuPercent: number;
  memoryBytes: number;
  memoryLimitBytes: number;
  networkRxBytes: number;
  networkTxBytes: number;
}

export interface AppMetricsDto {
  appId: string;
  samples: InstanceMetricsSampleDto[];
}

import { ServiceName } from '../services';
import { DependencyName, DependencyState } from './heartbeat.event';

export interface BuildQueueLoadDto {
  queued: number;
  running: number;
  concurrency: number;
}

export type ServiceState = 'up' | 'degraded' | 'down';

export interface DependencyStatusDto {
  name: DependencyName;
  status: DependencyState;
  detail?: string;
  latencyMs?: number;
}

export interface ServiceHealthDto {
  name: ServiceName;
  /** `down` when no heartbeat arrived in the last `staleAfterSeconds`, `degraded` when a dependency is down. */
  status: ServiceState;
  version: string | null;
  instanceId: string | null;
  uptimeSeconds: number | null;
  lastSeenAt: string | null;
  dependencies: DependencyStatusDto[];
  /** The builder's queue from its last heartbeat; absent for the other services and a builder never seen. */
  buildQueue?: BuildQueueLoadDto;
}

/** `GET /api/v1/system/health` */
export interface SystemHealthDto {
  status: ServiceState;
  generatedAt: string;
  staleAfterSeconds: number;
  services: ServiceHealthDto[];
}

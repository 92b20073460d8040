import { IsIn, IsOptional } from 'class-validator';

/** The windows the system-wide resource charts offer. */
export const RESOURCE_WINDOWS = ['1h', '24h'] as const;
export type ResourceWindow = (typeof RESOURCE_WINDOWS)[number];

/** `rpc.runtime.resources` request: every app's resource use together, for administrators. */
export class SystemResourcesRequest {
  @IsOptional()
  @IsIn(RESOURCE_WINDOWS, { message: `window must be one of ${RESOURCE_WINDOWS.join(', ')}` })
  window?: ResourceWindow;
}

/** One time bucket of the system-wide charts: every instance that has a sample in it, added up. */
export interface SystemResourcesBucketDto {
  /** Start of the bucket. */
  at: string;
  /** Containers with at least one sample in the bucket. */
  containers: number;
  /** Sum over those containers of their average CPU in the bucket (100 = one core). */
  cpuPercent: number;
  /** Sum over those containers of their average memory in the bucket. */
  memoryBytes: number;
}

/** The runtime's containers and apps as they are now. */
export interface SystemResourcesCurrentDto {
  /** Containers started and not crashed or stopped: starting, healthy or unhealthy. */
  containersRunning: number;
  containersCrashed: number;
  /** Apps with a live release that are not stopped. */
  appsRunning: number;
  appsStopped: number;
}

/** `GET /api/v1/admin/resources`: resource use across all apps, oldest bucket first. */
export interface SystemResourcesDto {
  generatedAt: string;
  window: ResourceWindow;
  bucketSeconds: number;
  current: SystemResourcesCurrentDto;
  /** Only buckets with samples: a gap means nothing ran (or the runtime did not sample). */
  buckets: SystemResourcesBucketDto[];
}

import {
  IsArray,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  Length,
  Max,
  Min,
  ArrayMaxSize,
} from 'class-validator';

export const LIFECYCLE_OPERATIONS = ['stop', 'start', 'restart', 'scale', 'delete', 'domains'] as const;
export type LifecycleOperation = (typeof LIFECYCLE_OPERATIONS)[number];

/**
 * Commands apps → runtime about an app's running release: `app.stop-requested.v1`,
 * `app.start-requested.v1`, `app.restart-requested.v1` (this payload) and `app.scale-requested.v1`
 * (with `replicas`). Each is idempotent: stopping a stopped app succeeds again.
 */
export class AppLifecycleRequestedEvent {
  /** Unique per request; the result event carries it back. */
  @IsString()
  @Length(1, 64)
  operationId!: string;

  @IsString()
  @Length(1, 64)
  appId!: string;

  @IsString()
  @Length(1, 63)
  appName!: string;

  @IsISO8601()
  requestedAt!: string;
}

export class AppScaleRequestedEvent extends AppLifecycleRequestedEvent {
  @IsInt()
  @Min(0)
  @Max(20)
  replicas!: number;
}

/** `app.domains-updated.v1` (apps → runtime): route these custom domains to the app as well. */
export class AppDomainsUpdatedEvent extends AppLifecycleRequestedEvent {
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  domains!: string[];
}

/**
 * `app.deleted.v1` (apps → everyone): the app is gone. The runtime removes its containers, route, kept
 * images and network; the builder its build records and images; the logs service its lines.
 */
export class AppDeletedEvent {
  @IsString()
  @Length(1, 64)
  appId!: string;

  @IsString()
  @Length(1, 63)
  appName!: string;

  @IsISO8601()
  deletedAt!: string;
}

/**
 * Results runtime → apps: `app.stopped.v1`, `app.started.v1`, `app.restarted.v1`, `app.scaled.v1`,
 * `app.runtime-removed.v1` (after `app.deleted.v1`), `app.domains-applied.v1`, or
 * `app.lifecycle-failed.v1` with the reason.
 */
export class AppLifecycleResultEvent {
  @IsOptional()
  @IsString()
  operationId?: string;

  @IsString()
  appId!: string;

  @IsIn(LIFECYCLE_OPERATIONS)
  operation!: LifecycleOperation;

  /** Running instances after the operation. */
  @IsInt()
  replicas!: number;

  @IsOptional()
  @IsString()
  reason?: string;

  @IsISO8601()
  occurredAt!: string;
}

/** `instance.crashed.v1`: an instance exited without being asked to. */
export class InstanceCrashedEvent {
  @IsString()
  appId!: string;

  @IsString()
  releaseId!: string;

  @IsString()
  instanceId!: string;

  @IsOptional()
  @IsInt()
  exitCode?: number | null;

  @IsInt()
  restartCount!: number;

  /** True when it crashed repeatedly within a short window; the runtime backs off restarting it. */
  crashLoop!: boolean;

  @IsArray()
  @IsString({ each: true })
  lastLogLines!: string[];

  @IsISO8601()
  occurredAt!: string;
}

/**
 * `metrics.instance-sampled.v1`: one sample of a serving instance, every METRICS_INTERVAL_MS. A live signal on
 * core NATS (no stream keeps it: at a few per instance per minute they would crowd out the events that matter);
 * the runtime stores them downsampled for charts (`rpc.runtime.metrics`). Anyone may subscribe, e.g.
 * `metrics.instance-sampled.v1` filtered by `appId`, for live charts or alerting.
 */
export interface InstanceMetricsSampledEvent {
  appId: string;
  releaseId: string;
  instanceId: string;
  /** 100 = one full core. */
  cpuPercent: number;
  memoryBytes: number;
  memoryLimitBytes: number;
  /** Totals since the container started. */
  networkRxBytes: number;
  networkTxBytes: number;
  sampledAt: string;
}

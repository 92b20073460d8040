import { EventSubjects, PARKED_SUBJECT_PREFIX } from '../subjects';
import { ServiceName } from '../services';

/** A JetStream stream Slipway relies on. Services create or update these at start-up (idempotent). */
export interface StreamDeclaration {
  name: string;
  subjects: string[];
  /** Oldest messages are dropped beyond this age; 0 keeps them forever. */
  maxAgeSeconds: number;
  maxBytes: number;
  /** Window in which a repeated message id is dropped as a duplicate. */
  duplicateWindowSeconds: number;
}

/** A durable consumer owned by one service. */
export interface ConsumerDeclaration {
  durableName: string;
  stream: string;
  filterSubject: string;
  owner: ServiceName;
  /** Deliveries before a message is parked with its last error. */
  maxDeliver: number;
  /** Redelivery delays, in milliseconds, for attempts 1, 2, ... (the last one repeats). */
  backoffMs: number[];
  ackWaitMs: number;
  /** Messages processed at the same time by one service instance. */
  concurrency: number;
  /**
   * Messages pulled ahead of processing (default: `concurrency`). More saves a round trip per message for
   * small, fast handlers; each waiting message's ack timer runs meanwhile, so keep it well within `ackWaitMs`.
   */
  prefetch?: number;
}

export const Streams = {
  Events: {
    name: 'SLIPWAY_EVENTS',
    subjects: ['app.>', 'deploy.>', 'deployment.>', 'build.>', 'release.>', 'instance.>'],
    maxAgeSeconds: 7 * 24 * 3600,
    maxBytes: 1024 * 1024 * 1024,
    duplicateWindowSeconds: 120,
  },
  Logs: {
    name: 'SLIPWAY_LOGS',
    subjects: ['logs.>'],
    maxAgeSeconds: 24 * 3600,
    maxBytes: 2 * 1024 * 1024 * 1024,
    duplicateWindowSeconds: 120,
  },
  Parked: {
    name: 'SLIPWAY_PARKED',
    subjects: [`${PARKED_SUBJECT_PREFIX}.>`],
    maxAgeSeconds: 30 * 24 * 3600,
    maxBytes: 256 * 1024 * 1024,
    duplicateWindowSeconds: 120,
  },
} as const satisfies Record<string, StreamDeclaration>;

export const ALL_STREAMS: StreamDeclaration[] = Object.values(Streams);

function runtimeLifecycleConsumer(durableName: string, filterSubject: string): ConsumerDeclaration {
  return {
    durableName,
    stream: Streams.Events.name,
    filterSubject,
    owner: 'runtime',
    maxDeliver: 6,
    backoffMs: [1_000, 5_000, 15_000, 30_000],
    ackWaitMs: 300_000,
    concurrency: 8,
  };
}

export const Consumers = {
  LogsOnAppCreated: {
    durableName: 'logs-app-created',
    stream: Streams.Events.name,
    filterSubject: EventSubjects.AppCreated,
    owner: 'logs',
    maxDeliver: 5,
    backoffMs: [500, 2_000, 5_000, 10_000],
    ackWaitMs: 30_000,
    concurrency: 4,
  },
  /**
   * Every log batch. One at a time: lines of a deployment are then stored in the order they were
   * published (batches carry consecutive seqs), and SQLite serialises writes anyway, so more in flight
   * would not ingest faster. Reads sort by (timestamp, seq), so a retried batch stored late still reads
   * in place.
   */
  LogsOnLogBatch: {
    durableName: 'logs-log-batch',
    stream: Streams.Logs.name,
    filterSubject: 'logs.>',
    owner: 'logs',
    maxDeliver: 8,
    backoffMs: [250, 1_000, 5_000, 15_000],
    ackWaitMs: 30_000,
    concurrency: 1,
    prefetch: 64,
  },
  LogsOnAppDeleted: {
    durableName: 'logs-app-deleted',
    stream: Streams.Events.name,
    filterSubject: EventSubjects.AppDeleted,
    owner: 'logs',
    maxDeliver: 5,
    backoffMs: [1_000, 5_000, 15_000],
    ackWaitMs: 60_000,
    concurrency: 1,
  },
  BuilderOnBuildRequested: {
    durableName: 'builder-build-requested',
    stream: Streams.Events.name,
    filterSubject: EventSubjects.BuildRequested,
    owner: 'builder',
    maxDeliver: 5,
    backoffMs: [1_000, 5_000, 15_000, 30_000],
    ackWaitMs: 30_000,
    concurrency: 4,
  },
  BuilderOnAppDeleted: {
    durableName: 'builder-app-deleted',
    stream: Streams.Events.name,
    filterSubject: EventSubjects.AppDeleted,
    owner: 'builder',
    maxDeliver: 5,
    backoffMs: [1_000, 5_000, 15_000],
    ackWaitMs: 60_000,
    concurrency: 1,
  },
  BuilderOnCancelRequested: {
    durableName: 'builder-build-cancel-requested',
    stream: Streams.Events.name,
    filterSubject: EventSubjects.BuildCancelRequested,
    owner: 'builder',
    maxDeliver: 5,
    backoffMs: [500, 2_000, 5_000],
    ackWaitMs: 30_000,
    concurrency: 4,
  },
  /** The public deploy contract; an invalid request is parked at once with the reason. */
  AppsOnDeployRequested: {
    durableName: 'apps-deploy-requested',
    stream: Streams.Events.name,
    filterSubject: EventSubjects.DeployRequested,
    owner: 'apps',
    maxDeliver: 8,
    backoffMs: [500, 2_000, 5_000, 15_000],
    ackWaitMs: 30_000,
    concurrency: 4,
  },
  /** Build and release results drive the deployment state machine (idempotent, ordered by its guards). */
  AppsOnBuildProgressed: {
    durableName: 'apps-build-progressed',
    stream: Streams.Events.name,
    filterSubject: EventSubjects.BuildProgressed,
    owner: 'apps',
    maxDeliver: 8,
    backoffMs: [500, 2_000, 5_000, 15_000],
    ackWaitMs: 30_000,
    concurrency: 1,
  },
  AppsOnBuildSucceeded: {
    durableName: 'apps-build-succeeded',
    stream: Streams.Events.name,
    filterSubject: EventSubjects.BuildSucceeded,
    owner: 'apps',
    maxDeliver: 8,
    backoffMs: [500, 2_000, 5_000, 15_000],
    ackWaitMs: 30_000,
    concurrency: 4,
  },
  AppsOnBuildFailed: {
    durableName: 'apps-build-failed',
    stream: Streams.Events.name,
    filterSubject: EventSubjects.BuildFailed,
    owner: 'apps',
    maxDeliver: 8,
    backoffMs: [500, 2_000, 5_000, 15_000],
    ackWaitMs: 30_000,
    concurrency: 4,
  },
  AppsOnReleaseProgressed: {
    durableName: 'apps-release-progressed',
    stream: Streams.Events.name,
    filterSubject: EventSubjects.ReleaseProgressed,
    owner: 'apps',
    maxDeliver: 8,
    backoffMs: [500, 2_000, 5_000, 15_000],
    ackWaitMs: 30_000,
    concurrency: 4,
  },
  AppsOnReleaseLive: {
    durableName: 'apps-release-live',
    stream: Streams.Events.name,
    filterSubject: EventSubjects.ReleaseLive,
    owner: 'apps',
    maxDeliver: 8,
    backoffMs: [500, 2_000, 5_000, 15_000],
    ackWaitMs: 30_000,
    concurrency: 4,
  },
  AppsOnReleaseFailed: {
    durableName: 'apps-release-failed',
    stream: Streams.Events.name,
    filterSubject: EventSubjects.ReleaseFailed,
    owner: 'apps',
    maxDeliver: 8,
    backoffMs: [500, 2_000, 5_000, 15_000],
    ackWaitMs: 30_000,
    concurrency: 4,
  },
  AppsOnAppStopped: {
    durableName: 'apps-app-stopped',
    stream: Streams.Events.name,
    filterSubject: EventSubjects.AppStopped,
    owner: 'apps',
    maxDeliver: 8,
    backoffMs: [500, 2_000, 5_000, 15_000],
    ackWaitMs: 30_000,
    concurrency: 4,
  },
  AppsOnAppStarted: {
    durableName: 'apps-app-started',
    stream: Streams.Events.name,
    filterSubject: EventSubjects.AppStarted,
    owner: 'apps',
    maxDeliver: 8,
    backoffMs: [500, 2_000, 5_000, 15_000],
    ackWaitMs: 30_000,
    concurrency: 4,
  },
  AppsOnAppScaled: {
    durableName: 'apps-app-scaled',
    stream: Streams.Events.name,
    filterSubject: EventSubjects.AppScaled,
    owner: 'apps',
    maxDeliver: 8,
    backoffMs: [500, 2_000, 5_000, 15_000],
    ackWaitMs: 30_000,
    concurrency: 4,
  },
  AppsOnLifecycleFailed: {
    durableName: 'apps-lifecycle-failed',
    stream: Streams.Events.name,
    filterSubject: EventSubjects.AppLifecycleFailed,
    owner: 'apps',
    maxDeliver: 8,
    backoffMs: [500, 2_000, 5_000, 15_000],
    ackWaitMs: 30_000,
    concurrency: 4,
  },
  /**
   * Release requests: stored and acknowledged at once, then run in the background under the app's lock
   * (a release takes as long as its health checks); interrupted ones are resumed by reconciliation.
   */
  RuntimeOnReleaseRequested: {
    durableName: 'runtime-release-requested',
    stream: Streams.Events.name,
    filterSubject: EventSubjects.ReleaseRequested,
    owner: 'runtime',
    maxDeliver: 8,
    backoffMs: [500, 2_000, 5_000, 15_000],
    ackWaitMs: 30_000,
    concurrency: 16,
  },
  /** Lifecycle operations wait for the app's lock (a running release), hence the long ack wait. */
  RuntimeOnAppStopRequested: runtimeLifecycleConsumer(
    'runtime-app-stop-requested',
    EventSubjects.AppStopRequested,
  ),
  RuntimeOnAppStartRequested: runtimeLifecycleConsumer(
    'runtime-app-start-requested',
    EventSubjects.AppStartRequested,
  ),
  RuntimeOnAppRestartRequested: runtimeLifecycleConsumer(
    'runtime-app-restart-requested',
    EventSubjects.AppRestartRequested,
  ),
  RuntimeOnAppScaleRequested: runtimeLifecycleConsumer(
    'runtime-app-scale-requested',
    EventSubjects.AppScaleRequested,
  ),
  RuntimeOnAppDomainsUpdated: runtimeLifecycleConsumer(
    'runtime-app-domains-updated',
    EventSubjects.AppDomainsUpdated,
  ),
  RuntimeOnAppDeleted: runtimeLifecycleConsumer('runtime-app-deleted', EventSubjects.AppDeleted),
} as const satisfies Record<string, ConsumerDeclaration>;

export const ALL_CONSUMERS: ConsumerDeclaration[] = Object.values(Consumers);

export function consumersOwnedBy(service: ServiceName): ConsumerDeclaration[] {
  return ALL_CONSUMERS.filter((consumer) => consumer.owner === service);
}

/** JetStream object stores: uploaded source archives travel from the gateway to the builder this way. */
export const ObjectStores = {
  Archives: { bucket: 'slipway-archives', ttlSeconds: 7 * 24 * 3600, maxBytes: 5 * 1024 * 1024 * 1024 },
} as const;

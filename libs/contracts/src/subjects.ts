/**
 * Every NATS subject Slipway uses, in one place. Events are facts in the past tense and versioned
 * (`<entity>.<fact>.v<n>`); queries and commands are requests answered over core NATS request/reply.
 */
export const EventSubjects = {
  AppCreated: 'app.created.v1',
  BuildRequested: 'build.requested.v1',
  BuildCancelRequested: 'build.cancel-requested.v1',
  BuildProgressed: 'build.progressed.v1',
  BuildSucceeded: 'build.succeeded.v1',
  BuildFailed: 'build.failed.v1',
  HealthHeartbeat: 'health.heartbeat.v1',
  ReleaseRequested: 'release.requested.v1',
  ReleaseProgressed: 'release.progressed.v1',
  ReleaseLive: 'release.live.v1',
  ReleaseFailed: 'release.failed.v1',
  AppStopRequested: 'app.stop-requested.v1',
  AppStartRequested: 'app.start-requested.v1',
  AppRestartRequested: 'app.restart-requested.v1',
  AppScaleRequested: 'app.scale-requested.v1',
  AppDomainsUpdated: 'app.domains-updated.v1',
  AppDeleted: 'app.deleted.v1',
  AppStopped: 'app.stopped.v1',
  AppStarted: 'app.started.v1',
  AppRestarted: 'app.restarted.v1',
  AppScaled: 'app.scaled.v1',
  AppDomainsApplied: 'app.domains-applied.v1',
  AppRuntimeRemoved: 'app.runtime-removed.v1',
  AppLifecycleFailed: 'app.lifecycle-failed.v1',
  InstanceCrashed: 'instance.crashed.v1',
  /** A live signal on core NATS, not kept by any stream (see InstanceMetricsSampledEvent). */
  InstanceMetricsSampled: 'metrics.instance-sampled.v1',
  DeployRequested: 'deploy.requested.v1',
  DeploymentTransitioned: 'deployment.transitioned.v1',
} as const;
export type EventSubject = (typeof EventSubjects)[keyof typeof EventSubjects];

/** Live signals on core NATS that no stream keeps: a missed one is harmless, and volume would crowd out events. */
export const SIGNAL_SUBJECTS: readonly EventSubject[] = [
  EventSubjects.HealthHeartbeat,
  EventSubjects.InstanceMetricsSampled,
];

/**
 * Request/reply subjects all live under `rpc.`, which no JetStream stream captures: a stream listening on
 * a request's subject would answer it with a publish acknowledgement instead of the service's reply.
 */
export const RPC_SUBJECT_PREFIX = 'rpc';
export const QuerySubjects = {
  AppsCreate: 'rpc.apps.create',
  AppsGet: 'rpc.apps.get',
  AppsList: 'rpc.apps.list',
  LogsQuery: 'rpc.logs.query',
  BuildsGet: 'rpc.builds.get',
  RuntimeStatus: 'rpc.runtime.status',
  RuntimeMetrics: 'rpc.runtime.metrics',
  RuntimeResources: 'rpc.runtime.resources',
  AppsUpdate: 'rpc.apps.update',
  AppsDelete: 'rpc.apps.delete',
  AppsEnvList: 'rpc.apps.env.list',
  AppsEnvSet: 'rpc.apps.env.set',
  AppsEnvImport: 'rpc.apps.env.import',
  AppsEnvDelete: 'rpc.apps.env.delete',
  AppsPower: 'rpc.apps.power',
  AppsScale: 'rpc.apps.scale',
  AppsDomainsSet: 'rpc.apps.domains.set',
  AppsHooksGet: 'rpc.apps.hooks.get',
  AppsHooksDeploy: 'rpc.apps.hooks.deploy',
  AppsHooksGitHub: 'rpc.apps.hooks.github',
  DeploymentsCreate: 'rpc.deployments.create',
  DeploymentsRedeploy: 'rpc.deployments.redeploy',
  DeploymentsRollback: 'rpc.deployments.rollback',
  DeploymentsList: 'rpc.deployments.list',
  DeploymentsGet: 'rpc.deployments.get',
  DeploymentsStatus: 'rpc.deployments.status',
  DeploymentsCancel: 'rpc.deployments.cancel',
  ReleasesList: 'rpc.releases.list',
  AppsNotificationsList: 'rpc.apps.notifications.list',
  AppsNotificationsAdd: 'rpc.apps.notifications.add',
  AppsNotificationsDelete: 'rpc.apps.notifications.delete',
} as const;
export type QuerySubject = (typeof QuerySubjects)[keyof typeof QuerySubjects];

/** Messages a consumer gave up on are republished here with the reason, instead of blocking the stream. */
export const PARKED_SUBJECT_PREFIX = 'parked';
export function parkedSubjectFor(subject: string): string {
  return `${PARKED_SUBJECT_PREFIX}.${subject}`;
}

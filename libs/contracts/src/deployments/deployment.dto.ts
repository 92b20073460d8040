/**
 * A deployment's life: `queued → cloning → building → releasing → running`, ending in `failed`,
 * `cancelled` or `superseded`; a running deployment becomes `stopped` when its release is taken down
 * (the app stopped, or a newer deployment went live).
 */
export const DEPLOYMENT_STATES = [
  'queued',
  'cloning',
  'building',
  'releasing',
  'running',
  'failed',
  'cancelled',
  'superseded',
  'stopped',
] as const;
export type DeploymentState = (typeof DEPLOYMENT_STATES)[number];

/** States a deployment passes through on its way; each has a deadline. */
export const IN_PROGRESS_DEPLOYMENT_STATES = ['queued', 'cloning', 'building', 'releasing'] as const;

export const DEPLOYMENT_TRIGGERS = [
  'api',
  'redeploy',
  'rollback',
  'env-change',
  'deploy-hook',
  'github-push',
  'event',
] as const;
export type DeploymentTrigger = (typeof DEPLOYMENT_TRIGGERS)[number];

export interface DeploymentTransitionDto {
  from: DeploymentState | null;
  to: DeploymentState;
  at: string;
  reason: string;
}

export interface DeploymentDto {
  id: string;
  appId: string;
  appName: string;
  state: DeploymentState;
  trigger: DeploymentTrigger;
  requestedBy: string;
  message: string | null;
  source: {
    kind: 'git' | 'image' | 'archive' | 'release';
    repoUrl: string | null;
    ref: string | null;
    image: string | null;
  };
  commitSha: string | null;
  commitMessage: string | null;
  imageTag: string | null;
  releaseId: string | null;
  /** For a rollback: the release whose image is released again. */
  rollbackOfReleaseId: string | null;
  url: string | null;
  /** Why it failed, was cancelled or superseded, in a sentence. */
  reason: string | null;
  /** The build's or the failing container's last log lines. */
  logTail: string[];
  transitions: DeploymentTransitionDto[];
  createdAt: string;
  finishedAt: string | null;
}

export interface DeploymentListDto {
  items: DeploymentDto[];
  nextCursor: string | null;
}

/** The seed's `GET /webapps/{id}/status` need: where a deployment is and what it last said. */
export interface DeploymentStatusDto {
  deploymentId: string;
  appId: string;
  state: DeploymentState;
  /** The finer stage within the state: a build stage (`install`) or a release stage (`health-check`). */
  stage: string | null;
  /** 0-100 while building. */
  percent: number | null;
  queuePosition: number | null;
  /** Latest progress sentence ("instance 1 of 2 passed its health check"). */
  message: string | null;
  url: string | null;
  /** Milliseconds spent in each state so far, in order. */
  timings: Array<{ state: DeploymentState; startedAt: string; durationMs: number }>;
  totalMs: number;
  reason: string | null;
  lastLogLines: string[];
}

export const RELEASE_RECORD_STATES = ['pending', 'live', 'failed', 'retired'] as const;
export type ReleaseRecordState = (typeof RELEASE_RECORD_STATES)[number];

/** One release of an app: an image run with a set of env vars; kept for rollback. */
export interface ReleaseDto {
  id: string;
  appId: string;
  deploymentId: string;
  image: string;
  reason: string;
  state: ReleaseRecordState;
  commitSha: string | null;
  createdAt: string;
  liveAt: string | null;
}

export interface ReleaseListDto {
  items: ReleaseDto[];
  nextCursor: string | null;
}

import type {
  AppDto,
  AppRuntimeStatusDto,
  DeploymentDto,
  DeploymentState,
  DeploymentTrigger,
} from '@slipway/contracts';

import type { StateTone } from '../state-badge/state-badge.component';

export interface AppStateView {
  tone: StateTone;
  label: string;
}

const IN_PROGRESS: readonly DeploymentState[] = ['queued', 'cloning', 'building', 'releasing'];

export function isInProgress(state: DeploymentState): boolean {
  return IN_PROGRESS.includes(state);
}

/**
 * One word for where an app is. The runtime's report wins when there is one; otherwise the app's desired
 * state and its latest deployment say it.
 */
export function appState(
  app: Pick<AppDto, 'desiredState' | 'currentDeploymentId'>,
  latest: Pick<DeploymentDto, 'state'> | null,
  runtime: Pick<AppRuntimeStatusDto, 'state'> | null = null,
): AppStateView {
  if (latest && isInProgress(latest.state)) {
    return { tone: 'busy', label: 'Deploying' };
  }
  switch (runtime?.state) {
    case 'running':
      return { tone: 'ok', label: 'Running' };
    case 'releasing':
      return { tone: 'busy', label: 'Releasing' };
    case 'crashed':
      return { tone: 'bad', label: 'Crashed' };
    case 'stopped':
      return { tone: 'idle', label: 'Stopped' };
  }
  if (app.desiredState === 'stopped') {
    return { tone: 'idle', label: 'Stopped' };
  }
  if (latest?.state === 'failed' && !app.currentDeploymentId) {
    return { tone: 'bad', label: 'Failed' };
  }
  if (app.currentDeploymentId) {
    return { tone: 'ok', label: 'Running' };
  }
  return { tone: 'idle', label: 'Not deployed' };
}

const DEPLOYMENT_LABELS: Record<DeploymentState, string> = {
  queued: 'Queued',
  cloning: 'Fetching source',
  building: 'Building',
  releasing: 'Releasing',
  running: 'Running',
  failed: 'Failed',
  cancelled: 'Cancelled',
  superseded: 'Superseded',
  stopped: 'Stopped',
};

export function deploymentState(state: DeploymentState): AppStateView {
  const label = DEPLOYMENT_LABELS[state];
  if (isInProgress(state)) {
    return { tone: 'busy', label };
  }
  if (state === 'running') {
    return { tone: 'ok', label };
  }
  if (state === 'failed') {
    return { tone: 'bad', label };
  }
  return { tone: 'idle', label };
}

const TRIGGER_LABELS: Record<DeploymentTrigger, string> = {
  api: 'Deploy',
  redeploy: 'Redeploy',
  rollback: 'Rollback',
  'env-change': 'Env change',
  'deploy-hook': 'Deploy hook',
  'github-push': 'Git push',
  event: 'Event',
};

export function triggerLabel(trigger: DeploymentTrigger): string {
  return TRIGGER_LABELS[trigger] ?? trigger;
}

/** Whether the deployment ever went live (a later stop or supersede does not undo that). */
export function reachedRunning(deployment: Pick<DeploymentDto, 'state' | 'transitions'>): boolean {
  return deployment.state === 'running' || deployment.transitions.some((step) => step.to === 'running');
}

/** Time from fetching the source to releasing (the build), from the recorded transitions; null if unknown. */
export function buildDurationMs(deployment: Pick<DeploymentDto, 'transitions'>): number | null {
  const start = deployment.transitions.find((step) => step.to === 'cloning' || step.to === 'building');
  const end = deployment.transitions.find((step) => step.to === 'releasing');
  if (!start || !end) {
    return null;
  }
  const ms = Date.parse(end.at) - Date.parse(start.at);
  return Number.isFinite(ms) && ms >= 0 ? ms : null;
}

/** Whole deployment time (created → finished or now). */
export function deploymentDurationMs(
  deployment: Pick<DeploymentDto, 'createdAt' | 'finishedAt' | 'transitions'>,
  nowMs: number,
): number {
  const live = deployment.transitions.find((step) => step.to === 'running');
  const end = live?.at ?? deployment.finishedAt;
  return Math.max(0, (end ? Date.parse(end) : nowMs) - Date.parse(deployment.createdAt));
}

import { DeploymentState, IN_PROGRESS_DEPLOYMENT_STATES } from '@slipway/contracts';

/**
 * Which state may follow which. Builds and releases report asynchronously and possibly out of order
 * (separate consumers), so a report that would move a deployment backwards is ignored, and states may be
 * skipped (a build that succeeds before its "clone" progress arrives goes straight to releasing).
 */
const NEXT_STATES: Record<DeploymentState, readonly DeploymentState[]> = {
  queued: ['cloning', 'building', 'releasing', 'failed', 'cancelled', 'superseded'],
  cloning: ['building', 'releasing', 'failed', 'cancelled', 'superseded'],
  building: ['releasing', 'failed', 'cancelled', 'superseded'],
  // The runtime cannot be asked to abandon a release half-way: it ends live or failed (or times out).
  releasing: ['running', 'failed'],
  running: ['stopped'],
  stopped: ['running'],
  failed: [],
  cancelled: [],
  superseded: [],
};

export function canTransition(from: DeploymentState, to: DeploymentState): boolean {
  return NEXT_STATES[from].includes(to);
}

/** Still on its way: it has a deadline and blocks the app's next deployment. */
export function isInProgress(state: DeploymentState): boolean {
  return (IN_PROGRESS_DEPLOYMENT_STATES as readonly DeploymentState[]).includes(state);
}

/** Ended for good: nothing will move it again. */
export function isFinal(state: DeploymentState): boolean {
  return NEXT_STATES[state].length === 0;
}

export function isCancellable(state: DeploymentState): boolean {
  return canTransition(state, 'cancelled');
}

export interface DeploymentTimeouts {
  queueMs: number;
  buildMs: number;
  releaseMs: number;
}

/**
 * When a deployment entering `state` must have moved on. Cloning and building share one budget, counted
 * from the moment the build started; `null` means no deadline (a settled state, or a deployment waiting
 * behind another one of the same app, which has a deadline of its own).
 */
export function deadlineFor(
  state: DeploymentState,
  now: Date,
  timeouts: DeploymentTimeouts,
  current: { state: DeploymentState; deadlineAt: Date | null; dispatched: boolean },
): Date | null {
  const after = (ms: number) => new Date(now.getTime() + ms);
  switch (state) {
    case 'queued':
      return current.dispatched ? after(timeouts.queueMs) : null;
    case 'cloning':
      return after(timeouts.buildMs);
    case 'building':
      return current.state === 'cloning' && current.deadlineAt ? current.deadlineAt : after(timeouts.buildMs);
    case 'releasing':
      return after(timeouts.releaseMs);
    default:
      return null;
  }
}

/** The build stage reported by the builder, as a deployment state. */
export function stateForBuildStage(stage: string): DeploymentState | null {
  if (stage === 'clone') return 'cloning';
  if (stage === 'detect' || stage === 'install' || stage === 'build' || stage === 'export') return 'building';
  return null;
}

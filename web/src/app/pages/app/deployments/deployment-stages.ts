import type { DeploymentState, DeploymentTransitionDto } from '@slipway/contracts';

/** The stages a deployment shows in its progress bar, in order. */
export const STAGES = [
  { state: 'queued', label: 'Queued' },
  { state: 'cloning', label: 'Source' },
  { state: 'building', label: 'Build' },
  { state: 'releasing', label: 'Release' },
  { state: 'running', label: 'Running' },
] as const satisfies ReadonlyArray<{ state: DeploymentState; label: string }>;

export type StageStatus = 'done' | 'current' | 'failed' | 'pending' | 'skipped';

export interface StageView {
  label: string;
  status: StageStatus;
  /** Time spent in the stage, when known. */
  durationMs: number | null;
}

/**
 * Where each stage stands. The stage a failed or cancelled deployment was in is `failed`; stages a
 * deployment never entered (an image deploy skips the build) are `skipped` once it is past them.
 */
export function toStages(
  state: DeploymentState,
  transitions: readonly Pick<DeploymentTransitionDto, 'to' | 'at'>[],
  nowMs: number,
): StageView[] {
  const entered = new Map<DeploymentState, number>();
  for (const step of transitions) {
    if (!entered.has(step.to)) {
      entered.set(step.to, Date.parse(step.at));
    }
  }
  const ended = state === 'failed' || state === 'cancelled' || state === 'superseded';
  const reachedRunning = entered.has('running') || state === 'running';
  // The furthest stage the deployment got to.
  let furthest = -1;
  STAGES.forEach((stage, index) => {
    if (entered.has(stage.state) || stage.state === state) {
      furthest = index;
    }
  });
  const endMs = ended || reachedRunning ? (lastTransitionMs(transitions) ?? nowMs) : nowMs;
  return STAGES.map((stage, index) => {
    const start = entered.get(stage.state);
    const nextStart = STAGES.slice(index + 1)
      .map((later) => entered.get(later.state))
      .find((at): at is number => at !== undefined);
    const durationMs = start === undefined ? null : Math.max(0, (nextStart ?? endMs) - start);
    let status: StageStatus;
    if (index < furthest) {
      status = start === undefined ? 'skipped' : 'done';
    } else if (index === furthest) {
      status = ended && !reachedRunning ? 'failed' : stage.state === 'running' ? 'done' : 'current';
    } else {
      status = 'pending';
    }
    return { label: stage.label, status, durationMs: stage.state === 'running' ? null : durationMs };
  });
}

function lastTransitionMs(transitions: readonly Pick<DeploymentTransitionDto, 'at'>[]): number | null {
  const last = transitions[transitions.length - 1];
  return last ? Date.parse(last.at) : null;
}

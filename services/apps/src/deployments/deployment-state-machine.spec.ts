import { DEPLOYMENT_STATES, DeploymentState } from '@slipway/contracts';
import {
  canTransition,
  deadlineFor,
  isCancellable,
  isFinal,
  isInProgress,
  stateForBuildStage,
} from './deployment-state-machine';

const timeouts = { queueMs: 1_000, buildMs: 10_000, releaseMs: 5_000 };
const now = new Date('2026-11-29T12:00:00.000Z');

describe('deployment state machine', () => {
  it('walks the happy path queued → cloning → building → releasing → running', () => {
    const path: DeploymentState[] = ['queued', 'cloning', 'building', 'releasing', 'running'];
    for (let index = 1; index < path.length; index += 1) {
      expect(canTransition(path[index - 1] as DeploymentState, path[index] as DeploymentState)).toBe(true);
    }
  });

  it('never moves backwards, so a late build progress report is ignored', () => {
    expect(canTransition('building', 'cloning')).toBe(false);
    expect(canTransition('releasing', 'building')).toBe(false);
    expect(canTransition('running', 'releasing')).toBe(false);
  });

  it('lets a build result skip the stages whose progress reports have not arrived yet', () => {
    expect(canTransition('queued', 'releasing')).toBe(true);
    expect(canTransition('cloning', 'releasing')).toBe(true);
  });

  it('ends failed, cancelled and superseded deployments for good', () => {
    for (const end of ['failed', 'cancelled', 'superseded'] as const) {
      expect(isFinal(end)).toBe(true);
      for (const state of DEPLOYMENT_STATES) expect(canTransition(end, state)).toBe(false);
    }
  });

  it('lets a running deployment be stopped and started again, and nothing else', () => {
    expect(DEPLOYMENT_STATES.filter((state) => canTransition('running', state))).toEqual(['stopped']);
    expect(DEPLOYMENT_STATES.filter((state) => canTransition('stopped', state))).toEqual(['running']);
    expect(isFinal('running')).toBe(false);
    expect(isInProgress('running')).toBe(false);
  });

  it('cancels only before releasing: the runtime cannot abandon a release half-way', () => {
    expect(DEPLOYMENT_STATES.filter(isCancellable)).toEqual(['queued', 'cloning', 'building']);
  });

  it('supersedes deployments that have not reached releasing yet', () => {
    expect(DEPLOYMENT_STATES.filter((state) => canTransition(state, 'superseded'))).toEqual([
      'queued',
      'cloning',
      'building',
    ]);
  });

  it('gives every in-progress state a deadline except a deployment waiting for its turn', () => {
    const waiting = { state: 'queued' as const, deadlineAt: null, dispatched: false };
    expect(deadlineFor('queued', now, timeouts, waiting)).toBeNull();
    expect(deadlineFor('queued', now, timeouts, { ...waiting, dispatched: true })?.toISOString()).toBe(
      '2026-11-29T12:00:01.000Z',
    );
    expect(deadlineFor('releasing', now, timeouts, waiting)?.toISOString()).toBe('2026-11-29T12:00:05.000Z');
    expect(deadlineFor('running', now, timeouts, waiting)).toBeNull();
    expect(deadlineFor('failed', now, timeouts, waiting)).toBeNull();
  });

  it('counts cloning and building against one build budget', () => {
    const cloningDeadline = new Date('2026-11-29T12:00:03.000Z');
    expect(
      deadlineFor('building', now, timeouts, {
        state: 'cloning',
        deadlineAt: cloningDeadline,
        dispatched: true,
      }),
    ).toBe(cloningDeadline);
    expect(
      deadlineFor('building', now, timeouts, {
        state: 'queued',
        deadlineAt: null,
        dispatched: true,
      })?.toISOString(),
    ).toBe('2026-11-29T12:00:10.000Z');
  });

  it('maps build stages to deployment states', () => {
    expect(stateForBuildStage('clone')).toBe('cloning');
    expect(['detect', 'install', 'build', 'export'].map(stateForBuildStage)).toEqual([
      'building',
      'building',
      'building',
      'building',
    ]);
    expect(stateForBuildStage('queued')).toBeNull();
  });
});

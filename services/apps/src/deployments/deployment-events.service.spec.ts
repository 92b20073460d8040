import { BuildProgressedEvent, BuildStage, BuildSucceededEvent } from '@slipway/contracts';
import { Model } from 'mongoose';
import { AppsService } from '../apps/apps.service';
import { AppLocks } from './app-locks';
import { DeploymentEventsService } from './deployment-events.service';
import { DeploymentTransitions, TransitionOptions } from './deployment-transitions';
import { Deployment, DeploymentDocument } from './schemas/deployment.schema';
import { Release } from './schemas/release.schema';

const DEPLOYMENT_ID = '6b0c0000000000000000d001';

/** A deployment store and transition log kept in memory: what the service wrote, in order. */
function serviceWithFakes() {
  const deployment = { _id: { toHexString: () => DEPLOYMENT_ID }, appId: 'app-1', state: 'queued' };
  const writes: string[] = [];
  const deployments = {
    findById: () => ({ exec: async () => ({ ...deployment }) }),
    updateOne: (_filter: unknown, update: { $set: { progress: { percent: number } } }) => ({
      exec: async () => writes.push(`progress ${update.$set.progress.percent}%`),
    }),
  } as unknown as Model<Deployment>;
  const transitions = {
    transition: async (
      _doc: DeploymentDocument,
      to: string,
      _reason: string,
      options: TransitionOptions = {},
    ) => {
      const progress = (options.set?.progress as { percent: number } | undefined)?.percent;
      writes.push(`move to ${to}${progress === undefined ? '' : ` with ${progress}%`}`);
      deployment.state = to;
      return { ...deployment } as unknown as DeploymentDocument;
    },
    startRelease: async () => {
      writes.push('start release');
      deployment.state = 'releasing';
    },
  } as unknown as DeploymentTransitions;
  const apps = {
    findById: async (id: string) => ({ _id: { toHexString: () => id }, port: 8080 }),
  } as unknown as AppsService;
  const service = new DeploymentEventsService(
    deployments,
    {} as Model<Release>,
    apps,
    transitions,
    new AppLocks(),
  );
  return { service, writes };
}

const progressed = (stage: BuildStage, percent: number): BuildProgressedEvent => ({
  deploymentId: DEPLOYMENT_ID,
  appId: 'app-1',
  stage,
  percent,
  occurredAt: new Date().toISOString(),
});

const succeeded = {
  deploymentId: DEPLOYMENT_ID,
  appId: 'app-1',
  imageTag: 'slipway/app:1',
  detection: { stack: 'dockerfile', reasons: [], port: 8080 },
} as unknown as BuildSucceededEvent;

describe('DeploymentEventsService: build progress', () => {
  it('records each move with its percentage in one write, and a percentage alone otherwise', async () => {
    const { service, writes } = serviceWithFakes();
    await service.onBuildProgressed(progressed('clone', 10));
    await service.onBuildProgressed(progressed('install', 40));
    await service.onBuildProgressed(progressed('install', 60));
    await service.onBuildSucceeded(succeeded);
    expect(writes).toEqual([
      'move to cloning with 10%',
      'move to building with 40%',
      'progress 60%',
      'start release',
    ]);
  });

  it('skips percentages a later event overtakes, but still records every move, so the result waits less', async () => {
    const { service, writes } = serviceWithFakes();
    // All arrive before the first is handled, as when the app's earlier events are still being written.
    await Promise.all([
      service.onBuildProgressed(progressed('clone', 10)),
      service.onBuildProgressed(progressed('install', 40)),
      service.onBuildProgressed(progressed('install', 60)),
      service.onBuildSucceeded(succeeded),
    ]);
    expect(writes).toEqual(['move to cloning', 'move to building', 'start release']);
  });
});

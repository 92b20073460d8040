import { DeploymentDto, DeploymentStatusDto, ReleaseDto } from '@slipway/contracts';
import { toIsoString } from '@slipway/nest-mongo';
import { DeploymentDocument } from './schemas/deployment.schema';
import { ReleaseDocument } from './schemas/release.schema';

export function toDeploymentDto(deployment: DeploymentDocument): DeploymentDto {
  const { source } = deployment;
  return {
    id: deployment._id.toHexString(),
    appId: deployment.appId,
    appName: deployment.appName,
    state: deployment.state,
    trigger: deployment.trigger,
    requestedBy: deployment.requestedBy,
    message: deployment.message ?? null,
    source: { kind: source.kind, repoUrl: source.repoUrl, ref: source.ref, image: source.image },
    commitSha: deployment.commitSha ?? null,
    commitMessage: deployment.commitMessage ?? null,
    imageTag: deployment.imageTag ?? null,
    releaseId: deployment.releaseId ?? null,
    rollbackOfReleaseId: deployment.rollbackOfReleaseId ?? null,
    url: deployment.url ?? null,
    reason: deployment.reason ?? null,
    logTail: deployment.logTail ?? [],
    transitions: deployment.transitions.map((transition) => ({ ...transition })),
    createdAt: toIsoString(deployment.createdAt),
    finishedAt: deployment.finishedAt ? toIsoString(deployment.finishedAt) : null,
  };
}

/** Where the deployment is now, and how long each state took (the current one up to `now`). */
export function toDeploymentStatusDto(deployment: DeploymentDocument, now = new Date()): DeploymentStatusDto {
  const transitions = deployment.transitions;
  const timings = transitions.map((transition, index) => {
    const startedAt = new Date(transition.at);
    const next = transitions[index + 1];
    const endedAt = next
      ? new Date(next.at)
      : deployment.finishedAt && index === transitions.length - 1 && transition.to !== 'running'
        ? startedAt
        : now;
    return {
      state: transition.to,
      startedAt: startedAt.toISOString(),
      durationMs: Math.max(0, endedAt.getTime() - startedAt.getTime()),
    };
  });
  const first = transitions[0];
  const end = deployment.finishedAt ?? now;
  return {
    deploymentId: deployment._id.toHexString(),
    appId: deployment.appId,
    state: deployment.state,
    stage: deployment.progress?.stage ?? null,
    percent: deployment.progress?.percent ?? null,
    queuePosition: deployment.progress?.queuePosition ?? null,
    message: deployment.progress?.message ?? null,
    url: deployment.url ?? null,
    timings,
    totalMs: first ? Math.max(0, end.getTime() - new Date(first.at).getTime()) : 0,
    reason: deployment.reason ?? null,
    lastLogLines: deployment.logTail ?? [],
  };
}

export function toReleaseDto(release: ReleaseDocument): ReleaseDto {
  return {
    id: release._id.toHexString(),
    appId: release.appId,
    deploymentId: release.deploymentId,
    image: release.image,
    reason: release.reason,
    state: release.state,
    commitSha: release.commitSha ?? null,
    createdAt: toIsoString(release.createdAt),
    liveAt: release.liveAt ? toIsoString(release.liveAt) : null,
  };
}

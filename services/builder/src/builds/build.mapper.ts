import { BuildDto } from '@slipway/contracts';
import { toIsoString } from '@slipway/nest-mongo';
import { Build } from './schemas/build.schema';

export function toBuildDto(build: Build): BuildDto {
  const { source } = build.request;
  return {
    deploymentId: build.deploymentId,
    appId: build.appId,
    appName: build.appName,
    status: build.status,
    stage: build.stage,
    source: {
      kind: source.kind,
      repoUrl: source.repoUrl ?? null,
      ref: source.ref ?? null,
      image: source.image ?? null,
    },
    commitSha: build.commitSha,
    commitMessage: build.commitMessage,
    detection: build.detection,
    dockerfile: build.dockerfile,
    imageTag: build.imageTag,
    imageId: build.imageId,
    sizeBytes: build.sizeBytes,
    dependencyCacheHit: build.dependencyCacheHit,
    timings: build.timings.map(({ stage, durationMs }) => ({ stage, durationMs })),
    failureReason: build.failureReason,
    cancelRequested: build.cancelRequested ?? false,
    logTail: [...build.logTail],
    queuedAt: toIsoString(build.queuedAt),
    startedAt: build.startedAt ? toIsoString(build.startedAt) : null,
    finishedAt: build.finishedAt ? toIsoString(build.finishedAt) : null,
  };
}

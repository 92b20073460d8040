import { IsString, Length } from 'class-validator';
import { BuildSourceKind } from './build-source';
import { BuildStage, DetectedStack } from './build.events';

export const BUILD_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type BuildStatus = (typeof BUILD_STATUSES)[number];

export interface BuildDto {
  deploymentId: string;
  appId: string;
  appName: string;
  status: BuildStatus;
  stage: BuildStage;
  source: { kind: BuildSourceKind; repoUrl: string | null; ref: string | null; image: string | null };
  commitSha: string | null;
  commitMessage: string | null;
  detection: { stack: DetectedStack; reasons: string[]; port: number | null } | null;
  /** The Dockerfile that was built, generated or the app's own. */
  dockerfile: string | null;
  imageTag: string | null;
  imageId: string | null;
  sizeBytes: number | null;
  dependencyCacheHit: boolean | null;
  timings: Array<{ stage: BuildStage; durationMs: number }>;
  failureReason: string | null;
  /** Someone asked to cancel it (kept so a build interrupted by a builder restart is not started again). */
  cancelRequested: boolean;
  logTail: string[];
  queuedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

/** `rpc.builds.get` */
export class GetBuildRequest {
  @IsString()
  @Length(1, 64)
  deploymentId!: string;
}

import { Injectable } from '@nestjs/common';
import { BuildRequestedEvent, BuildStage, DetectionResult } from '@slipway/contracts';
import { DockerClient } from '@slipway/nest-docker';
import { ArchiveStore } from '@slipway/nest-messaging';
import { SecretBox } from '@slipway/nest-secrets';
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BuildPlan, DetectionError, detectStack } from '../detection';
import { extractArchive, fetchGitSource, SourceError, validateRepoUrl } from '../sources';
import { BuilderConfig } from '../config/builder.config';
import { BuildLog } from './build-log';
import { BuildAbortedError, DockerImageBuilder, ImageBuildError } from './docker-image-builder';

export interface PipelineHooks {
  log: BuildLog;
  signal: AbortSignal;
  onStage: (stage: BuildStage) => Promise<void>;
  onSource: (source: { commitSha: string | null; commitMessage: string | null }) => Promise<void>;
  onPlan: (detection: DetectionResult, dockerfile: string | null) => Promise<void>;
}

export interface PipelineResult {
  imageTag: string;
  imageId: string;
  sizeBytes: number;
  dependencyCacheHit: boolean;
  detection: DetectionResult;
}

/** A failure to tell the user about: the stage and a sentence saying what went wrong. */
export class BuildFailure extends Error {
  constructor(
    message: string,
    readonly stage: BuildStage,
  ) {
    super(message);
    this.name = 'BuildFailure';
  }
}

export const SLIPWAY_LABELS = {
  managedBy: 'io.slipway.managed-by',
  app: 'io.slipway.app',
  kind: 'io.slipway.kind',
} as const;

/** `slipway/<app>:<deployment>`: per app and deployment, so every kept image can be released again. */
export function imageTagFor(appName: string, deploymentId: string): string {
  return `slipway/${appName}:${deploymentId}`;
}

/**
 * One build from source to image: fetch the source (git, archive or an existing image), detect the
 * stack and write the Dockerfile, then build on Docker. Stages are reported as they begin; every
 * user-facing failure becomes a BuildFailure with a readable reason.
 */
@Injectable()
export class BuildPipeline {
  constructor(
    private readonly config: BuilderConfig,
    private readonly docker: DockerClient,
    private readonly images: DockerImageBuilder,
    private readonly archives: ArchiveStore,
  ) {}

  async run(request: BuildRequestedEvent, hooks: PipelineHooks, secrets: SecretBox): Promise<PipelineResult> {
    if (request.source.kind === 'image') return this.useExistingImage(request, hooks);
    const workspace = join(
      this.config.BUILD_WORK_DIR || join(tmpdir(), 'slipway-builds'),
      request.deploymentId,
    );
    if ((await mkdir(workspace, { recursive: true })) === undefined) {
      // Left by an attempt that did not finish (a crash, a redelivery): start from nothing.
      await rm(workspace, { recursive: true, force: true });
      await mkdir(workspace, { recursive: true });
    }
    // The git commit is read while the image builds; it is part of the result, so the build waits for it.
    let sourceRecorded: Promise<void> = Promise.resolve();
    try {
      const sourceDir = join(workspace, 'source');
      await hooks.onStage('clone');
      ({ sourceRecorded } = await this.fetchSource(request, sourceDir, workspace, hooks, secrets));
      // Handled here too: it may fail while the image builds, before anything awaits it.
      sourceRecorded.catch(() => undefined);
      this.throwIfAborted(hooks.signal);

      await hooks.onStage('detect');
      const plan = await this.plan(request, sourceDir, hooks);
      this.throwIfAborted(hooks.signal);

      const imageTag = imageTagFor(request.appName, request.deploymentId);
      await hooks.onStage('install');
      const result = await this.images.build({
        contextDir: plan.contextDir,
        dockerfilePath: plan.dockerfilePath,
        tag: imageTag,
        // The same on every build of the app (the tag names the deployment), so Docker caches their step.
        labels: {
          [SLIPWAY_LABELS.managedBy]: 'slipway',
          [SLIPWAY_LABELS.app]: request.appId,
          [SLIPWAY_LABELS.kind]: 'build',
        },
        buildArgs: request.settings.buildArgs ?? {},
        memoryBytes: this.config.BUILD_MEMORY_MB * 1024 * 1024,
        cpuPercent: this.config.BUILD_CPU_PERCENT,
        instructionStages: plan.instructionStages,
        dependencyInstallStep: plan.dependencyInstallStep,
        assembleWhenPossible: this.config.BUILD_ASSEMBLE_IMAGES,
        signal: hooks.signal,
        onStage: (stage) => void hooks.onStage(stage),
        onOutput: (stage, text, stream) => hooks.log.write(stage, text, stream),
      });
      await sourceRecorded;
      await hooks.onStage('export');
      hooks.log.write('export', `Image ${imageTag} (${(result.sizeBytes / 1024 / 1024).toFixed(1)} MB)`);
      return {
        imageTag,
        imageId: result.imageId,
        sizeBytes: result.sizeBytes,
        dependencyCacheHit: result.dependencyCacheHit,
        detection: { stack: plan.stack, reasons: plan.reasons, port: plan.port },
      };
    } catch (error) {
      throw this.explain(error, hooks.signal);
    } finally {
      await sourceRecorded.catch(() => undefined);
      await rm(workspace, { recursive: true, force: true });
    }
  }

  private async fetchSource(
    request: BuildRequestedEvent,
    sourceDir: string,
    workspace: string,
    hooks: PipelineHooks,
    secrets: SecretBox,
  ): Promise<{ sourceRecorded: Promise<void> }> {
    const { source } = request;
    if (source.kind === 'git') {
      if (!source.repoUrl) throw new BuildFailure('The app has no repository URL to build from.', 'clone');
      // Validated before anything is logged: a URL with credentials in it must never reach the log.
      const repoUrl = validateRepoUrl(source.repoUrl, { allowLocal: this.config.ALLOW_LOCAL_SOURCES });
      const accessToken = source.accessToken ? secrets.open(source.accessToken) : undefined;
      hooks.log.write('clone', `Cloning ${repoUrl}${source.ref ? ` at ${source.ref}` : ''}`);
      const cloned = await fetchGitSource({
        repoUrl: source.repoUrl,
        ref: source.ref,
        accessToken,
        targetDir: sourceDir,
        timeoutMs: this.config.CLONE_TIMEOUT_MS,
        maxBytes: this.config.SOURCE_MAX_BYTES,
        allowLocal: this.config.ALLOW_LOCAL_SOURCES,
        onLog: (line) => hooks.log.write('clone', line),
      });
      // Wrapped: an async function returning the promise itself would wait for it.
      return { sourceRecorded: cloned.commit.then((commit) => hooks.onSource(commit)) };
    }
    if (!source.archiveObject) throw new BuildFailure('The deployment names no uploaded archive.', 'clone');
    const archivePath = join(workspace, 'source.archive');
    if (!(await this.archives.download(source.archiveObject, archivePath))) {
      throw new BuildFailure('The uploaded archive is no longer available; upload it again.', 'clone');
    }
    const extracted = await extractArchive({
      archivePath,
      targetDir: sourceDir,
      maxBytes: this.config.SOURCE_MAX_BYTES,
      maxEntries: this.config.ARCHIVE_MAX_ENTRIES,
    });
    hooks.log.write(
      'clone',
      `Unpacked ${extracted.files} files (${(extracted.bytes / 1024).toFixed(0)} KiB)`,
    );
    await hooks.onSource({ commitSha: null, commitMessage: null });
    return { sourceRecorded: Promise.resolve() };
  }

  private async plan(
    request: BuildRequestedEvent,
    sourceDir: string,
    hooks: PipelineHooks,
  ): Promise<BuildPlan> {
    const extraCaBundle = this.config.EXTRA_CA_BUNDLE !== '';
    const plan = await detectStack({
      sourceDir,
      settings: request.settings,
      baseImages: {
        node: this.config.BASE_IMAGE_NODE,
        python: this.config.BASE_IMAGE_PYTHON,
        static: this.config.BASE_IMAGE_STATIC,
      },
      extraCaBundle,
    });
    for (const reason of plan.reasons) hooks.log.write('detect', `→ ${reason}`);
    if (extraCaBundle && plan.stack !== 'dockerfile') {
      await mkdir(join(plan.contextDir, '.slipway'), { recursive: true });
      await copyFile(this.config.EXTRA_CA_BUNDLE, join(plan.contextDir, '.slipway', 'ca.crt'));
    }
    await hooks.onPlan({ stack: plan.stack, reasons: plan.reasons, port: plan.port }, plan.dockerfile);
    return plan;
  }

  private async useExistingImage(
    request: BuildRequestedEvent,
    hooks: PipelineHooks,
  ): Promise<PipelineResult> {
    const image = request.source.image ?? '';
    await hooks.onStage('detect');
    try {
      const inspected = await this.docker.engine.getImage(image).inspect();
      const detection: DetectionResult = {
        stack: 'image',
        reasons: [`using the existing image ${image}, no build`],
      };
      hooks.log.write('detect', `→ ${detection.reasons[0]}`);
      await hooks.onPlan(detection, null);
      await hooks.onStage('export');
      return {
        imageTag: image,
        imageId: inspected.Id,
        sizeBytes: inspected.Size,
        dependencyCacheHit: false,
        detection,
      };
    } catch {
      throw new BuildFailure(
        `The image "${image}" does not exist on this Docker host. Build or load it first (docker load / docker build), or deploy from source.`,
        'detect',
      );
    }
  }

  private throwIfAborted(signal: AbortSignal): void {
    if (signal.aborted) throw new BuildAbortedError(signal.reason);
  }

  private explain(error: unknown, signal: AbortSignal): Error {
    if (error instanceof BuildAbortedError || signal.aborted) return new BuildAbortedError(signal.reason);
    if (error instanceof BuildFailure) return error;
    if (error instanceof SourceError) return new BuildFailure(error.message, 'clone');
    if (error instanceof DetectionError) return new BuildFailure(error.message, 'detect');
    if (error instanceof ImageBuildError) {
      return new BuildFailure(`The ${error.stage} step failed: ${error.message}`, error.stage);
    }
    return error as Error;
  }
}

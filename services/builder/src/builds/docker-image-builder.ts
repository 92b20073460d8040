import { Injectable } from '@nestjs/common';
import ignore from '@balena/dockerignore';
import { BuildStage } from '@slipway/contracts';
import { DockerClient } from '@slipway/nest-docker';
import type Docker from 'dockerode';
import { existsSync, readFileSync, type ReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, posix, relative } from 'node:path';
import { Readable } from 'node:stream';
import tarFs from 'tar-fs';
import { parseDockerfile } from '../detection';
import { AssemblyPlan, CopiedEntry, copiedEntries, packEntries, planImageAssembly } from './image-assembly';

export type InstructionStage = 'setup' | 'install' | 'build' | 'export';

export interface ImageBuildRequest {
  contextDir: string;
  /** Relative to contextDir. */
  dockerfilePath: string;
  tag: string;
  labels: Record<string, string>;
  buildArgs: Record<string, string>;
  memoryBytes: number;
  cpuPercent: number;
  /** One entry per instruction of the Dockerfile as given (the LABEL is added here): "Step N/M" → stage. */
  instructionStages: InstructionStage[];
  /** 1-based instruction (as given) that installs dependencies: "Using cache" there is a cache hit. */
  dependencyInstallStep?: number;
  /** Assemble the image without `docker build` when the Dockerfile runs no command (see image-assembly.ts). */
  assembleWhenPossible?: boolean;
  signal: AbortSignal;
  onStage: (stage: BuildStage) => void;
  onOutput: (stage: BuildStage, text: string, stream: 'stdout' | 'stderr') => void;
}

export interface ImageBuildResult {
  imageId: string;
  sizeBytes: number;
  dependencyCacheHit: boolean;
}

/** A Docker build that failed; `message` is Docker's own explanation (e.g. a RUN step's exit code). */
export class ImageBuildError extends Error {
  constructor(
    message: string,
    readonly stage: BuildStage,
  ) {
    super(message);
    this.name = 'ImageBuildError';
  }
}

export class BuildAbortedError extends Error {
  constructor(readonly reason: unknown) {
    super('The build was stopped.');
    this.name = 'BuildAbortedError';
  }
}

interface BuildMessage {
  stream?: string;
  error?: string;
  errorDetail?: { message?: string };
  aux?: { ID?: string };
}

const STEP = /^Step (\d+)\/(\d+) : /;
const RUNNING_IN = /---> Running in ([0-9a-f]{12,64})/;

function stageOf(instructionStage: InstructionStage | undefined): BuildStage {
  return instructionStage === 'install' ? 'install' : instructionStage === 'export' ? 'export' : 'build';
}

/**
 * Builds an image from a local context on the Docker Engine (classic builder, so each step reports
 * "Using cache"), streaming every output line with its stage. The context honours `.dockerignore`. An
 * aborted build closes the request, which makes Docker cancel it; intermediate containers are removed.
 */
@Injectable()
export class DockerImageBuilder {
  constructor(private readonly docker: DockerClient) {}

  async build(request: ImageBuildRequest): Promise<ImageBuildResult> {
    if (request.signal.aborted) throw new BuildAbortedError(request.signal.reason);
    const dockerfileEntry = posix.normalize(request.dockerfilePath).replace(/^\.\//, '');
    if (request.assembleWhenPossible) {
      const assembled = await this.assembleIfPossible(request, dockerfileEntry);
      if (assembled) return assembled;
    }
    const labelled = await labelledDockerfile(request.contextDir, dockerfileEntry, request.labels);
    const steps = stepsWithLabel(request, labelled?.labelIndex);
    const context = tarFs.pack(request.contextDir, {
      ignore: dockerignoreFilter(request.contextDir, request.dockerfilePath),
      ...(labelled?.replaces ? replaceEntry(labelled.dockerfile, labelled.replaces) : {}),
      ...(labelled?.adds ? addEntries(labelled.adds) : {}),
    });
    const cpuPeriod = 100_000;
    const options: Docker.ImageBuildOptions & { abortSignal: AbortSignal } = {
      t: request.tag,
      dockerfile: labelled?.dockerfile ?? dockerfileEntry,
      ...(labelled ? {} : { labels: request.labels }),
      buildargs: request.buildArgs,
      rm: true,
      forcerm: true,
      memory: request.memoryBytes,
      memswap: request.memoryBytes,
      cpuperiod: cpuPeriod,
      cpuquota: Math.round((request.cpuPercent / 100) * cpuPeriod),
      abortSignal: request.signal,
    };
    const response = (await this.docker.engine.buildImage(context, options)) as NodeJS.ReadableStream & {
      destroy?: () => void;
    };

    let stage: BuildStage = 'build';
    let step = 0;
    let imageId = '';
    let failure: string | undefined;
    let dependencyCacheHit = false;
    const intermediateContainers = new Set<string>();
    const onAbort = () => response.destroy?.();
    request.signal.addEventListener('abort', onAbort, { once: true });

    try {
      await new Promise<void>((resolve, reject) => {
        this.docker.engine.modem.followProgress(
          response,
          (error: Error | null) => (error ? reject(error) : resolve()),
          (message: BuildMessage) => {
            if (message.aux?.ID) imageId = message.aux.ID;
            if (message.error) {
              failure = message.errorDetail?.message ?? message.error;
              request.onOutput(stage, failure, 'stderr');
              return;
            }
            const text = message.stream;
            if (!text) return;
            const stepMatch = STEP.exec(text);
            if (stepMatch) {
              step = Number(stepMatch[1]);
              // Past the Dockerfile's own instructions come the LABEL steps Docker adds for API labels.
              const next = stageOf(steps.instructionStages[step - 1] ?? 'export');
              if (next !== stage) {
                stage = next;
                request.onStage(stage);
              }
            }
            if (text.includes('---> Using cache') && step === steps.dependencyInstallStep)
              dependencyCacheHit = true;
            const container = RUNNING_IN.exec(text)?.[1];
            if (container) intermediateContainers.add(container);
            request.onOutput(stage, text, 'stdout');
          },
        );
      });
    } catch (error) {
      if (!request.signal.aborted)
        throw new ImageBuildError(`Docker stopped the build: ${(error as Error).message}`, stage);
    } finally {
      request.signal.removeEventListener('abort', onAbort);
    }

    if (request.signal.aborted) {
      await this.removeContainers(intermediateContainers);
      throw new BuildAbortedError(request.signal.reason);
    }
    if (failure) {
      await this.removeContainers(intermediateContainers);
      throw new ImageBuildError(failure, stage);
    }
    if (!imageId) throw new ImageBuildError('Docker finished without producing an image.', stage);
    const image = await this.docker.engine.getImage(imageId).inspect();
    return { imageId, sizeBytes: image.Size, dependencyCacheHit };
  }

  /**
   * The image assembled from its base image, or nothing when `docker build` must make it: the Dockerfile
   * runs a command or uses a form only a build understands, or the base image is not here, declares
   * volumes or has ONBUILD triggers. A failure of Docker while assembling also leaves it to the build, which
   * then reports in Docker's own words.
   */
  private async assembleIfPossible(
    request: ImageBuildRequest,
    dockerfileEntry: string,
  ): Promise<ImageBuildResult | undefined> {
    const started = Date.now();
    const dockerfile = await readFile(join(request.contextDir, dockerfileEntry), 'utf8').catch(
      () => undefined,
    );
    const decision = dockerfile === undefined ? undefined : planImageAssembly(dockerfile);
    if (!decision || 'notAssembled' in decision) return undefined;
    const { plan } = decision;
    if (Object.keys(request.buildArgs).length > 0) return undefined;
    const labels = Object.entries(request.labels);
    if (!labels.every(([key, value]) => PLAIN_LABEL.test(key) && PLAIN_LABEL.test(value))) return undefined;
    const [copied, base] = await Promise.all([
      copiedEntries(request.contextDir, plan.copies),
      this.docker.engine
        .getImage(plan.baseImage)
        .inspect()
        .catch(() => undefined),
    ]);
    if ('notAssembled' in copied || !base) return undefined;
    if (Object.keys(base.Config?.Volumes ?? {}).length > 0 || (base.Config?.OnBuild ?? []).length > 0) {
      return undefined;
    }
    request.onStage('build');
    const configuration = [
      ...plan.configuration,
      ...(labels.length > 0 ? [`LABEL ${labels.map(([key, value]) => `${key}=${value}`).join(' ')}`] : []),
    ];
    const imageId = await this.assemble(request, base.Id, copied.entries, configuration);
    if (!imageId) return undefined;
    const image = await this.docker.engine.getImage(imageId).inspect();
    for (const line of assemblyLog(plan, copied.entries, Date.now() - started)) {
      request.onOutput('build', `${line}\n`, 'stdout');
    }
    return { imageId, sizeBytes: image.Size, dependencyCacheHit: false };
  }

  /**
   * One container from the base image's anchor, the copied files put into it, one commit: the new image's
   * id. Docker's failures are reported and leave the image to `docker build`.
   */
  private async assemble(
    request: ImageBuildRequest,
    baseImageId: string,
    entries: CopiedEntry[],
    configuration: string[],
  ): Promise<string | undefined> {
    let container: Docker.Container | undefined;
    try {
      const anchor = await this.assemblyAnchor(baseImageId);
      container = await this.docker.engine.createContainer({ Image: anchor });
      if (request.signal.aborted) throw new BuildAbortedError(request.signal.reason);
      if (entries.length > 0)
        await container.putArchive(packEntries(request.contextDir, entries), { path: '/' });
      if (request.signal.aborted) throw new BuildAbortedError(request.signal.reason);
      const [repo, tag] = splitTag(request.tag);
      const committed = (await container.commit({ repo, tag, changes: configuration, pause: false })) as {
        Id: string;
      };
      return committed.Id;
    } catch (error) {
      if (error instanceof BuildAbortedError) throw error;
      request.onOutput(
        'build',
        `Assembling the image did not work (${(error as Error).message}); building it with Docker instead.\n`,
        'stderr',
      );
      return undefined;
    } finally {
      // Not waited for: the image no longer needs it.
      void container?.remove({ force: true, v: true }).catch(() => undefined);
    }
  }

  /**
   * The image assembled images are committed on, per base image: the base with Slipway's `managed-by`
   * label, tagged `slipway/assembly-anchor:<base id>` and kept. Why not the base itself: the classic builder
   * looks for a cached step among the base's children and fails ("unable to find image") when one is removed
   * while it looks. Assembled images come and go with every deploy (old ones are pruned), and any build from
   * the same base, Slipway's or anyone's on the host, would race with their removal; as children of the
   * anchor they are out of that list. The label keeps the anchor from ever matching a build step's cache.
   */
  private async assemblyAnchor(baseImageId: string): Promise<string> {
    const tag = baseImageId.replace(/^sha256:/, '').slice(0, 12);
    const name = `${ASSEMBLY_ANCHOR_REPO}:${tag}`;
    const existing = await this.docker.engine
      .getImage(name)
      .inspect()
      .catch(() => undefined);
    if (existing?.Parent === baseImageId) return existing.Id;
    const container = await this.docker.engine.createContainer({ Image: baseImageId });
    try {
      const committed = (await container.commit({
        repo: ASSEMBLY_ANCHOR_REPO,
        tag,
        changes: [`LABEL ${SLIPWAY_MANAGED_BY_LABEL}`],
        pause: false,
      })) as { Id: string };
      return committed.Id;
    } finally {
      await container.remove({ force: true, v: true }).catch(() => undefined);
    }
  }

  /** Docker normally removes them (forcerm); a cancelled build can leave one behind. */
  private async removeContainers(ids: Set<string>): Promise<void> {
    await Promise.all(
      [...ids].map((id) =>
        this.docker.engine
          .getContainer(id)
          .remove({ force: true })
          .catch(() => undefined),
      ),
    );
  }
}

/**
 * The request's map from Docker's steps to stages, with the `LABEL` instruction inserted at `labelIndex` (if
 * any) counted in: it takes the stage of the `FROM` before it, and the steps after it move one on.
 */
export function stepsWithLabel(
  request: Pick<ImageBuildRequest, 'instructionStages' | 'dependencyInstallStep'>,
  labelIndex: number | undefined,
): Pick<ImageBuildRequest, 'instructionStages' | 'dependencyInstallStep'> {
  const { instructionStages, dependencyInstallStep } = request;
  if (labelIndex === undefined) return { instructionStages, dependencyInstallStep };
  const labelStage = instructionStages[labelIndex - 1] ?? 'setup';
  return {
    instructionStages: [
      ...instructionStages.slice(0, labelIndex),
      labelStage,
      ...instructionStages.slice(labelIndex),
    ],
    // 1-based: the step at 0-based index labelIndex and every one after it is now one further on.
    dependencyInstallStep:
      dependencyInstallStep !== undefined && dependencyInstallStep > labelIndex
        ? dependencyInstallStep + 1
        : dependencyInstallStep,
  };
}

/** The context's `.dockerignore` rules, or nothing when it has none. */
function dockerignoreRules(contextDir: string): ReturnType<typeof ignore> | undefined {
  const file = `${contextDir}/.dockerignore`;
  if (!existsSync(file)) return undefined;
  return ignore().add(readFileSync(file, 'utf8').split('\n'));
}

/** `.dockerignore` rules of the context; the Dockerfile and `.dockerignore` are always sent, as Docker does. */
export function dockerignoreFilter(contextDir: string, dockerfilePath: string): (path: string) => boolean {
  const rules = dockerignoreRules(contextDir);
  if (!rules) return () => false;
  const alwaysSent = new Set(['.dockerignore', dockerfilePath.replace(/^\.\//, '')]);
  return (path: string) => {
    const relativePath = relative(contextDir, path);
    if (relativePath === '' || alwaysSent.has(relativePath)) return false;
    return rules.ignores(relativePath);
  };
}

/** Where the anchors of assembled images are tagged (see assemblyAnchor). */
export const ASSEMBLY_ANCHOR_REPO = 'slipway/assembly-anchor';
const SLIPWAY_MANAGED_BY_LABEL = 'io.slipway.managed-by=slipway';

/** `repo:tag` (the tag after the last `:` that follows the last `/`), `latest` when there is none. */
function splitTag(reference: string): [string, string] {
  const separator = reference.lastIndexOf(':');
  return separator > reference.lastIndexOf('/')
    ? [reference.slice(0, separator), reference.slice(separator + 1)]
    : [reference, 'latest'];
}

/** What the build log says of an assembled image, in place of Docker's steps. */
export function assemblyLog(plan: AssemblyPlan, entries: CopiedEntry[], durationMs: number): string[] {
  const files = entries.filter((entry) => entry.kind !== 'directory');
  const bytes = files.reduce((total, entry) => total + entry.size, 0);
  return [
    'The Dockerfile runs no commands, so the image is assembled without a build:',
    `Base image: ${plan.baseImage}`,
    // Files first, then the configuration they are committed with (not the Dockerfile's order).
    ...plan.copies.map(
      (copy) => `Copied: ${copy.sources.join(' ')} → ${copy.destination}${copy.intoDirectory ? '/' : ''}`,
    ),
    ...plan.configuration.map((instruction) => `Set on the image: ${instruction}`),
    `${files.length} file(s), ${(bytes / 1024).toFixed(1)} KiB, put onto ${plan.baseImage}; image assembled in ${durationMs} ms`,
  ];
}

/** Label keys and values that need no quoting and hold nothing Docker would expand (`$`) or unescape. */
const PLAIN_LABEL = /^[A-Za-z0-9._:/@+-]+$/;

/** The name under which a labelled copy of the Dockerfile travels when the source has no `.dockerignore`. */
export const LABELLED_DOCKERFILE = '.slipway.Dockerfile';

/** How the build context carries a Dockerfile with the labels in it. */
export interface LabelledDockerfile {
  /** The Dockerfile Docker builds, as named in the context. */
  dockerfile: string;
  /** Where the `LABEL` instruction went: its 0-based index among the instructions (Docker's step - 1). */
  labelIndex: number;
  /** Its labelled text, sent in place of the file of that name. */
  replaces?: Buffer;
  /** Files added to the context that are not in the source. */
  adds?: Map<string, Buffer>;
}

/**
 * The Dockerfile with every label in one `LABEL` instruction right after its last `FROM`, or nothing when
 * that cannot be done without side effects, and the labels go through Docker's API instead.
 *
 * Why one instruction: the classic builder turns each API label into a `LABEL` step of its own, and every
 * step is a container commit (0.1–0.3 s each on a 2-core machine).
 * Why right after the last `FROM`, with labels that are the same on every build of the app (no deployment
 * id: the image's tag names the deployment): the step is then identical from one build of the app to the
 * next and comes before anything the source changes, so from the second build on Docker answers "Using
 * cache" for it and it costs no commit at all; at the end of the Dockerfile it came after the changed files
 * and was never cached. The final stage is the one the image is made of, so the labels still end up on it.
 *
 * The labelled text must stay out of what `COPY .` copies (else the Dockerfile's own change would change the
 * copied files and with them the cache). When the context's `.dockerignore` leaves the Dockerfile out, its
 * text is replaced in place (Docker still reads it, then drops it from the context). When the source has no
 * `.dockerignore` at all, the labelled copy travels beside it as LABELLED_DOCKERFILE with a `.dockerignore`
 * that leaves out exactly these two added files, so `COPY .` copies what it always did. Otherwise the labels
 * go through the API. It also needs labels that are plain words, a `FROM`, and a re-parse that finds
 * exactly the original instructions plus this `LABEL` where it was put.
 */
export async function labelledDockerfile(
  contextDir: string,
  dockerfileEntry: string,
  labels: Record<string, string>,
): Promise<LabelledDockerfile | undefined> {
  const entries = Object.entries(labels).sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0) return undefined;
  if (!entries.every(([key, value]) => PLAIN_LABEL.test(key) && PLAIN_LABEL.test(value))) return undefined;
  const rules = dockerignoreRules(contextDir);
  const inPlace = rules?.ignores(dockerfileEntry) === true;
  const beside = rules === undefined && !existsSync(join(contextDir, LABELLED_DOCKERFILE));
  if (!inPlace && !beside) return undefined;
  const original = await readFile(join(contextDir, dockerfileEntry), 'utf8');
  const labelArgs = entries.map(([key, value]) => `${key}=${value}`).join(' ');
  const inserted = withLabelAfterLastFrom(original, `LABEL ${labelArgs}`);
  if (!inserted) return undefined;
  const labelled = Buffer.from(inserted.text, 'utf8');
  const { labelIndex } = inserted;
  if (inPlace) return { dockerfile: dockerfileEntry, labelIndex, replaces: labelled };
  return {
    dockerfile: LABELLED_DOCKERFILE,
    labelIndex,
    adds: new Map([
      [LABELLED_DOCKERFILE, labelled],
      ['.dockerignore', Buffer.from(`.dockerignore\n${LABELLED_DOCKERFILE}\n`, 'utf8')],
    ]),
  };
}

/**
 * `original` with `instruction` as a line of its own just before the line on which the instruction after the
 * last `FROM` starts (comments and blank lines between them stay above it), or at the end when that `FROM` is
 * the last instruction; in the file's line ending (CRLF if it uses one). Undefined when it has no `FROM`, or
 * when the result would not parse as the original instructions with this one added at `labelIndex`.
 */
function withLabelAfterLastFrom(
  original: string,
  instruction: string,
): { text: string; labelIndex: number } | undefined {
  const before = parseDockerfile(original);
  const labelIndex = before.map(({ keyword }) => keyword).lastIndexOf('FROM') + 1;
  if (labelIndex === 0) return undefined;
  const eol = original.includes('\r\n') ? '\r\n' : '\n';
  const following = before[labelIndex];
  let text: string;
  if (following) {
    // The parser numbers lines by "\n" (a "\r" before it belongs to its line), so splitting there keeps them.
    const lines = original.split('\n');
    lines.splice(following.line - 1, 0, `${instruction}${eol === '\r\n' ? '\r' : ''}`);
    text = lines.join('\n');
  } else {
    text = `${original}${original.endsWith('\n') ? '' : eol}${instruction}${eol}`;
  }
  const after = parseDockerfile(text);
  const added = after[labelIndex];
  const others = after.filter((_, index) => index !== labelIndex);
  const unchanged =
    others.length === before.length &&
    others.every(
      ({ keyword, args }, index) => keyword === before[index]?.keyword && args === before[index]?.args,
    );
  if (!unchanged || added?.keyword !== 'LABEL' || `LABEL ${added.args}` !== instruction) return undefined;
  return { text, labelIndex };
}

/** tar-fs options that append `files` (name → content) to the context after the source's own files. */
function addEntries(files: Map<string, Buffer>): Pick<tarFs.PackOptions, 'finalize' | 'finish'> {
  return {
    finalize: false,
    finish: (pack) => {
      for (const [name, content] of files) pack.entry({ name, mode: 0o644 }, content);
      pack.finalize();
    },
  };
}

/** tar-fs options that send `content` in place of the file at `entry`. */
function replaceEntry(entry: string, content: Buffer): Pick<tarFs.PackOptions, 'map' | 'mapStream'> {
  return {
    map: (header) => (header.name === entry ? { ...header, size: content.length } : header),
    mapStream: (fileStream, header) => {
      if (header.name !== entry) return fileStream;
      fileStream.destroy();
      // tar-fs pipes whatever stream it gets; its typings name only file streams.
      return Readable.from([content]) as unknown as ReadStream;
    },
  };
}

import { DockerServiceConfig } from '@slipway/nest-docker';
import { IsBoolean, IsInt, IsString, Max, Min, MinLength } from 'class-validator';

export class BuilderConfig extends DockerServiceConfig {
  override HTTP_PORT: number = 3002;

  /** Builds running at once; the rest wait in a queue. One suits a 2-core machine. */
  @IsInt()
  @Min(1)
  @Max(32)
  BUILD_CONCURRENCY: number = 1;

  @IsInt()
  @Min(10_000)
  BUILD_TIMEOUT_MS: number = 15 * 60_000;

  /** Memory and CPU a build's steps may use, so a runaway build cannot starve the control plane. */
  @IsInt()
  @Min(128)
  BUILD_MEMORY_MB: number = 2048;

  @IsInt()
  @Min(10)
  @Max(6400)
  BUILD_CPU_PERCENT: number = 150;

  @IsInt()
  @Min(1000)
  CLONE_TIMEOUT_MS: number = 120_000;

  @IsInt()
  @Min(1024 * 1024)
  SOURCE_MAX_BYTES: number = 500 * 1024 * 1024;

  @IsInt()
  @Min(1)
  ARCHIVE_MAX_ENTRIES: number = 50_000;

  /**
   * A Dockerfile that runs no command (no RUN) is assembled: its files are put onto the base image and its
   * configuration applied in one commit, instead of a container and a commit per step. False: always
   * `docker build`.
   */
  @IsBoolean()
  BUILD_ASSEMBLE_IMAGES: boolean = true;

  /** Allows file:// and local paths, and plain http, as git sources: for development and tests only. */
  @IsBoolean()
  ALLOW_LOCAL_SOURCES: boolean = false;

  /** Where sources are checked out while they build. Empty: a folder in the system's temp dir. */
  @IsString()
  BUILD_WORK_DIR: string = '';

  @IsString()
  @MinLength(1)
  BASE_IMAGE_NODE: string = 'node:22-bookworm-slim';

  @IsString()
  @MinLength(1)
  BASE_IMAGE_PYTHON: string = 'python:3.12-slim';

  @IsString()
  @MinLength(1)
  BASE_IMAGE_STATIC: string = 'caddy:2-alpine';

  /** A PEM bundle added to every build (for TLS-intercepting proxies). Empty: none. */
  @IsString()
  EXTRA_CA_BUNDLE: string = '';

  /** Successful images kept per app, for rollback; older ones are removed. */
  @IsInt()
  @Min(1)
  @Max(100)
  KEEP_IMAGES_PER_APP: number = 5;

  /**
   * How long after a build its app's old images are pruned. Not at once: the image just built is being
   * started on the same Docker engine, and listing and removing images would compete with that release.
   */
  @IsInt()
  @Min(0)
  IMAGE_PRUNE_DELAY_MS: number = 10_000;

  /** Keys that open sealed access tokens (`<keyId>:<base64 32 bytes>`, comma-separated). */
  @IsString()
  SECRETS_KEYS: string = '';

  @IsString()
  SECRETS_ACTIVE_KEY_ID: string = '';
}

import type { BuildSettings, DetectedStack } from '@slipway/contracts';

/** The images generated Dockerfiles start from: `slipway-local/...` here, official images in production. */
export interface BaseImages {
  /** e.g. `slipway-local/node:20-bookworm`, `node:22-bookworm-slim`. Needs `npm` (and `corepack` for yarn/pnpm). */
  node: string;
  /** e.g. `slipway-local/python:3.11-bookworm`, `python:3.12-slim`. Needs `python3 -m venv` with pip. */
  python: string;
  /** e.g. `slipway-local/static:bookworm`, `caddy:2-alpine`. Needs `caddy` on the PATH. */
  static: string;
}

/** Which part of the build a Dockerfile instruction belongs to (a subset of the contracts' BuildStage). */
export type InstructionStage = 'setup' | 'install' | 'build' | 'export';

export type PlanStack = Exclude<DetectedStack, 'image'>;

export type PackageManager = 'npm' | 'yarn' | 'pnpm';

export interface DetectStackInput {
  /** The checked-out source (absolute). Generated files are written below it, never above. */
  sourceDir: string;
  settings: BuildSettings;
  baseImages: BaseImages;
  /** The caller places a CA bundle at `<contextDir>/.slipway/ca.crt` (TLS-intercepting proxies). */
  extraCaBundle?: boolean;
}

export interface BuildPlan {
  stack: PlanStack;
  /** User-visible sentences, in the order the decisions were made. */
  reasons: string[];
  /** Absolute directory sent to Docker as the build context. */
  contextDir: string;
  /** Relative to contextDir, with forward slashes. */
  dockerfilePath: string;
  /** The Dockerfile's full text (generated, or the user's own). */
  dockerfile: string;
  /**
   * One entry per Dockerfile instruction, in the order Docker's classic builder numbers them ("Step N/M").
   * When the build sets labels, the daemon appends one `LABEL` step of its own, so M is one more than this
   * array's length: treat steps past its end as 'export'.
   */
  instructionStages: InstructionStage[];
  /** 1-based step of the instruction that installs dependencies ("Using cache" there = dependency cache hit). */
  dependencyInstallStep?: number;
  port: number;
  packageManager?: PackageManager;
}

/** Detection could not decide how to build the source. The message says what was looked for and how to fix it. */
export class DetectionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DetectionError';
  }
}

/** Every generated image listens here unless `settings.port` says otherwise; apps must read `$PORT`. */
export const DEFAULT_PORT = 8080;

/** Where generated files go inside the build context. */
export const SLIPWAY_DIR = '.slipway';
export const GENERATED_DOCKERFILE = `${SLIPWAY_DIR}/Dockerfile`;
export const GENERATED_CADDYFILE = `${SLIPWAY_DIR}/Caddyfile`;
/** Placed by the caller when `extraCaBundle` is set. */
export const EXTRA_CA_BUNDLE = `${SLIPWAY_DIR}/ca.crt`;

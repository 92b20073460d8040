/**
 * What the runtime needs from a container engine, and nothing more: everything above this interface talks
 * about instances of a release, never about Docker. The Docker implementation is `DockerDriver`.
 */

/** Injection token for the runtime driver. */
export const RUNTIME_DRIVER = Symbol('RUNTIME_DRIVER');

/** How the engine restarts an instance whose process exits on its own (never after a stop). */
export type RestartPolicy = { name: 'no' } | { name: 'on-failure'; maxRetries: number };

/** The resources of the app's plan. */
export interface PlanResources {
  memoryMb: number;
  /** Fractions allowed: 0.5 is half a core. */
  cpus: number;
}

export interface InstanceSpec {
  appId: string;
  /** Used in the instance name; reduced to characters the engine accepts. */
  appName: string;
  deploymentId: string;
  releaseId: string;
  image: string;
  /** The app's environment. The values are secrets: a driver never logs them. */
  env: Record<string, string>;
  /** The port the app listens on inside the instance; given to it as $PORT. */
  port: number;
  resources: PlanResources;
  restartPolicy: RestartPolicy;
  /** Overrides the image's CMD (the image's ENTRYPOINT, if any, still applies). */
  command?: string[];
  /** Extra labels on top of Slipway's own (which cannot be overridden). */
  labels?: Record<string, string>;
}

export interface InstanceHandle {
  /** The instance's name, unique on the engine: `slipway-<app>-<release>-<n>`. */
  id: string;
  containerId: string;
  /** The host port (on 127.0.0.1 by default) that reaches the app's $PORT. */
  hostPort: number;
  /** `<reach host>:<hostPort>` (`127.0.0.1:<hostPort>` by default): what health checks and the router dial. */
  address: string;
}

export type InstanceStatus = 'created' | 'running' | 'restarting' | 'paused' | 'exited' | 'dead' | 'removing';

export interface InstanceState {
  id: string;
  status: InstanceStatus;
  running: boolean;
  /** The exit code of the last run; null while it has never exited. */
  exitCode: number | null;
  restartCount: number;
  /** Set when the engine could not start the process (e.g. the command does not exist). */
  error?: string;
  /** Set when the process was killed for exceeding its memory limit. */
  oomKilled: boolean;
}

export interface ManagedInstance {
  id: string;
  containerId: string;
  appId: string;
  deploymentId: string;
  releaseId: string;
  status: InstanceStatus;
  hostPort?: number;
  labels: Record<string, string>;
}

/** Narrows a listing; extra labels must all match (`{ 'io.slipway.test': 'true' }`). */
export interface InstanceFilter {
  appId?: string;
  deploymentId?: string;
  releaseId?: string;
  labels?: Record<string, string>;
}

export interface RuntimeDriver {
  startInstance(spec: InstanceSpec): Promise<InstanceHandle>;
  /** Sends SIGTERM, waits up to graceMs for the process to exit, then kills it. Stopping a stopped instance is a no-op. */
  stopInstance(id: string, options?: { graceMs?: number }): Promise<void>;
  /** Stops the instance if it still runs, then removes it and frees its host port. */
  removeInstance(id: string): Promise<void>;
  /** Only instances Slipway manages; everything else on the engine is invisible. */
  listManagedInstances(filter?: InstanceFilter): Promise<ManagedInstance[]>;
  /** The last n lines the instance wrote to stdout and stderr, oldest first. */
  lastLogLines(id: string, n: number): Promise<string[]>;
  inspect(id: string): Promise<InstanceState>;
  /** Follows the instance's stdout and stderr from `sinceMs` on until it stops or `stop()` is called. */
  followLogs(id: string, sinceMs: number, onLine: (line: InstanceLogLine) => void): Promise<LogFollow>;
  /** One sample of the instance's resource use. */
  sampleStats(id: string): Promise<InstanceStats>;
  /**
   * Removes the images Slipway built for the app (builder labels), except those named in `keep` (by tag or
   * id). Images in use by a container, or not built by Slipway for this app, are never removed.
   */
  removeAppImages(appId: string, keep: string[]): Promise<string[]>;
  /** Calls back for every start and exit of a managed instance until the returned function is called. */
  watchEvents(onEvent: (event: InstanceEvent) => void, onError: (error: Error) => void): () => void;
}

export interface InstanceLogLine {
  stream: 'stdout' | 'stderr';
  timestamp: string;
  text: string;
}

export interface LogFollow {
  stop(): void;
  /** Resolves when the instance's output ends (it stopped) or `stop()` was called. */
  ended: Promise<void>;
}

export interface InstanceStats {
  cpuPercent: number;
  memoryBytes: number;
  memoryLimitBytes: number;
  networkRxBytes: number;
  networkTxBytes: number;
}

export interface InstanceEvent {
  kind: 'start' | 'die';
  instanceId: string;
  appId: string;
  releaseId: string;
  labels: Record<string, string>;
  /** For `die`. */
  exitCode: number | null;
  at: number;
}

/** No instance managed by Slipway has this id. */
export class InstanceNotFoundError extends Error {
  constructor(readonly instanceId: string) {
    super(`No instance managed by Slipway is named ${instanceId}`);
    this.name = 'InstanceNotFoundError';
  }
}

import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, WriteStream } from 'node:fs';
import { join } from 'node:path';

export interface ManagedProcessOptions {
  /** Short name used in messages and as the log file name: "nats" logs to `<logDir>/nats.log`. */
  name: string;
  command: string;
  args?: readonly string[];
  cwd?: string;
  /** Merged over the current environment; a variable set to `undefined` is removed. */
  env?: Record<string, string | undefined>;
  /** When set, stdout and stderr are also appended to `<logDir>/<name>.log`. */
  logDir?: string;
  /** How many recent output lines to keep for `recentOutput()`. Default 200. */
  outputLines?: number;
  /** How long `stop()` waits after SIGTERM before sending SIGKILL. Default 10 s. */
  stopGracePeriodMs?: number;
}

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Keeps the last N lines of a stream of text chunks. */
class OutputRing {
  private readonly lines: string[] = [];
  private partial = '';

  constructor(private readonly capacity: number) {}

  push(chunk: string): void {
    const parts = (this.partial + chunk).split('\n');
    this.partial = parts.pop() ?? '';
    for (const line of parts) {
      this.lines.push(line);
    }
    if (this.lines.length > this.capacity) {
      this.lines.splice(0, this.lines.length - this.capacity);
    }
  }

  text(): string {
    return [...this.lines, ...(this.partial ? [this.partial] : [])].join('\n');
  }
}

/**
 * Every process started here and not yet exited. If the test process exits without stopping them (a test
 * crashed, a forgotten `stop()`), the exit hook SIGKILLs them so that no server outlives the test run.
 */
const liveProcesses = new Set<ManagedProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) {
    return;
  }
  exitHookInstalled = true;
  // Only synchronous work is possible in an 'exit' handler: signal, do not wait.
  process.once('exit', () => {
    for (const managed of liveProcesses) {
      managed.signal('SIGKILL');
    }
  });
}

/** A child process (a server a test depends on) that is started, watched and stopped by its PID. */
export class ManagedProcess {
  readonly name: string;
  readonly pid: number;
  private readonly child: ChildProcess;
  private readonly output: OutputRing;
  private readonly exit: Promise<ProcessExit>;
  private readonly closed: Promise<void>;
  private readonly stopGracePeriodMs: number;
  private exitStatus: ProcessExit | undefined;

  private constructor(
    child: ChildProcess,
    options: ManagedProcessOptions,
    logStream: WriteStream | undefined,
  ) {
    if (child.pid === undefined) {
      throw new Error(`${options.name}: spawned without a PID`);
    }
    this.name = options.name;
    this.pid = child.pid;
    this.child = child;
    this.output = new OutputRing(options.outputLines ?? 200);
    this.stopGracePeriodMs = options.stopGracePeriodMs ?? 10_000;

    const capture = (chunk: Buffer): void => {
      this.output.push(chunk.toString('utf8'));
      logStream?.write(chunk);
    };
    child.stdout?.on('data', capture);
    child.stderr?.on('data', capture);

    this.exit = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exitStatus = { code, signal };
        liveProcesses.delete(this);
        resolve(this.exitStatus);
      });
    });
    // 'close' comes after 'exit' once the output pipes are drained: only then may the log file be closed.
    this.closed = new Promise((resolve) => {
      child.once('close', () => {
        logStream?.end();
        resolve();
      });
    });
    liveProcesses.add(this);
    installExitHook();
  }

  /** Spawns the process; rejects if it cannot be started at all (e.g. the command does not exist). */
  static async start(options: ManagedProcessOptions): Promise<ManagedProcess> {
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const [key, value] of Object.entries(options.env ?? {})) {
      if (value === undefined) {
        delete env[key];
      } else {
        env[key] = value;
      }
    }
    let logStream: WriteStream | undefined;
    if (options.logDir !== undefined) {
      mkdirSync(options.logDir, { recursive: true });
      logStream = createWriteStream(join(options.logDir, `${options.name}.log`), { flags: 'a' });
    }
    const child = spawn(options.command, [...(options.args ?? [])], {
      cwd: options.cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      await new Promise<void>((resolve, reject) => {
        child.once('spawn', resolve);
        child.once('error', reject);
      });
    } catch (error) {
      logStream?.end();
      throw new Error(
        `${options.name}: could not start ${options.command}: ${error instanceof Error ? error.message : error}`,
      );
    }
    return new ManagedProcess(child, options, logStream);
  }

  /** Whether the process has exited (by itself, or after stop()/kill()). */
  get exited(): boolean {
    return this.exitStatus !== undefined;
  }

  /** Resolves when the process exits, with its exit code or signal. */
  waitForExit(): Promise<ProcessExit> {
    return this.exit;
  }

  /** Sends a signal to the process (by PID); does nothing once it has exited. */
  signal(signal: NodeJS.Signals): void {
    if (this.exited) {
      return;
    }
    try {
      process.kill(this.pid, signal);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') {
        throw error;
      }
    }
  }

  /** Graceful stop: SIGTERM, then SIGKILL if the process is still there after the grace period. */
  async stop(): Promise<ProcessExit> {
    this.signal('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const gracePeriod = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.stopGracePeriodMs);
    });
    const outcome = await Promise.race([this.exit, gracePeriod]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      this.signal('SIGKILL');
    }
    return this.settle();
  }

  /** Immediate SIGKILL, as when a process crashes. */
  async kill(): Promise<ProcessExit> {
    this.signal('SIGKILL');
    return this.settle();
  }

  /** The last lines the process wrote to stdout and stderr, interleaved. */
  recentOutput(): string {
    return this.output.text();
  }

  private async settle(): Promise<ProcessExit> {
    const status = await this.exit;
    // Give the pipes a moment to drain into the log; a grandchild holding them open must not block us.
    await Promise.race([this.closed, new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
    return status;
  }
}

/**
 * Waits for `ready()` while watching the process: fails at once if the process exits first, and in every
 * failure case stops the process and throws an error that includes its recent output.
 */
export async function waitUntilReady(managed: ManagedProcess, ready: () => Promise<void>): Promise<void> {
  const exitedEarly = managed.waitForExit().then((status) => {
    throw new Error(
      `${managed.name} exited (code ${status.code}, signal ${status.signal}) before it was ready`,
    );
  });
  try {
    await Promise.race([ready(), exitedEarly]);
  } catch (error) {
    await managed.stop();
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `${managed.name} did not become ready: ${reason}\n--- recent output ---\n${managed.recentOutput()}`,
    );
  } finally {
    // The race is over: a later exit (a normal stop) must not surface as an unhandled rejection.
    exitedEarly.catch(() => undefined);
  }
}

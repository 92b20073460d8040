import { request } from 'node:http';
import { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** What to probe: an HTTP GET (2xx and 3xx count as up) or a plain TCP connect. */
export type HealthTarget =
  | { kind: 'http'; host: string; port: number; /** Default `/`. */ path?: string }
  | { kind: 'tcp'; host: string; port: number };

export interface HealthCheckOptions {
  /** Limit of one attempt. Default 2000 ms. */
  attemptTimeoutMs?: number;
  /** Pause between attempts. Default 500 ms. */
  intervalMs?: number;
  /**
   * Pause between attempts while nothing has answered yet (the process is still booting), when shorter than
   * `intervalMs`: a refused connection costs nothing, and the first answer is then seen as soon as it comes.
   * Default: `intervalMs`.
   */
  untilFirstAnswerIntervalMs?: number;
  /** Consecutive successful attempts needed; a failure starts the count again. Default 1. */
  successesRequired?: number;
  /** Give up this long after the start. */
  deadlineMs: number;
  /**
   * Asked before every attempt; a sentence ends the check at once as unhealthy with that reason (e.g. the
   * instance's process has exited, so waiting longer is pointless).
   */
  giveUpIf?: () => Promise<string | undefined> | string | undefined;
}

export type HealthResult =
  | { healthy: true; attempts: number; ms: number }
  | { healthy: false; reason: string; lastError?: string; attempts: number; ms: number };

/** One HTTP attempt: resolves on 2xx/3xx, rejects with what went wrong otherwise. */
function httpAttempt(
  target: { host: string; port: number; path?: string },
  timeoutMs: number,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: target.host,
        port: target.port,
        path: target.path ?? '/',
        method: 'GET',
        agent: false,
        timeout: timeoutMs,
      },
      (response) => {
        response.resume();
        const status = response.statusCode ?? 0;
        if (status >= 200 && status < 400) resolve();
        else reject(new Error(`HTTP ${status}`));
      },
    );
    req.once('timeout', () => req.destroy(new Error(`no response within ${timeoutMs} ms`)));
    req.once('error', reject);
    req.end();
  });
}

/** One TCP attempt: resolves once a connection is accepted. */
function tcpAttempt(target: { host: string; port: number }, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    socket.setTimeout(timeoutMs);
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('timeout', () => {
      socket.destroy();
      reject(new Error(`no connection within ${timeoutMs} ms`));
    });
    socket.once('error', (error) => {
      socket.destroy();
      reject(error);
    });
    socket.connect(target.port, target.host);
  });
}

function describe(target: HealthTarget): string {
  return target.kind === 'http'
    ? `http://${target.host}:${target.port}${target.path ?? '/'}`
    : `tcp ${target.host}:${target.port}`;
}

function message(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code && !error.message.includes(code) ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}

/** Probes `target` until it has answered `successesRequired` times in a row, or the deadline passes. */
export async function checkHealth(target: HealthTarget, options: HealthCheckOptions): Promise<HealthResult> {
  const attemptTimeoutMs = options.attemptTimeoutMs ?? 2000;
  const intervalMs = options.intervalMs ?? 500;
  const successesRequired = Math.max(1, options.successesRequired ?? 1);
  const started = Date.now();
  const deadline = started + options.deadlineMs;
  let attempts = 0;
  let streak = 0;
  let lastError: string | undefined;
  /** Something has answered (even with an error status): the process is up, so the normal interval applies. */
  let answered = false;

  for (;;) {
    const givenUp = await options.giveUpIf?.();
    if (givenUp) {
      return {
        healthy: false,
        reason: givenUp,
        attempts,
        ms: Date.now() - started,
        ...(lastError ? { lastError } : {}),
      };
    }
    attempts++;
    const timeoutMs = Math.max(1, Math.min(attemptTimeoutMs, deadline - Date.now()));
    const cutShort = timeoutMs < attemptTimeoutMs;
    try {
      if (target.kind === 'http') await httpAttempt(target, timeoutMs);
      else await tcpAttempt(target, timeoutMs);
      streak++;
      answered = true;
      if (streak >= successesRequired) return { healthy: true, attempts, ms: Date.now() - started };
    } catch (error) {
      streak = 0;
      const problem = message(error);
      // An attempt the deadline cut short says nothing about the app: keep what the app itself said last.
      if (!(cutShort && lastError !== undefined && /^no (response|connection) within/.test(problem))) {
        lastError = problem;
      }
      if (/^HTTP \d+/.test(problem)) answered = true;
    }
    const pauseMs = answered
      ? intervalMs
      : Math.min(intervalMs, options.untilFirstAnswerIntervalMs ?? intervalMs);
    if (Date.now() + pauseMs >= deadline) {
      const ms = Date.now() - started;
      const reason =
        streak > 0
          ? `${describe(target)} answered only ${streak} of ${successesRequired} consecutive checks within ${options.deadlineMs} ms.`
          : `${describe(target)} did not become healthy within ${options.deadlineMs} ms after ${attempts} attempts (last error: ${lastError}).`;
      return { healthy: false, reason, attempts, ms, ...(lastError ? { lastError } : {}) };
    }
    await sleep(pauseMs);
  }
}

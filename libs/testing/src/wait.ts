import { setTimeout as sleep } from 'node:timers/promises';

import { canConnect } from './ports';

export interface WaitOptions {
  /** Give up after this long. */
  timeoutMs: number;
  /** Pause between attempts. Default 100 ms. */
  intervalMs?: number;
  /** What is being waited for, for the timeout message: "NATS to accept connections". */
  description: string;
}

/**
 * Calls `fn` until it returns something other than `undefined`, `null` or `false` without throwing, and
 * returns that value. On timeout the error names what was awaited and the last failure seen.
 */
export async function waitFor<T>(
  fn: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  { timeoutMs, intervalMs = 100, description }: WaitOptions,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastFailure = 'it never succeeded';
  for (;;) {
    try {
      const result = await fn();
      if (result !== undefined && result !== null && result !== false) {
        return result;
      }
      lastFailure = `last result: ${String(result)}`;
    } catch (error) {
      lastFailure = `last error: ${error instanceof Error ? error.message : String(error)}`;
    }
    if (Date.now() >= deadline) {
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${description} (${lastFailure})`);
    }
    await sleep(intervalMs);
  }
}

/** Waits until GET `url` answers with a 2xx status. */
export async function waitForHttpOk(url: string, timeoutMs: number): Promise<void> {
  await waitFor(
    async () => {
      const response = await fetch(url, { signal: AbortSignal.timeout(Math.min(timeoutMs, 2000)) });
      await response.body?.cancel();
      if (!response.ok) {
        throw new Error(`HTTP ${response.status}`);
      }
      return true;
    },
    { timeoutMs, description: `${url} to answer 2xx` },
  );
}

/** Waits until something accepts TCP connections on host:port. */
export async function waitForTcp(host: string, port: number, timeoutMs: number): Promise<void> {
  await waitFor(() => canConnect(host, port), {
    timeoutMs,
    description: `${host}:${port} to accept TCP connections`,
  });
}

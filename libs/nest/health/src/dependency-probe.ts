import { Injectable } from '@nestjs/common';
import { DependencyName, DependencyStatus } from '@slipway/contracts';

/** Something a service depends on and can check cheaply: the database, NATS, Docker, Caddy. */
export interface DependencyProbe {
  readonly name: DependencyName;
  /** Resolves with a detail when reachable; rejects (or times out) when not. */
  check(): Promise<string | void>;
}

const PROBE_TIMEOUT_MS = 2000;

/**
 * The probes of one service. Infrastructure modules add theirs at start-up (database and NATS here,
 * Docker and Caddy in the services that use them), and both /health/ready and the heartbeat read them.
 */
@Injectable()
export class DependencyProbes {
  private readonly probes = new Map<DependencyName, DependencyProbe>();

  add(probe: DependencyProbe): void {
    this.probes.set(probe.name, probe);
  }

  list(): DependencyProbe[] {
    return [...this.probes.values()];
  }

  async checkAll(): Promise<DependencyStatus[]> {
    return Promise.all(this.list().map((probe) => runProbe(probe)));
  }
}

export async function runProbe(
  probe: DependencyProbe,
  timeoutMs = PROBE_TIMEOUT_MS,
): Promise<DependencyStatus> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    const detail = await Promise.race([
      probe.check(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    const latencyMs = Math.round(performance.now() - started);
    return { name: probe.name, status: 'up', latencyMs, ...(detail ? { detail } : {}) };
  } catch (error) {
    return { name: probe.name, status: 'down', detail: (error as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

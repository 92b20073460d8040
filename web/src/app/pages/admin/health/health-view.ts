import type {
  DependencyState,
  ServiceHealthDto,
  ServiceName,
  ServiceState,
  SystemHealthDto,
} from '@slipway/contracts';

import { formatAge, formatDuration } from '../../../shared/format/duration';

export interface DependencyView {
  name: string;
  status: DependencyState;
  /** Longer text for a tooltip: "database: up, 3 ms" or "docker: down (connect ENOENT)". */
  description: string;
}

export interface ServiceRowView {
  name: ServiceName;
  status: ServiceState;
  /** `null` when not known (no heartbeat yet, or the service is down). */
  version: string | null;
  uptime: string | null;
  lastHeartbeat: string | null;
  lastSeenAt: string | null;
  dependencies: DependencyView[];
}

/** The builder's own queue, from its last heartbeat. */
export interface BuilderQueueView {
  queued: number;
  running: number;
  concurrency: number;
  /** "1 running of 2 slots, 3 waiting for a slot". */
  label: string;
}

export interface HealthView {
  status: ServiceState;
  headline: string;
  servicesUp: number;
  servicesTotal: number;
  rows: ServiceRowView[];
  /** `null` while the builder is down or has not reported its queue. */
  builderQueue: BuilderQueueView | null;
}

/**
 * What the health page shows, at `serverNowMs` on the gateway's clock (the report's `generatedAt` plus the
 * time since it arrived), so ages stay right even when the browser's clock is off.
 */
export function toHealthView(health: SystemHealthDto, serverNowMs: number): HealthView {
  const rows = health.services.map((service) => toRow(service, serverNowMs));
  const servicesUp = rows.filter((row) => row.status === 'up').length;
  return {
    status: health.status,
    headline: headline(rows),
    servicesUp,
    servicesTotal: rows.length,
    rows,
    builderQueue: toBuilderQueue(health.services.find((service) => service.name === 'builder')),
  };
}

function toBuilderQueue(builder: ServiceHealthDto | undefined): BuilderQueueView | null {
  const queue = builder?.status === 'down' ? undefined : builder?.buildQueue;
  if (!queue) {
    return null;
  }
  const slots = queue.concurrency === 1 ? '1 slot' : `${queue.concurrency} slots`;
  const waiting = queue.queued === 0 ? 'none waiting' : `${queue.queued} waiting for a slot`;
  return { ...queue, label: `${queue.running} running of ${slots}, ${waiting}` };
}

function toRow(service: ServiceHealthDto, serverNowMs: number): ServiceRowView {
  const lastSeenMs = service.lastSeenAt === null ? Number.NaN : Date.parse(service.lastSeenAt);
  const secondsSinceHeartbeat = Number.isNaN(lastSeenMs) ? null : (serverNowMs - lastSeenMs) / 1000;
  const running = service.status !== 'down';
  return {
    name: service.name,
    status: service.status,
    version: service.version,
    // The heartbeat carries the uptime when it was sent; count on from there while the service runs.
    uptime:
      running && service.uptimeSeconds !== null
        ? formatDuration(service.uptimeSeconds + Math.max(0, secondsSinceHeartbeat ?? 0))
        : null,
    lastHeartbeat: secondsSinceHeartbeat === null ? null : formatAge(secondsSinceHeartbeat),
    lastSeenAt: service.lastSeenAt,
    dependencies: service.dependencies.map((dependency) => ({
      name: dependency.name,
      status: dependency.status,
      description: describeDependency(dependency.name, dependency.status, dependency),
    })),
  };
}

function describeDependency(
  name: string,
  status: DependencyState,
  extra: { detail?: string; latencyMs?: number },
): string {
  const facts = [
    extra.latencyMs === undefined ? null : `${Math.round(extra.latencyMs)} ms`,
    extra.detail ?? null,
  ]
    .filter((fact): fact is string => Boolean(fact))
    .join(', ');
  return facts ? `${name}: ${status} (${facts})` : `${name}: ${status}`;
}

function headline(rows: readonly ServiceRowView[]): string {
  if (rows.length === 0) {
    return 'No services have reported yet';
  }
  const down = rows.filter((row) => row.status === 'down').length;
  const degraded = rows.filter((row) => row.status === 'degraded').length;
  if (down === rows.length) {
    return 'All services are down';
  }
  if (down > 0) {
    return down === 1 ? '1 service is down' : `${down} services are down`;
  }
  if (degraded > 0) {
    return degraded === 1 ? '1 service is degraded' : `${degraded} services are degraded`;
  }
  return 'All services are up';
}

import type { ResourceWindow, SystemResourcesDto } from '@slipway/contracts';

export interface ResourceTotal {
  key: 'containers-running' | 'containers-crashed' | 'apps-running' | 'apps-stopped';
  label: string;
  value: number;
  /** Worth the reader's attention (crashed containers). */
  alert: boolean;
}

export interface ResourcesView {
  window: ResourceWindow;
  totals: ResourceTotal[];
  /** Oldest first, one value per bucket that has samples. */
  containers: number[];
  cpuPercent: number[];
  memoryBytes: number[];
  /** Top of each chart's scale: a quarter above the highest point, so a flat series is not drawn at the edge. */
  scale: { containers: number; cpuPercent: number; memoryBytes: number };
  /** Start of the first and of the last bucket, for the charts' time axis; null when there are none. */
  from: string | null;
  to: string | null;
  bucketMinutes: number;
}

export const WINDOW_LABELS: Record<ResourceWindow, string> = { '1h': 'Last hour', '24h': 'Last 24 hours' };

/** Pure: what the resources page shows for one report. */
export function toResourcesView(report: SystemResourcesDto): ResourcesView {
  const { current, buckets } = report;
  const containers = buckets.map((bucket) => bucket.containers);
  const cpuPercent = buckets.map((bucket) => bucket.cpuPercent);
  const memoryBytes = buckets.map((bucket) => bucket.memoryBytes);
  return {
    window: report.window,
    totals: [
      {
        key: 'containers-running',
        label: 'Containers running',
        value: current.containersRunning,
        alert: false,
      },
      {
        key: 'containers-crashed',
        label: 'Containers crashed',
        value: current.containersCrashed,
        alert: current.containersCrashed > 0,
      },
      { key: 'apps-running', label: 'Apps running', value: current.appsRunning, alert: false },
      { key: 'apps-stopped', label: 'Apps stopped', value: current.appsStopped, alert: false },
    ],
    containers,
    cpuPercent,
    memoryBytes,
    scale: {
      containers: withHeadroom(containers),
      cpuPercent: withHeadroom(cpuPercent),
      memoryBytes: withHeadroom(memoryBytes),
    },
    from: buckets[0]?.at ?? null,
    to: buckets[buckets.length - 1]?.at ?? null,
    bucketMinutes: Math.round(report.bucketSeconds / 60),
  };
}

function withHeadroom(values: readonly number[]): number {
  return Math.max(0, ...values) * 1.25;
}

export function formatPercent(value: number): string {
  return `${value.toFixed(1)} %`;
}

export function formatBytes(value: number): string {
  return value >= 1024 ** 3 ? `${(value / 1024 ** 3).toFixed(2)} GB` : `${Math.round(value / 1024 ** 2)} MB`;
}

export function formatCount(value: number): string {
  return String(Math.round(value));
}

import type { AppDto, AppRuntimeStatusDto, DeploymentDto } from '@slipway/contracts';

import { AppStateView, appState, buildDurationMs, reachedRunning } from '../../shared/apps/app-state';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface AppFacts {
  app: AppDto;
  /** Newest first; null when the deployments could not be loaded. */
  deployments: DeploymentDto[] | null;
  runtime: AppRuntimeStatusDto | null;
}

export interface DashboardTotals {
  apps: number;
  /** Null when no runtime report was available for any app. */
  runningInstances: number | null;
  deploysThisWeek: number | null;
  /** 0-100 over the week's finished deployments; null when none finished. */
  successRate: number | null;
  medianBuildMs: number | null;
}

export interface DayBar {
  /** ISO date (YYYY-MM-DD), local time. */
  day: string;
  label: string;
  succeeded: number;
  failed: number;
  other: number;
}

export interface AppRow {
  id: string;
  name: string;
  ownerId: string;
  url: string | null;
  state: AppStateView;
  lastDeploy: DeploymentDto | null;
  source: string;
}

export interface DashboardView {
  totals: DashboardTotals;
  week: DayBar[];
  rows: AppRow[];
}

/** Everything the dashboard shows, from what the API returned; pure so it is tested without a browser. */
export function toDashboardView(facts: readonly AppFacts[], nowMs: number): DashboardView {
  const weekStart = startOfDay(nowMs) - 6 * DAY_MS;
  const known = facts.filter((fact) => fact.deployments !== null);
  const thisWeek = known
    .flatMap((fact) => fact.deployments ?? [])
    .filter((deployment) => Date.parse(deployment.createdAt) >= weekStart);
  const finished = thisWeek.filter(
    (deployment) => reachedRunning(deployment) || deployment.state === 'failed',
  );
  const builds = thisWeek
    .map(buildDurationMs)
    .filter((ms): ms is number => ms !== null)
    .sort((a, b) => a - b);
  const runtimes = facts.filter((fact) => fact.runtime !== null);

  return {
    totals: {
      apps: facts.length,
      runningInstances:
        runtimes.length === 0
          ? null
          : runtimes.reduce(
              (sum, fact) =>
                sum +
                (fact.runtime?.instances.filter((instance) => instance.health === 'healthy').length ?? 0),
              0,
            ),
      deploysThisWeek: known.length === 0 && facts.length > 0 ? null : thisWeek.length,
      successRate:
        finished.length === 0
          ? null
          : Math.round((finished.filter(reachedRunning).length / finished.length) * 100),
      medianBuildMs: median(builds),
    },
    week: weekBars(thisWeek, weekStart),
    rows: facts.map(({ app, deployments, runtime }) => {
      const lastDeploy = deployments?.[0] ?? null;
      return {
        id: app.id,
        name: app.name,
        ownerId: app.ownerId,
        url: app.url,
        state: appState(app, lastDeploy, runtime),
        lastDeploy,
        source: describeSource(app),
      };
    }),
  };
}

export function describeSource(app: Pick<AppDto, 'sourceKind' | 'repoUrl' | 'branch' | 'image'>): string {
  switch (app.sourceKind) {
    case 'git':
      return `${shortRepo(app.repoUrl ?? '')}${app.branch ? ` @ ${app.branch}` : ''}`;
    case 'image':
      return app.image ?? 'image';
    default:
      return 'uploaded archive';
  }
}

function shortRepo(url: string): string {
  return url.replace(/^https?:\/\/(www\.)?/, '').replace(/\.git$/, '');
}

function weekBars(deployments: readonly DeploymentDto[], weekStart: number): DayBar[] {
  const bars: DayBar[] = [];
  for (let index = 0; index < 7; index++) {
    const dayStart = weekStart + index * DAY_MS;
    const date = new Date(dayStart);
    bars.push({
      day: isoDate(date),
      label: date.toLocaleDateString('en', { weekday: 'short' }),
      succeeded: 0,
      failed: 0,
      other: 0,
    });
  }
  for (const deployment of deployments) {
    const index = Math.floor((startOfDay(Date.parse(deployment.createdAt)) - weekStart) / DAY_MS);
    const bar = bars[Math.round(index)];
    if (!bar) {
      continue;
    }
    if (reachedRunning(deployment)) {
      bar.succeeded++;
    } else if (deployment.state === 'failed') {
      bar.failed++;
    } else {
      bar.other++;
    }
  }
  return bars;
}

function median(sorted: readonly number[]): number | null {
  if (sorted.length === 0) {
    return null;
  }
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? null)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

function startOfDay(ms: number): number {
  const date = new Date(ms);
  date.setHours(0, 0, 0, 0);
  return date.getTime();
}

function isoDate(date: Date): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

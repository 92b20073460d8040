import type { AppDto, DeploymentDto, DeploymentState } from '@slipway/contracts';

import { describeSource, toDashboardView } from './dashboard-stats';

const NOW = Date.parse('2026-03-10T12:00:00Z');

function app(changes: Partial<AppDto> = {}): AppDto {
  return {
    id: 'a1',
    name: 'shop',
    ownerId: 'u1',
    sourceKind: 'git',
    repoUrl: 'https://github.com/acme/shop.git',
    branch: 'main',
    image: null,
    rootDirectory: null,
    installCommand: null,
    buildCommand: null,
    startCommand: null,
    port: null,
    healthCheck: {
      kind: 'http',
      path: '/',
      intervalMs: 250,
      timeoutMs: 2000,
      successesRequired: 2,
      deadlineMs: 60000,
    },
    plan: 'starter',
    region: 'local',
    framework: null,
    domains: [],
    autoDeploy: false,
    database: { enabled: false, type: null },
    replicas: 1,
    desiredState: 'running',
    currentDeploymentId: null,
    url: null,
    createdAt: '2026-03-01T00:00:00Z',
    updatedAt: '2026-03-01T00:00:00Z',
    ...changes,
  };
}

/** A deployment created `hoursAgo`, whose build took `buildSeconds`, ending in `state`. */
function deployment(id: string, hoursAgo: number, state: DeploymentState, buildSeconds = 10): DeploymentDto {
  const created = NOW - hoursAgo * 3_600_000;
  const at = (offsetSeconds: number) => new Date(created + offsetSeconds * 1000).toISOString();
  const transitions: DeploymentDto['transitions'] = [
    { from: null, to: 'queued', at: at(0), reason: '' },
    { from: 'queued', to: 'cloning', at: at(1), reason: '' },
    { from: 'cloning', to: 'building', at: at(2), reason: '' },
  ];
  if (state !== 'failed') {
    transitions.push({ from: 'building', to: 'releasing', at: at(1 + buildSeconds), reason: '' });
    transitions.push({ from: 'releasing', to: 'running', at: at(3 + buildSeconds), reason: '' });
  }
  if (state === 'failed' || state === 'superseded') {
    transitions.push({ from: 'building', to: state, at: at(5 + buildSeconds), reason: '' });
  }
  return {
    id,
    appId: 'a1',
    appName: 'shop',
    state,
    trigger: 'api',
    requestedBy: 'u1',
    message: null,
    source: { kind: 'git', repoUrl: null, ref: null, image: null },
    commitSha: null,
    commitMessage: null,
    imageTag: null,
    releaseId: null,
    rollbackOfReleaseId: null,
    url: null,
    reason: null,
    logTail: [],
    transitions,
    createdAt: new Date(created).toISOString(),
    finishedAt: null,
  };
}

describe('toDashboardView', () => {
  it("counts this week's deploys, their success rate and the median build time", () => {
    const view = toDashboardView(
      [
        {
          app: app({ currentDeploymentId: 'd1' }),
          deployments: [
            deployment('d1', 1, 'running', 20),
            deployment('d2', 30, 'failed'),
            deployment('d3', 50, 'superseded', 10),
            deployment('old', 24 * 9, 'superseded', 99),
          ],
          runtime: {
            appId: 'a1',
            state: 'running',
            url: null,
            currentReleaseId: null,
            desiredReplicas: 2,
            instances: [
              {
                id: 'i1',
                releaseId: 'r',
                health: 'healthy',
                restartCount: 0,
                exitCode: null,
                startedAt: null,
              },
              {
                id: 'i2',
                releaseId: 'r',
                health: 'starting',
                restartCount: 0,
                exitCode: null,
                startedAt: null,
              },
            ],
          },
        },
      ],
      NOW,
    );
    expect(view.totals).toEqual({
      apps: 1,
      runningInstances: 1,
      deploysThisWeek: 3,
      successRate: 67,
      medianBuildMs: 15_000,
    });
    expect(view.week.reduce((sum, day) => sum + day.succeeded + day.failed + day.other, 0)).toBe(3);
    expect(view.rows[0]?.state).toEqual({ tone: 'ok', label: 'Running' });
    expect(view.rows[0]?.lastDeploy?.id).toBe('d1');
  });

  it('says "not known" rather than zero when deployments or runtime could not be loaded', () => {
    const view = toDashboardView([{ app: app(), deployments: null, runtime: null }], NOW);
    expect(view.totals).toEqual({
      apps: 1,
      runningInstances: null,
      deploysThisWeek: null,
      successRate: null,
      medianBuildMs: null,
    });
    expect(view.rows[0]?.state.label).toBe('Not deployed');
  });

  it('shows an app with a deployment in progress as deploying', () => {
    const view = toDashboardView(
      [{ app: app(), deployments: [deployment('d1', 0, 'building')], runtime: null }],
      NOW,
    );
    expect(view.rows[0]?.state).toEqual({ tone: 'busy', label: 'Deploying' });
  });
});

describe('describeSource', () => {
  it('shortens repository URLs and names images and archives', () => {
    expect(describeSource(app())).toBe('github.com/acme/shop @ main');
    expect(describeSource(app({ sourceKind: 'image', image: 'nginx:1.27' }))).toBe('nginx:1.27');
    expect(describeSource(app({ sourceKind: 'archive' }))).toBe('uploaded archive');
  });
});

import type { SystemResourcesDto } from '@slipway/contracts';

import { formatBytes, toResourcesView } from './resources-view';

const report: SystemResourcesDto = {
  generatedAt: '2026-11-29T10:05:00.000Z',
  window: '1h',
  bucketSeconds: 60,
  current: { containersRunning: 3, containersCrashed: 1, appsRunning: 2, appsStopped: 0 },
  buckets: [
    { at: '2026-11-29T10:03:00.000Z', containers: 2, cpuPercent: 1.5, memoryBytes: 40 * 1024 ** 2 },
    { at: '2026-11-29T10:04:00.000Z', containers: 3, cpuPercent: 2.25, memoryBytes: 60 * 1024 ** 2 },
  ],
};

describe('toResourcesView', () => {
  it('turns buckets into one series per chart, oldest first, with the time range', () => {
    const view = toResourcesView(report);
    expect(view.containers).toEqual([2, 3]);
    expect(view.cpuPercent).toEqual([1.5, 2.25]);
    expect(view.memoryBytes.map(formatBytes)).toEqual(['40 MB', '60 MB']);
    expect([view.from, view.to]).toEqual(['2026-11-29T10:03:00.000Z', '2026-11-29T10:04:00.000Z']);
    expect(view.bucketMinutes).toBe(1);
    expect(view.scale).toEqual({ containers: 3.75, cpuPercent: 2.8125, memoryBytes: 75 * 1024 ** 2 });
  });

  it('lists the current totals and flags crashed containers', () => {
    const totals = toResourcesView(report).totals;
    expect(totals.map((total) => [total.key, total.value, total.alert])).toEqual([
      ['containers-running', 3, false],
      ['containers-crashed', 1, true],
      ['apps-running', 2, false],
      ['apps-stopped', 0, false],
    ]);
  });

  it('has no time range when nothing was sampled', () => {
    const view = toResourcesView({ ...report, buckets: [] });
    expect([view.containers, view.from, view.to]).toEqual([[], null, null]);
  });
});

import { ComponentFixture, TestBed } from '@angular/core/testing';
import type { ResourceWindow, SystemResourcesDto } from '@slipway/contracts';
import { NEVER, Observable, of, throwError } from 'rxjs';

import { ApiClient } from '../../../core/api/api-client.service';
import { ApiError } from '../../../core/api/api-error';
import { ResourcesPageComponent } from './resources-page.component';

const report = (window: ResourceWindow, buckets: SystemResourcesDto['buckets']): SystemResourcesDto => ({
  generatedAt: '2026-11-29T10:05:00.000Z',
  window,
  bucketSeconds: window === '1h' ? 60 : 900,
  current: { containersRunning: 3, containersCrashed: 1, appsRunning: 2, appsStopped: 1 },
  buckets,
});

const TWO_BUCKETS = [
  { at: '2026-11-29T10:03:00.000Z', containers: 2, cpuPercent: 1.5, memoryBytes: 40 * 1024 ** 2 },
  { at: '2026-11-29T10:04:00.000Z', containers: 3, cpuPercent: 2.25, memoryBytes: 60 * 1024 ** 2 },
];

/** The resources page and its store, rendered, with the API answering what each test says. */
describe('the admin resources page (rendered)', () => {
  let fixture: ComponentFixture<ResourcesPageComponent>;
  let host: HTMLElement;
  let answer: (window: ResourceWindow) => Observable<SystemResourcesDto>;
  let asked: ResourceWindow[];

  const render = async () => {
    asked = [];
    TestBed.configureTestingModule({
      imports: [ResourcesPageComponent],
      providers: [
        {
          provide: ApiClient,
          useValue: {
            getSystemResources: (window: ResourceWindow) => {
              asked.push(window);
              return answer(window);
            },
          },
        },
      ],
    });
    fixture = TestBed.createComponent(ResourcesPageComponent);
    host = fixture.nativeElement as HTMLElement;
    await settle();
  };

  /** Lets the poll's first timer fire and the view update. */
  const settle = async () => {
    await new Promise((resolve) => setTimeout(resolve, 0));
    await fixture.whenStable();
  };

  const byTestId = (testId: string) => host.querySelector<HTMLElement>(`[data-testid="${testId}"]`);
  const text = (testId: string) => byTestId(testId)?.textContent?.replace(/\s+/g, ' ').trim() ?? null;

  it('says it is loading until the first report arrives', async () => {
    answer = () => NEVER;
    await render();
    expect(text('resources-loading')).toBe('Loading resource figures…');
    expect(byTestId('resources-charts')).toBeNull();
  });

  it('shows the current totals and one chart each for containers, CPU and memory', async () => {
    answer = (window) => of(report(window, TWO_BUCKETS));
    await render();
    expect(asked).toEqual(['1h']);
    expect(text('total-containers-running')).toBe('3 Containers running');
    expect(text('total-containers-crashed')).toBe('1 Containers crashed');
    expect(byTestId('total-containers-crashed')?.classList).toContain('total--alert');
    expect(text('total-apps-stopped')).toBe('1 Apps stopped');
    const label = (chart: string) => byTestId(chart)?.querySelector('svg')?.getAttribute('aria-label');
    expect(label('chart-containers')).toBe('Containers sampled: 3');
    expect(label('chart-cpu')).toBe('CPU: 2.3 %');
    expect(label('chart-memory')).toBe('Memory: 60 MB');
  });

  it('explains an empty window instead of drawing empty charts', async () => {
    answer = (window) => of(report(window, []));
    await render();
    expect(byTestId('resources-charts')).toBeNull();
    expect(text('resources-empty')).toContain('No samples in this window');
    expect(text('total-apps-running')).toBe('2 Apps running');
  });

  it('shows why the figures are unavailable, and loads them when asked to try again', async () => {
    answer = () => throwError(() => ApiError.http(503, { detail: 'The runtime did not answer' }));
    await render();
    expect(text('resources-error')).toContain('The runtime did not answer');

    answer = (window) => of(report(window, TWO_BUCKETS));
    byTestId('resources-error')?.querySelector('button')?.click();
    await settle();
    expect(byTestId('resources-error')).toBeNull();
    expect(byTestId('resources-charts')).not.toBeNull();
  });

  it('keeps the last figures, with a banner, when a refresh fails', async () => {
    answer = (window) => of(report(window, TWO_BUCKETS));
    await render();
    answer = () => throwError(() => ApiError.network());
    byTestId('refresh-resources')?.click();
    await settle();
    expect(text('resources-stale')).toContain(
      'Showing the last known figures. Cannot reach the Slipway gateway',
    );
    expect(byTestId('resources-charts')).not.toBeNull();
  });

  it('asks for the last 24 hours when that window is chosen', async () => {
    answer = (window) => of(report(window, TWO_BUCKETS));
    await render();
    byTestId('window-24h')?.querySelector('button')?.click();
    await settle();
    expect(asked).toEqual(['1h', '24h']);
    expect(text('resources-history-title')).toBe('Last 24 hours');
    expect(byTestId('resources-charts')).not.toBeNull();
  });
});

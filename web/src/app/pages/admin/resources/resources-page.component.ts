import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatButtonToggleModule } from '@angular/material/button-toggle';
import { MatProgressSpinnerModule } from '@angular/material/progress-spinner';
import { RESOURCE_WINDOWS, ResourceWindow } from '@slipway/contracts';

import { SparklineComponent } from '../../../shared/sparkline/sparkline.component';
import { EmptyStateComponent } from '../../../shared/state/empty-state.component';
import { ErrorStateComponent } from '../../../shared/state/error-state.component';
import { LoadingStateComponent } from '../../../shared/state/loading-state.component';
import { formatBytes, formatCount, formatPercent, WINDOW_LABELS } from './resources-view';
import { RESOURCES_REFRESH_MS, ResourcesStore } from './resources.store';

/** The charts, in order: the series each draws, and how its figures read. */
const CHARTS = [
  {
    series: 'containers',
    testId: 'chart-containers',
    title: 'Containers',
    note: null,
    label: 'Containers sampled',
    format: formatCount,
  },
  {
    series: 'cpuPercent',
    testId: 'chart-cpu',
    title: 'CPU',
    note: '(100 % = one core)',
    label: 'CPU',
    format: formatPercent,
  },
  {
    series: 'memoryBytes',
    testId: 'chart-memory',
    title: 'Memory',
    note: null,
    label: 'Memory',
    format: formatBytes,
  },
] as const;

/** System-wide resource charts: containers, CPU and memory of every app together, for administrators. */
@Component({
  selector: 'sw-resources-page',
  imports: [
    DatePipe,
    EmptyStateComponent,
    ErrorStateComponent,
    LoadingStateComponent,
    MatButtonModule,
    MatButtonToggleModule,
    MatProgressSpinnerModule,
    SparklineComponent,
  ],
  providers: [ResourcesStore],
  templateUrl: './resources-page.component.html',
  styleUrl: './resources-page.component.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ResourcesPageComponent {
  protected readonly store = inject(ResourcesStore);
  protected readonly refreshSeconds = RESOURCES_REFRESH_MS / 1000;
  protected readonly windows = RESOURCE_WINDOWS;
  protected readonly windowLabels = WINDOW_LABELS;
  protected readonly charts = CHARTS;

  protected selectWindow(window: ResourceWindow): void {
    this.store.selectWindow(window);
  }
}

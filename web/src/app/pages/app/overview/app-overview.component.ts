import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, effect, inject, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { RouterLink } from '@angular/router';
import type { AppMetricsDto } from '@slipway/contracts';
import { catchError, of, switchMap, timer } from 'rxjs';
import { takeUntilDestroyed, toObservable } from '@angular/core/rxjs-interop';

import { ApiClient } from '../../../core/api/api-client.service';
import { deploymentState, triggerLabel } from '../../../shared/apps/app-state';
import { SparklineComponent } from '../../../shared/sparkline/sparkline.component';
import { StateBadgeComponent } from '../../../shared/state-badge/state-badge.component';
import { AppContextStore } from '../app-context.store';

const METRICS_REFRESH_MS = 10_000;
const MAX_REPLICAS = 20;

/** The app now: what runs, its instances with CPU and memory, scaling, releases to roll back to. */
@Component({
  selector: 'sw-app-overview',
  imports: [
    DatePipe,
    FormsModule,
    MatButtonModule,
    MatFormFieldModule,
    MatInputModule,
    RouterLink,
    SparklineComponent,
    StateBadgeComponent,
  ],
  templateUrl: './app-overview.component.html',
  styleUrl: './app-overview.component.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AppOverviewComponent {
  protected readonly store = inject(AppContextStore);
  private readonly api = inject(ApiClient);

  protected readonly maxReplicas = MAX_REPLICAS;
  protected readonly replicas = signal(1);
  protected readonly deploymentState = deploymentState;
  protected readonly triggerLabel = triggerLabel;
  protected readonly metrics = signal<AppMetricsDto | null>(null);
  protected readonly metricsUnavailable = signal(false);

  /** CPU and memory series per instance, oldest first. */
  protected readonly charts = computed(() => {
    const samples = this.metrics()?.samples ?? [];
    const byInstance = new Map<string, { cpu: number[]; memory: number[]; limit: number }>();
    for (const sample of samples) {
      const series = byInstance.get(sample.instanceId) ?? {
        cpu: [],
        memory: [],
        limit: sample.memoryLimitBytes,
      };
      series.cpu.push(sample.cpuPercent);
      series.memory.push(sample.memoryBytes);
      series.limit = sample.memoryLimitBytes || series.limit;
      byInstance.set(sample.instanceId, series);
    }
    return [...byInstance].map(([instanceId, series]) => ({ instanceId, ...series }));
  });

  protected readonly formatPercent = (value: number) => `${value.toFixed(1)} %`;
  protected readonly formatBytes = (value: number) =>
    value >= 1024 ** 3 ? `${(value / 1024 ** 3).toFixed(2)} GB` : `${Math.round(value / 1024 ** 2)} MB`;

  constructor() {
    effect(() => {
      const desired = this.store.app()?.replicas ?? this.store.runtime()?.desiredReplicas;
      if (desired) {
        this.replicas.set(desired);
      }
    });
    toObservable(this.store.appId)
      .pipe(
        switchMap((appId) =>
          timer(0, METRICS_REFRESH_MS).pipe(
            switchMap(() =>
              this.api.getMetrics(appId, new Date(Date.now() - 15 * 60_000).toISOString()).pipe(
                catchError(() => {
                  this.metricsUnavailable.set(true);
                  return of(null);
                }),
              ),
            ),
          ),
        ),
        takeUntilDestroyed(),
      )
      .subscribe((metrics) => {
        if (metrics) {
          this.metrics.set(metrics);
          this.metricsUnavailable.set(false);
        }
      });
  }

  protected scale(): void {
    const replicas = Math.round(Number(this.replicas()));
    if (replicas >= 1 && replicas <= MAX_REPLICAS) {
      this.store.scale(replicas);
    }
  }

  protected shortId(id: string): string {
    return id.length > 12 ? id.slice(0, 12) : id;
  }
}

import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, effect, inject, input, signal } from '@angular/core';
import { takeUntilDestroyed, toObservable } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSnackBar } from '@angular/material/snack-bar';
import { RouterLink } from '@angular/router';
import type { DeploymentDto, DeploymentStatusDto } from '@slipway/contracts';
import { catchError, EMPTY, forkJoin, of, switchMap, takeWhile, timer } from 'rxjs';

import { ApiClient } from '../../../core/api/api-client.service';
import { ApiError } from '../../../core/api/api-error';
import { LiveLogsClient, LiveProgress } from '../../../core/api/live-logs.service';
import { deploymentState, isInProgress, triggerLabel } from '../../../shared/apps/app-state';
import { saveBlob } from '../../../shared/download';
import { IconComponent } from '../../../shared/icon/icon.component';
import { appendLines, fromLiveLine, LogViewLine } from '../../../shared/log-view/log-lines';
import { LogViewComponent } from '../../../shared/log-view/log-view.component';
import { ErrorStateComponent } from '../../../shared/state/error-state.component';
import { LoadingStateComponent } from '../../../shared/state/loading-state.component';
import { StateBadgeComponent } from '../../../shared/state-badge/state-badge.component';
import { AppContextStore } from '../app-context.store';
import { toStages } from './deployment-stages';

const STATUS_REFRESH_MS = 2_000;
const MAX_LINES = 5_000;

/** One deployment: where it is (stage bar), its live build log, and why it failed if it did. */
@Component({
  selector: 'sw-deployment-page',
  imports: [
    DatePipe,
    ErrorStateComponent,
    IconComponent,
    LoadingStateComponent,
    LogViewComponent,
    MatButtonModule,
    MatProgressBarModule,
    RouterLink,
    StateBadgeComponent,
  ],
  templateUrl: './deployment-page.component.html',
  styleUrl: './deployment-page.component.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class DeploymentPageComponent {
  private readonly api = inject(ApiClient);
  private readonly live = inject(LiveLogsClient);
  private readonly snackBar = inject(MatSnackBar);
  protected readonly store = inject(AppContextStore);

  readonly deploymentId = input.required<string>();

  protected readonly deployment = signal<DeploymentDto | null>(null);
  protected readonly status = signal<DeploymentStatusDto | null>(null);
  protected readonly error = signal<ApiError | null>(null);
  protected readonly progress = signal<LiveProgress | null>(null);
  protected readonly lines = signal<LogViewLine[]>([]);
  protected readonly connection = signal<'connecting' | 'live' | 'reconnecting'>('connecting');
  protected readonly cancelling = signal(false);
  private readonly now = signal(Date.now());
  private seen = new Set<string>();

  protected readonly state = computed(() => this.status()?.state ?? this.deployment()?.state ?? null);
  protected readonly inProgress = computed(() => {
    const state = this.state();
    return state !== null && isInProgress(state);
  });
  protected readonly badge = computed(() => {
    const state = this.state();
    return state ? deploymentState(state) : null;
  });
  protected readonly stages = computed(() => {
    const deployment = this.deployment();
    const state = this.state();
    if (!deployment || !state) {
      return [];
    }
    // The status carries timings as they happen; the deployment its transitions as of its last fetch.
    const timings = this.status()?.timings;
    const transitions = timings?.length
      ? timings.map((timing) => ({ to: timing.state, at: timing.startedAt }))
      : deployment.transitions;
    return toStages(state, transitions, this.now());
  });
  /** Build percent from the live progress events, else from the last status. */
  protected readonly percent = computed(() => this.progress()?.percent ?? this.status()?.percent ?? null);
  protected readonly failure = computed(() => {
    const state = this.state();
    if (state !== 'failed' && state !== 'cancelled') {
      return null;
    }
    return this.status()?.reason ?? this.deployment()?.reason ?? 'The deployment did not finish.';
  });
  protected readonly url = computed(() => this.status()?.url ?? this.deployment()?.url ?? null);
  protected readonly triggerLabel = triggerLabel;

  constructor() {
    const id$ = toObservable(this.deploymentId);

    // Details once, then the status every few seconds until the deployment has finished.
    id$
      .pipe(
        switchMap((id) => {
          this.deployment.set(null);
          this.status.set(null);
          this.error.set(null);
          return forkJoin({
            deployment: this.api.getDeployment(id),
            status: this.api.getDeploymentStatus(id).pipe(catchError(() => of(null))),
          }).pipe(
            catchError((error: unknown) => {
              this.error.set(error instanceof ApiError ? error : ApiError.network());
              return EMPTY;
            }),
            switchMap(({ deployment, status }) => {
              this.deployment.set(deployment);
              this.status.set(status);
              return timer(STATUS_REFRESH_MS, STATUS_REFRESH_MS).pipe(
                takeWhile(() => this.inProgress()),
                switchMap(() =>
                  forkJoin({
                    status: this.api.getDeploymentStatus(id).pipe(catchError(() => of(null))),
                    deployment: this.api.getDeployment(id).pipe(catchError(() => of(null))),
                  }),
                ),
              );
            }),
          );
        }),
        takeUntilDestroyed(),
      )
      .subscribe(({ status, deployment }) => {
        if (status) this.status.set(status);
        if (deployment) this.deployment.set(deployment);
        if (!this.inProgress()) {
          this.store.refresh();
        }
      });

    // The live log of this deployment (stored lines first, then new ones) and its build progress.
    toObservable(computed(() => ({ appId: this.store.appId(), deploymentId: this.deploymentId() })))
      .pipe(
        switchMap(({ appId, deploymentId }) => {
          this.lines.set([]);
          this.seen = new Set();
          this.progress.set(null);
          return this.live.follow(appId, { deploymentId });
        }),
        takeUntilDestroyed(),
      )
      .subscribe((event) => {
        switch (event.type) {
          case 'line':
            this.lines.update((lines) =>
              appendLines(lines, [fromLiveLine(event.line)], this.seen, MAX_LINES),
            );
            break;
          case 'progress':
            this.progress.set(event.progress);
            break;
          case 'connected':
            this.connection.set('live');
            break;
          case 'reconnecting':
            this.connection.set('reconnecting');
            break;
        }
      });

    // Durations of the running stage keep counting.
    effect((onCleanup) => {
      if (!this.inProgress()) {
        return;
      }
      const tick = setInterval(() => this.now.set(Date.now()), 1_000);
      onCleanup(() => clearInterval(tick));
    });
  }

  protected cancel(): void {
    this.cancelling.set(true);
    this.api.cancelDeployment(this.deploymentId()).subscribe({
      next: (deployment) => {
        this.cancelling.set(false);
        this.deployment.set(deployment);
        this.snackBar.open('Cancelling the deployment', undefined, { duration: 4000 });
      },
      error: (error: unknown) => {
        this.cancelling.set(false);
        this.snackBar.open(
          error instanceof ApiError ? (error.detail ?? error.message) : 'Could not cancel',
          'Close',
        );
      },
    });
  }

  protected download(): void {
    const path = this.api.logsDownloadPath(this.store.appId(), { deploymentId: this.deploymentId() });
    this.api.download(path).subscribe({
      next: (blob) => saveBlob(blob, `${this.store.app()?.name ?? 'app'}-${this.deploymentId()}.log`),
      error: (error: unknown) =>
        this.snackBar.open(error instanceof ApiError ? error.message : 'The download failed', 'Close'),
    });
  }

  protected formatMs(ms: number | null): string {
    if (ms === null) return '';
    return ms < 60_000
      ? `${(ms / 1000).toFixed(1)} s`
      : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
  }
}

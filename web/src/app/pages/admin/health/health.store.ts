import { computed, Injectable, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import type { SystemHealthDto } from '@slipway/contracts';
import {
  catchError,
  EMPTY,
  exhaustMap,
  finalize,
  interval,
  map,
  Observable,
  startWith,
  Subject,
  switchMap,
  tap,
  timer,
} from 'rxjs';

import { ApiClient } from '../../../core/api/api-client.service';
import { ApiError } from '../../../core/api/api-error';
import { formatAge } from '../../../shared/format/duration';
import { toHealthView } from './health-view';

/** How often the page asks the gateway for a fresh report. */
export const HEALTH_REFRESH_MS = 5_000;

interface Snapshot {
  health: SystemHealthDto;
  /** When the report arrived, on the browser's clock. */
  receivedAt: number;
}

/**
 * The health page's state: polls `GET /system/health` every few seconds while the page is open, keeps
 * the last good report when a poll fails, and ticks a clock so relative times stay current.
 * Provided by the page, so polling stops when the page is left.
 */
@Injectable()
export class HealthStore {
  private readonly api = inject(ApiClient);
  private readonly refreshRequests = new Subject<void>();
  private readonly snapshot = signal<Snapshot | null>(null);
  private readonly now = signal(Date.now());

  /** The last failure; cleared by the next successful poll. */
  readonly error = signal<ApiError | null>(null);
  /** A refresh asked for by the user is in flight. */
  readonly refreshing = signal(false);

  readonly view = computed(() => {
    const snapshot = this.snapshot();
    if (!snapshot) {
      return null;
    }
    const serverNow = Date.parse(snapshot.health.generatedAt) + (this.now() - snapshot.receivedAt);
    return toHealthView(snapshot.health, serverNow);
  });

  readonly updatedAgo = computed(() => {
    const snapshot = this.snapshot();
    return snapshot ? formatAge((this.now() - snapshot.receivedAt) / 1000) : null;
  });

  constructor() {
    interval(1_000)
      .pipe(takeUntilDestroyed())
      .subscribe(() => this.now.set(Date.now()));

    // Each manual refresh restarts the schedule: poll now, then every HEALTH_REFRESH_MS. A slow request is
    // not interrupted by the next tick (exhaustMap); the API client times it out.
    this.refreshRequests
      .pipe(
        map(() => true),
        startWith(false),
        switchMap((manual) =>
          timer(0, HEALTH_REFRESH_MS).pipe(exhaustMap((tick) => this.load(manual && tick === 0))),
        ),
        takeUntilDestroyed(),
      )
      .subscribe();
  }

  refresh(): void {
    this.refreshRequests.next();
  }

  private load(manual: boolean): Observable<SystemHealthDto> {
    this.refreshing.set(manual);
    return this.api.getSystemHealth().pipe(
      tap((health) => {
        const receivedAt = Date.now();
        this.snapshot.set({ health, receivedAt });
        this.now.set(receivedAt);
        this.error.set(null);
      }),
      catchError((error: unknown) => {
        this.error.set(error instanceof ApiError ? error : ApiError.network());
        return EMPTY;
      }),
      finalize(() => this.refreshing.set(false)),
    );
  }
}

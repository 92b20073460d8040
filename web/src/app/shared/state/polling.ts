import { DestroyRef, inject, Signal, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
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

import { ApiError } from '../../core/api/api-error';

/** What a polled report looks like to a page: the last good value, when it came, and the last failure. */
export interface Polled<T> {
  /** The last report that arrived; kept when a later poll fails. */
  readonly value: Signal<T | null>;
  /** When `value` arrived, on the browser's clock. */
  readonly receivedAt: Signal<number | null>;
  /** The browser's clock, ticking every second so relative times ("5 s ago") stay current. */
  readonly now: Signal<number>;
  /** The last failure; cleared by the next successful poll. */
  readonly error: Signal<ApiError | null>;
  /** A refresh asked for by the user is in flight. */
  readonly refreshing: Signal<boolean>;
  /** Polls now and restarts the schedule. */
  refresh(): void;
}

/**
 * Calls `load` now and every `periodMs` until the injection context that created it is destroyed (a store
 * provided by a page: polling stops when the page is left). A slow request is not interrupted by the next
 * tick (exhaustMap; the API client times it out), and each refresh restarts the schedule.
 */
export function poll<T>(periodMs: number, load: () => Observable<T>): Polled<T> {
  const destroyRef = inject(DestroyRef);
  const value = signal<T | null>(null);
  const receivedAt = signal<number | null>(null);
  const now = signal(Date.now());
  const error = signal<ApiError | null>(null);
  const refreshing = signal(false);
  const refreshRequests = new Subject<void>();

  const fetchOnce = (manual: boolean): Observable<T> => {
    refreshing.set(manual);
    return load().pipe(
      tap((report) => {
        const arrived = Date.now();
        value.set(report);
        receivedAt.set(arrived);
        now.set(arrived);
        error.set(null);
      }),
      catchError((failure: unknown) => {
        error.set(failure instanceof ApiError ? failure : ApiError.network());
        return EMPTY;
      }),
      finalize(() => refreshing.set(false)),
    );
  };

  interval(1_000)
    .pipe(takeUntilDestroyed(destroyRef))
    .subscribe(() => now.set(Date.now()));

  refreshRequests
    .pipe(
      map(() => true),
      startWith(false),
      switchMap((manual) => timer(0, periodMs).pipe(exhaustMap((tick) => fetchOnce(manual && tick === 0)))),
      takeUntilDestroyed(destroyRef),
    )
    .subscribe();

  return {
    value: value.asReadonly(),
    receivedAt: receivedAt.asReadonly(),
    now: now.asReadonly(),
    error: error.asReadonly(),
    refreshing: refreshing.asReadonly(),
    refresh: () => refreshRequests.next(),
  };
}

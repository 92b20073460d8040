import { computed, Injectable, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import type { MessagingHealthDto } from '@slipway/contracts';
import {
  catchError,
  EMPTY,
  exhaustMap,
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
import { HEALTH_REFRESH_MS } from './health.store';
import { toMessagingView } from './messaging-view';

interface Snapshot {
  messaging: MessagingHealthDto;
  receivedAt: number;
}

/**
 * The messaging section's state: polls `GET /admin/messaging` on the same schedule as the service health,
 * keeps the last good report when a poll fails, and ticks a clock so "parked 3 min ago" stays current.
 * Provided by the page, so polling stops when the page is left.
 */
@Injectable()
export class MessagingStore {
  private readonly api = inject(ApiClient);
  private readonly refreshRequests = new Subject<void>();
  private readonly snapshot = signal<Snapshot | null>(null);
  private readonly now = signal(Date.now());

  /** The last failure; cleared by the next successful poll. */
  readonly error = signal<ApiError | null>(null);

  readonly view = computed(() => {
    const snapshot = this.snapshot();
    if (!snapshot) {
      return null;
    }
    const serverNow = Date.parse(snapshot.messaging.generatedAt) + (this.now() - snapshot.receivedAt);
    return toMessagingView(snapshot.messaging, serverNow);
  });

  constructor() {
    interval(1_000)
      .pipe(takeUntilDestroyed())
      .subscribe(() => this.now.set(Date.now()));

    this.refreshRequests
      .pipe(
        map(() => undefined),
        startWith(undefined),
        switchMap(() => timer(0, HEALTH_REFRESH_MS).pipe(exhaustMap(() => this.load()))),
        takeUntilDestroyed(),
      )
      .subscribe();
  }

  refresh(): void {
    this.refreshRequests.next();
  }

  private load(): Observable<MessagingHealthDto> {
    return this.api.getMessagingHealth().pipe(
      tap((messaging) => {
        const receivedAt = Date.now();
        this.snapshot.set({ messaging, receivedAt });
        this.now.set(receivedAt);
        this.error.set(null);
      }),
      catchError((error: unknown) => {
        this.error.set(error instanceof ApiError ? error : ApiError.network());
        return EMPTY;
      }),
    );
  }
}

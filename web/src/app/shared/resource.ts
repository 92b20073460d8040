import { computed, DestroyRef, inject, signal, Signal } from '@angular/core';
import { Observable, Subscription, timer } from 'rxjs';

import { ApiError } from '../core/api/api-error';

export type ResourceState = 'loading' | 'ready' | 'error';

export interface Resource<T> {
  /** `loading` only until the first answer; a reload keeps showing the last value. */
  readonly state: Signal<ResourceState>;
  readonly value: Signal<T | null>;
  readonly error: Signal<ApiError | null>;
  readonly errorMessage: Signal<string>;
  /** A request is in flight (first load or reload). */
  readonly busy: Signal<boolean>;
  reload(): void;
  /** Replace the value locally (after a mutation whose answer is the new value). */
  set(value: T): void;
}

export interface ResourceOptions {
  /** Reload every this many milliseconds while the owner lives (failures keep the last value). */
  pollMs?: number;
}

/**
 * Loads `load()` into signals for a page: loading, value, error, reload. Must be created in an
 * injection context; requests stop when the owning component is destroyed.
 */
export function resource<T>(load: () => Observable<T>, options: ResourceOptions = {}): Resource<T> {
  const value = signal<T | null>(null);
  const error = signal<ApiError | null>(null);
  const loaded = signal(false);
  const busy = signal(false);
  let subscription: Subscription | null = null;
  let poll: Subscription | null = null;

  const reload = () => {
    subscription?.unsubscribe();
    busy.set(true);
    subscription = load().subscribe({
      next: (answer) => {
        value.set(answer);
        error.set(null);
        loaded.set(true);
        busy.set(false);
      },
      error: (failure: unknown) => {
        error.set(failure instanceof ApiError ? failure : ApiError.network());
        busy.set(false);
      },
    });
  };

  inject(DestroyRef).onDestroy(() => {
    subscription?.unsubscribe();
    poll?.unsubscribe();
  });

  if (options.pollMs) {
    poll = timer(0, options.pollMs).subscribe(() => {
      if (!busy()) {
        reload();
      }
    });
  } else {
    reload();
  }

  return {
    state: computed(() => (loaded() ? 'ready' : error() ? 'error' : 'loading')),
    value,
    error,
    errorMessage: computed(() => error()?.message ?? ''),
    busy,
    reload,
    set: (next: T) => {
      value.set(next);
      loaded.set(true);
    },
  };
}

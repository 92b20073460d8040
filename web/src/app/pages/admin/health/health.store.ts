import { computed, Injectable, inject } from '@angular/core';

import { ApiClient } from '../../../core/api/api-client.service';
import { formatAge } from '../../../shared/format/duration';
import { poll } from '../../../shared/state/polling';
import { toHealthView } from './health-view';

/** How often the page asks the gateway for a fresh report. */
export const HEALTH_REFRESH_MS = 5_000;

/**
 * The health page's state: polls `GET /system/health` every few seconds while the page is open, keeps
 * the last good report when a poll fails, and ticks a clock so relative times stay current.
 * Provided by the page, so polling stops when the page is left.
 */
@Injectable()
export class HealthStore {
  private readonly api = inject(ApiClient);
  private readonly polled = poll(HEALTH_REFRESH_MS, () => this.api.getSystemHealth());

  /** The last failure; cleared by the next successful poll. */
  readonly error = this.polled.error;
  /** A refresh asked for by the user is in flight. */
  readonly refreshing = this.polled.refreshing;

  readonly view = computed(() => {
    const health = this.polled.value();
    const receivedAt = this.polled.receivedAt();
    if (!health || receivedAt === null) {
      return null;
    }
    // On the gateway's clock: ages stay right even when the browser's clock is off.
    const serverNow = Date.parse(health.generatedAt) + (this.polled.now() - receivedAt);
    return toHealthView(health, serverNow);
  });

  readonly updatedAgo = computed(() => {
    const receivedAt = this.polled.receivedAt();
    return receivedAt === null ? null : formatAge((this.polled.now() - receivedAt) / 1000);
  });

  refresh(): void {
    this.polled.refresh();
  }
}

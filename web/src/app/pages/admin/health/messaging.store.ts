import { computed, Injectable, inject } from '@angular/core';

import { ApiClient } from '../../../core/api/api-client.service';
import { poll } from '../../../shared/state/polling';
import { HEALTH_REFRESH_MS } from './health.store';
import { toMessagingView } from './messaging-view';

/**
 * The messaging section's state: polls `GET /admin/messaging` on the same schedule as the service health,
 * keeps the last good report when a poll fails, and ticks a clock so "parked 3 min ago" stays current.
 * Provided by the page, so polling stops when the page is left.
 */
@Injectable()
export class MessagingStore {
  private readonly api = inject(ApiClient);
  private readonly polled = poll(HEALTH_REFRESH_MS, () => this.api.getMessagingHealth());

  /** The last failure; cleared by the next successful poll. */
  readonly error = this.polled.error;

  readonly view = computed(() => {
    const messaging = this.polled.value();
    const receivedAt = this.polled.receivedAt();
    if (!messaging || receivedAt === null) {
      return null;
    }
    const serverNow = Date.parse(messaging.generatedAt) + (this.polled.now() - receivedAt);
    return toMessagingView(messaging, serverNow);
  });

  refresh(): void {
    this.polled.refresh();
  }
}

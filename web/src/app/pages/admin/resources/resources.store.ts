import { computed, inject, Injectable, signal } from '@angular/core';
import type { ResourceWindow } from '@slipway/contracts';

import { ApiClient } from '../../../core/api/api-client.service';
import { formatAge } from '../../../shared/format/duration';
import { poll } from '../../../shared/state/polling';
import { toResourcesView } from './resources-view';

/** Stored samples are one-minute buckets: refreshing much faster would mostly fetch the same figures. */
export const RESOURCES_REFRESH_MS = 15_000;

/** The resources page's state: polls `GET /admin/resources` for the chosen window while the page is open. */
@Injectable()
export class ResourcesStore {
  private readonly api = inject(ApiClient);
  readonly window = signal<ResourceWindow>('1h');
  private readonly polled = poll(RESOURCES_REFRESH_MS, () => this.api.getSystemResources(this.window()));

  readonly error = this.polled.error;
  readonly refreshing = this.polled.refreshing;
  /** The report of another window than the chosen one is not shown while the new one loads. */
  readonly view = computed(() => {
    const report = this.polled.value();
    return report && report.window === this.window() ? toResourcesView(report) : null;
  });
  readonly updatedAgo = computed(() => {
    const receivedAt = this.polled.receivedAt();
    return receivedAt === null ? null : formatAge((this.polled.now() - receivedAt) / 1000);
  });

  selectWindow(window: ResourceWindow): void {
    if (window === this.window()) return;
    this.window.set(window);
    this.polled.refresh();
  }

  refresh(): void {
    this.polled.refresh();
  }
}

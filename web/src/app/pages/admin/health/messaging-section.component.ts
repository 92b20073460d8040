import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { MatProgressSpinnerModule } from '@angular/material/progress-spinner';

import { HEALTH_REFRESH_MS, HealthStore } from './health.store';
import { MessagingStore } from './messaging.store';

/** JetStream as the services use it: streams, consumers with their backlog, parked messages, build queue. */
@Component({
  selector: 'sw-messaging-section',
  imports: [DatePipe, MatProgressSpinnerModule],
  templateUrl: './messaging-section.component.html',
  styleUrl: './messaging-section.component.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class MessagingSectionComponent {
  protected readonly store = inject(MessagingStore);
  /** The builder's own queue comes with its heartbeat, in the page's service health. */
  protected readonly health = inject(HealthStore);
  protected readonly refreshSeconds = HEALTH_REFRESH_MS / 1000;
}

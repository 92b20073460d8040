import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatProgressSpinnerModule } from '@angular/material/progress-spinner';

import { StatusChipComponent } from '../../../shared/status-chip/status-chip.component';
import { HEALTH_REFRESH_MS, HealthStore } from './health.store';
import { MessagingSectionComponent } from './messaging-section.component';
import { MessagingStore } from './messaging.store';

/**
 * Platform health: one row per service, from the heartbeats the gateway has seen, then JetStream's
 * streams, consumers and parked messages.
 */
@Component({
  selector: 'sw-health-page',
  imports: [
    DatePipe,
    MatButtonModule,
    MatProgressSpinnerModule,
    MessagingSectionComponent,
    StatusChipComponent,
  ],
  providers: [HealthStore, MessagingStore],
  templateUrl: './health-page.component.html',
  styleUrl: './health-page.component.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class HealthPageComponent {
  protected readonly store = inject(HealthStore);
  protected readonly refreshSeconds = HEALTH_REFRESH_MS / 1000;
  private readonly messaging = inject(MessagingStore);

  protected refresh(): void {
    this.store.refresh();
    this.messaging.refresh();
  }
}

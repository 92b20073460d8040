import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatProgressSpinnerModule } from '@angular/material/progress-spinner';

import { StatusChipComponent } from '../../../shared/status-chip/status-chip.component';
import { HEALTH_REFRESH_MS, HealthStore } from './health.store';

/** Platform health: one row per service, from the heartbeats the gateway has seen. */
@Component({
  selector: 'sw-health-page',
  imports: [DatePipe, MatButtonModule, MatProgressSpinnerModule, StatusChipComponent],
  providers: [HealthStore],
  templateUrl: './health-page.component.html',
  styleUrl: './health-page.component.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class HealthPageComponent {
  protected readonly store = inject(HealthStore);
  protected readonly refreshSeconds = HEALTH_REFRESH_MS / 1000;
}

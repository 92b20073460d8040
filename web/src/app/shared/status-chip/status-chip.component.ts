import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import type { ServiceState } from '@slipway/contracts';

const LABELS: Record<ServiceState, string> = { up: 'Up', degraded: 'Degraded', down: 'Down' };

/** A service state as colour, shape and text together, so none of them is needed alone. */
@Component({
  selector: 'sw-status-chip',
  templateUrl: './status-chip.component.html',
  styleUrl: './status-chip.component.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { '[attr.data-status]': 'status()' },
})
export class StatusChipComponent {
  readonly status = input.required<ServiceState>();

  protected readonly label = computed(() => LABELS[this.status()]);
}

import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import { MatProgressSpinnerModule } from '@angular/material/progress-spinner';

/** A page or section that is waiting for data: spinner plus a sentence saying what is loading. */
@Component({
  selector: 'sw-loading-state',
  imports: [MatProgressSpinnerModule],
  template: `
    <div class="sw-state" role="status" [attr.data-testid]="testId()">
      <mat-progress-spinner mode="indeterminate" diameter="36" aria-hidden="true" />
      <p>{{ label() }}</p>
    </div>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class LoadingStateComponent {
  readonly label = input('Loading…');
  readonly testId = input('loading');
}

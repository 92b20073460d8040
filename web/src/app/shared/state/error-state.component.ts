import { ChangeDetectionStrategy, Component, input, output } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';

/** Something failed: what, the reason in words, and a way to try again. Never raw response data. */
@Component({
  selector: 'sw-error-state',
  imports: [MatButtonModule],
  template: `
    <section class="sw-state sw-state--error" role="alert" [attr.data-testid]="testId()">
      <h2 class="sw-state-title">{{ title() }}</h2>
      <p>{{ message() }}</p>
      @if (retryable()) {
        <button mat-stroked-button type="button" (click)="retry.emit()">Try again</button>
      }
    </section>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ErrorStateComponent {
  readonly title = input('Something went wrong');
  readonly message = input.required<string>();
  readonly retryable = input(true);
  readonly testId = input('error');
  readonly retry = output();
}

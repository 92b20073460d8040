import { ChangeDetectionStrategy, Component, input } from '@angular/core';

/** Nothing to show yet: a title, a sentence, and whatever action is projected (e.g. "Create an app"). */
@Component({
  selector: 'sw-empty-state',
  template: `
    <section class="sw-state" [attr.data-testid]="testId()">
      <svg class="sw-state-icon" viewBox="0 0 24 24" width="40" height="40" aria-hidden="true">
        <path d="M4 7h16v12H4zM4 7l2-3h12l2 3M9 11h6" />
      </svg>
      <h2 class="sw-state-title">{{ title() }}</h2>
      @if (detail()) {
        <p>{{ detail() }}</p>
      }
      <ng-content />
    </section>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class EmptyStateComponent {
  readonly title = input.required<string>();
  readonly detail = input<string>('');
  readonly testId = input('empty');
}

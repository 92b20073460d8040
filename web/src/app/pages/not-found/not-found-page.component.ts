import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { Router, RouterLink } from '@angular/router';

/** Any URL the portal does not know. */
@Component({
  selector: 'sw-not-found-page',
  imports: [MatButtonModule, RouterLink],
  template: `
    <section class="not-found" data-testid="not-found">
      <p class="code" aria-hidden="true">404</p>
      <h1 class="title">Page not found</h1>
      <p class="detail">
        There is nothing at <code>{{ path }}</code
        >. The address may be mistyped, or the page may have moved.
      </p>
      <a mat-flat-button routerLink="/">Go to the dashboard</a>
    </section>
  `,
  styles: `
    .not-found {
      display: flex;
      flex-direction: column;
      align-items: center;
      gap: 12px;
      padding: 64px 16px;
      text-align: center;
    }

    .code {
      margin: 0;
      color: var(--mat-sys-primary);
      font: var(--mat-sys-display-medium);
    }

    .title {
      margin: 0;
      font: var(--mat-sys-headline-small);
    }

    .detail {
      max-width: 40rem;
      margin: 0 0 12px;
      color: var(--mat-sys-on-surface-variant);
      overflow-wrap: anywhere;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class NotFoundPageComponent {
  protected readonly path = inject(Router).url;
}

/** A signed-in user opened an admin page. */
@Component({
  selector: 'sw-forbidden-page',
  imports: [MatButtonModule, RouterLink],
  template: `
    <section class="sw-state" data-testid="forbidden">
      <h1 class="sw-state-title">This page is for administrators</h1>
      <p>Your account can manage its own apps. Ask an administrator if you need more.</p>
      <a mat-flat-button routerLink="/">Go to the dashboard</a>
    </section>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ForbiddenPageComponent {}

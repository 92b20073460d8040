import { ClipboardModule } from '@angular/cdk/clipboard';
import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSnackBar } from '@angular/material/snack-bar';
import type { NotificationWebhookDto } from '@slipway/contracts';

import { ApiClient } from '../../../core/api/api-client.service';
import { ApiError } from '../../../core/api/api-error';
import { FieldErrorDirective } from '../../../shared/forms/field-error.directive';
import { IconComponent } from '../../../shared/icon/icon.component';
import { resource } from '../../../shared/resource';
import { AppContextStore } from '../app-context.store';

/** URLs Slipway POSTs a signed JSON message to when a deployment goes live or fails (Slack-compatible). */
@Component({
  selector: 'sw-notification-webhooks',
  imports: [
    ClipboardModule,
    FieldErrorDirective,
    FormsModule,
    IconComponent,
    MatButtonModule,
    MatFormFieldModule,
    MatInputModule,
  ],
  template: `
    <h2 id="notifications-title">Notifications</h2>
    <p class="sw-muted">
      When a deployment goes live or fails, Slipway POSTs a JSON message to each URL below. Its
      <code>text</code> field makes a Slack incoming webhook work as is; the
      <code>X-Slipway-Signature-256</code> header is the HMAC-SHA256 of the body with the webhook's secret.
    </p>

    @if (created(); as webhook) {
      <div class="secret" role="status" data-testid="notification-secret">
        <p><strong>Copy the signing secret now.</strong> It will not be shown again.</p>
        <span class="copy-line">
          <code class="sw-mono">{{ webhook.secret }}</code>
          <button
            mat-icon-button
            type="button"
            aria-label="Copy the signing secret"
            [cdkCopyToClipboard]="webhook.secret ?? ''"
            (cdkCopyToClipboardCopied)="snackBar.open('Secret copied', undefined, { duration: 2500 })"
          >
            <sw-icon name="copy" [size]="18" />
          </button>
        </span>
        <button mat-button type="button" (click)="created.set(null)">I have copied it</button>
      </div>
    }

    @switch (webhooks.state()) {
      @case ('loading') {
        <p class="sw-muted">Loading…</p>
      }
      @case ('error') {
        <p class="sw-muted">Notifications are not available: {{ webhooks.errorMessage() }}</p>
      }
      @default {
        @if ((webhooks.value()?.items ?? []).length > 0) {
          <ul class="hooks" data-testid="notification-list">
            @for (webhook of webhooks.value()?.items ?? []; track webhook.id) {
              <li>
                <span class="sw-mono url">{{ webhook.url }}</span>
                <span class="sw-muted small">{{ lastDelivery(webhook) }}</span>
                <button
                  mat-icon-button
                  type="button"
                  [attr.aria-label]="'Remove the notification to ' + webhook.url"
                  [disabled]="removing() === webhook.id"
                  (click)="remove(webhook)"
                >
                  <sw-icon name="trash" />
                </button>
              </li>
            }
          </ul>
        }
      }
    }

    <form class="add" (ngSubmit)="add()">
      <mat-form-field appearance="outline" subscriptSizing="dynamic">
        <mat-label>Webhook URL</mat-label>
        <input
          matInput
          name="url"
          type="url"
          placeholder="https://hooks.slack.com/services/…"
          data-testid="notification-url"
          [ngModel]="url()"
          (ngModelChange)="url.set($event); serverError.set(null)"
          [swError]="error()"
        />
        <mat-error>{{ error() }}</mat-error>
      </mat-form-field>
      <button
        mat-stroked-button
        type="submit"
        data-testid="notification-add"
        [disabled]="!url().trim() || adding()"
      >
        Add
      </button>
    </form>
  `,
  styles: `
    h2 {
      margin: 0 0 8px;
      font: var(--mat-sys-title-medium);
    }
    p {
      margin: 0 0 12px;
    }
    .hooks {
      margin: 0 0 12px;
      padding: 0;
      list-style: none;
      li {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 4px 12px;
        border-bottom: 1px solid var(--mat-sys-outline-variant);
      }
    }
    .url {
      flex: 1 1 240px;
      overflow-wrap: anywhere;
    }
    .small {
      font-size: 0.85em;
    }
    .add {
      display: flex;
      flex-wrap: wrap;
      align-items: flex-start;
      gap: 0 12px;
      mat-form-field {
        flex: 1 1 280px;
      }
      button {
        margin-top: 10px;
      }
    }
    .secret {
      margin-bottom: 12px;
      padding: 12px 16px;
      border-radius: var(--mat-sys-corner-medium);
      background: var(--mat-sys-tertiary-container);
      color: var(--mat-sys-on-tertiary-container);
      p {
        margin: 0 0 4px;
      }
    }
    .copy-line {
      display: inline-flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 4px;
      max-width: 100%;
      code {
        overflow-wrap: anywhere;
      }
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class NotificationWebhooksComponent {
  private readonly api = inject(ApiClient);
  protected readonly snackBar = inject(MatSnackBar);

  private readonly store = inject(AppContextStore);
  private readonly appId = this.store.appId;

  protected readonly webhooks = resource(() => this.api.listNotificationWebhooks(this.appId()));
  protected readonly url = signal('');
  protected readonly serverError = signal<string | null>(null);
  protected readonly adding = signal(false);
  protected readonly removing = signal<string | null>(null);
  protected readonly created = signal<NotificationWebhookDto | null>(null);
  protected readonly error = computed(() => {
    const url = this.url().trim();
    if (url && !/^https?:\/\/[^\s/]+/.test(url)) {
      return 'Use an http:// or https:// URL.';
    }
    return this.serverError();
  });

  protected add(): void {
    const url = this.url().trim();
    if (!url || this.error()) {
      return;
    }
    this.adding.set(true);
    this.api.addNotificationWebhook(this.appId(), url).subscribe({
      next: (webhook) => {
        this.adding.set(false);
        this.created.set(webhook);
        this.url.set('');
        this.webhooks.reload();
      },
      error: (error: unknown) => {
        this.adding.set(false);
        this.serverError.set(error instanceof ApiError ? (error.detail ?? error.message) : 'Adding failed.');
      },
    });
  }

  protected remove(webhook: NotificationWebhookDto): void {
    this.removing.set(webhook.id);
    this.api.deleteNotificationWebhook(this.appId(), webhook.id).subscribe({
      next: () => {
        this.removing.set(null);
        this.webhooks.reload();
      },
      error: (error: unknown) => {
        this.removing.set(null);
        this.snackBar.open(error instanceof ApiError ? error.message : 'Removing failed', 'Close');
      },
    });
  }

  protected lastDelivery(webhook: NotificationWebhookDto): string {
    const last = webhook.lastDelivery;
    if (!last) {
      return 'nothing sent yet';
    }
    const when = new Date(last.at).toLocaleString();
    return `${last.state} ${when}${last.detail ? ` (${last.detail})` : ''}`;
  }
}

import { DatePipe, KeyValuePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { FormControl, FormGroup, ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';

import { ApiClient, AuditQuery } from '../../../core/api/api-client.service';
import type { AuditEventDto } from '../../../core/api/api-types';
import { EmptyStateComponent } from '../../../shared/state/empty-state.component';
import { ErrorStateComponent } from '../../../shared/state/error-state.component';
import { LoadingStateComponent } from '../../../shared/state/loading-state.component';
import { resource } from '../../../shared/resource';

const PAGE_SIZE = 50;

/** Who did what, when, from where: newest first, filtered by action family, outcome, actor, app and time. */
@Component({
  selector: 'sw-audit-page',
  imports: [
    DatePipe,
    EmptyStateComponent,
    ErrorStateComponent,
    KeyValuePipe,
    LoadingStateComponent,
    MatButtonModule,
    MatFormFieldModule,
    MatInputModule,
    MatSelectModule,
    ReactiveFormsModule,
  ],
  templateUrl: './audit-page.component.html',
  styleUrl: './audit-page.component.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AuditPageComponent {
  private readonly api = inject(ApiClient);

  protected readonly actionFamilies = [
    { value: '', label: 'Any action' },
    { value: 'auth.', label: 'Sign-in and sessions' },
    { value: 'api-token.', label: 'API tokens' },
    { value: 'user.', label: 'Users' },
    { value: 'app.', label: 'Apps' },
    { value: 'deployment.', label: 'Deployments' },
    { value: 'env.', label: 'Environment variables' },
  ];

  protected readonly filters = new FormGroup({
    action: new FormControl('', { nonNullable: true }),
    outcome: new FormControl<'' | 'success' | 'failure'>('', { nonNullable: true }),
    actorId: new FormControl('', { nonNullable: true }),
    appId: new FormControl('', { nonNullable: true }),
    since: new FormControl('', { nonNullable: true }),
    until: new FormControl('', { nonNullable: true }),
  });

  private readonly query = signal<AuditQuery>({ limit: PAGE_SIZE });
  protected readonly events = resource(() => this.api.listAudit(this.query()));
  /** Pages already loaded before the current one ("Load older"). */
  protected readonly older = signal<AuditEventDto[]>([]);
  protected readonly loadingOlder = signal(false);

  protected apply(): void {
    const value = this.filters.getRawValue();
    this.query.set({
      limit: PAGE_SIZE,
      action: value.action.trim() || undefined,
      outcome: value.outcome || undefined,
      actorId: value.actorId.trim() || undefined,
      appId: value.appId.trim() || undefined,
      since: toIso(value.since),
      until: toIso(value.until),
    });
    this.older.set([]);
    this.events.reload();
  }

  protected reset(): void {
    this.filters.reset();
    this.apply();
  }

  protected loadOlder(): void {
    const page = this.events.value();
    if (!page?.nextCursor) {
      return;
    }
    this.loadingOlder.set(true);
    const query = { ...this.query(), cursor: page.nextCursor };
    this.api.listAudit(query).subscribe({
      next: (next) => {
        this.older.update((items) => [...items, ...page.items]);
        this.query.set(query);
        this.events.set(next);
        this.loadingOlder.set(false);
      },
      error: () => this.loadingOlder.set(false),
    });
  }

  protected detailText(value: unknown): string {
    return Array.isArray(value) ? value.join(', ') : String(value);
  }
}

/** `<input type="datetime-local">` gives local time without a zone; the API wants ISO 8601. */
function toIso(local: string): string | undefined {
  if (!local) {
    return undefined;
  }
  const date = new Date(local);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

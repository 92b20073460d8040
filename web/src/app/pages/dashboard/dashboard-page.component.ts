import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { RouterLink } from '@angular/router';
import { catchError, forkJoin, map, Observable, of, switchMap } from 'rxjs';

import { ApiClient } from '../../core/api/api-client.service';
import { AuthStore } from '../../core/auth/auth.store';
import { triggerLabel } from '../../shared/apps/app-state';
import { formatDuration } from '../../shared/format/duration';
import { IconComponent } from '../../shared/icon/icon.component';
import { resource } from '../../shared/resource';
import { EmptyStateComponent } from '../../shared/state/empty-state.component';
import { ErrorStateComponent } from '../../shared/state/error-state.component';
import { LoadingStateComponent } from '../../shared/state/loading-state.component';
import { StateBadgeComponent } from '../../shared/state-badge/state-badge.component';
import { AppFacts, toDashboardView } from './dashboard-stats';

/** How often the dashboard refreshes while open. */
const REFRESH_MS = 15_000;
/** Apps whose deployments and status are fetched for the totals (the list shows all). */
const DETAILED_APPS = 30;

/** My apps at a glance: state, URL, last deploy, and the week's totals. */
@Component({
  selector: 'sw-dashboard-page',
  imports: [
    DatePipe,
    EmptyStateComponent,
    ErrorStateComponent,
    IconComponent,
    LoadingStateComponent,
    MatButtonModule,
    RouterLink,
    StateBadgeComponent,
  ],
  templateUrl: './dashboard-page.component.html',
  styleUrl: './dashboard-page.component.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class DashboardPageComponent {
  private readonly api = inject(ApiClient);
  protected readonly auth = inject(AuthStore);

  /** Administrators see every app, so the list says whose each one is. */
  private readonly owners = resource(() =>
    this.auth.isAdmin()
      ? this.api.listUsers({ limit: 200 }).pipe(
          map((page) => new Map(page.items.map((user) => [user.id, user.email]))),
          catchError(() => of(new Map<string, string>())),
        )
      : of(new Map<string, string>()),
  );
  protected ownerOf(ownerId: string): string | null {
    if (!this.auth.isAdmin() || ownerId === this.auth.user()?.id) {
      return null;
    }
    return this.owners.value()?.get(ownerId) ?? ownerId;
  }

  protected readonly facts = resource(() => this.loadFacts(), { pollMs: REFRESH_MS });
  protected readonly view = computed(() => {
    const facts = this.facts.value();
    return facts ? toDashboardView(facts, Date.now()) : null;
  });
  protected readonly maxPerDay = computed(() =>
    Math.max(1, ...(this.view()?.week ?? []).map((bar) => bar.succeeded + bar.failed + bar.other)),
  );
  protected readonly triggerLabel = triggerLabel;

  protected formatMs(ms: number): string {
    return ms < 60_000 ? `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s` : formatDuration(ms / 1000);
  }

  private loadFacts(): Observable<AppFacts[]> {
    return this.api.listApps({ limit: 100 }).pipe(
      switchMap(({ items }) => {
        if (items.length === 0) {
          return of([]);
        }
        return forkJoin(
          items.map((app, index) =>
            index >= DETAILED_APPS
              ? of({ app, deployments: null, runtime: null })
              : forkJoin({
                  deployments: this.api.listDeployments(app.id, { limit: 20 }).pipe(
                    map((page) => page.items),
                    catchError(() => of(null)),
                  ),
                  runtime: this.api.getRuntimeStatus(app.id).pipe(catchError(() => of(null))),
                }).pipe(map((details) => ({ app, ...details }))),
          ),
        );
      }),
    );
  }
}

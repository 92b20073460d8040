import { ChangeDetectionStrategy, Component, effect, inject, input } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatMenuModule } from '@angular/material/menu';
import { MatTabsModule } from '@angular/material/tabs';
import { RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';

import { IconComponent } from '../../shared/icon/icon.component';
import { ErrorStateComponent } from '../../shared/state/error-state.component';
import { LoadingStateComponent } from '../../shared/state/loading-state.component';
import { StateBadgeComponent } from '../../shared/state-badge/state-badge.component';
import { AppContextStore } from './app-context.store';
import { DeleteAppDialogComponent } from './delete-app-dialog.component';

/** The frame of every app page: name, state, URL, quick actions and the app's tabs. */
@Component({
  selector: 'sw-app-shell',
  imports: [
    ErrorStateComponent,
    IconComponent,
    LoadingStateComponent,
    MatButtonModule,
    MatMenuModule,
    MatTabsModule,
    RouterLink,
    RouterLinkActive,
    RouterOutlet,
    StateBadgeComponent,
  ],
  providers: [AppContextStore],
  templateUrl: './app-shell.component.html',
  styleUrl: './app-shell.component.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AppShellComponent {
  protected readonly store = inject(AppContextStore);
  private readonly dialog = inject(MatDialog);

  readonly appId = input.required<string>();

  protected readonly tabs = [
    { path: 'overview', label: 'Overview' },
    { path: 'deployments', label: 'Deployments' },
    { path: 'logs', label: 'Logs' },
    { path: 'settings', label: 'Settings' },
  ] as const;

  constructor() {
    effect(() => this.store.open(this.appId()));
  }

  protected confirmDelete(): void {
    const name = this.store.app()?.name;
    if (!name) {
      return;
    }
    this.dialog
      .open(DeleteAppDialogComponent, { data: { name }, width: 'min(480px, 92vw)' })
      .afterClosed()
      .subscribe((confirmed) => confirmed === true && this.store.delete());
  }

  protected rollbackToPrevious(): void {
    const release = this.store.previousRelease();
    if (release) {
      this.store.rollback(release.id);
    }
  }
}

import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSnackBar } from '@angular/material/snack-bar';

import { ApiClient } from '../../../core/api/api-client.service';
import { ApiError } from '../../../core/api/api-error';
import type { UserDto } from '../../../core/api/api-types';
import { AuthStore } from '../../../core/auth/auth.store';
import { EmptyStateComponent } from '../../../shared/state/empty-state.component';
import { ErrorStateComponent } from '../../../shared/state/error-state.component';
import { LoadingStateComponent } from '../../../shared/state/loading-state.component';
import { resource } from '../../../shared/resource';

/** Every account, with the switch that locks one out (and ends its sessions). */
@Component({
  selector: 'sw-users-page',
  imports: [
    DatePipe,
    EmptyStateComponent,
    ErrorStateComponent,
    FormsModule,
    LoadingStateComponent,
    MatButtonModule,
    MatFormFieldModule,
    MatInputModule,
  ],
  template: `
    <div class="sw-page-header">
      <div>
        <h1>Users</h1>
        <p>
          Everyone with an account. A disabled user cannot sign in, and their sessions and tokens stop
          working.
        </p>
      </div>
      <mat-form-field appearance="outline" subscriptSizing="dynamic" class="filter">
        <mat-label>Filter by email</mat-label>
        <input matInput type="search" [ngModel]="filter()" (ngModelChange)="filter.set($event)" />
      </mat-form-field>
    </div>

    @switch (users.state()) {
      @case ('loading') {
        <sw-loading-state label="Loading users…" />
      }
      @case ('error') {
        <sw-error-state
          title="Users could not be loaded"
          [message]="users.errorMessage()"
          (retry)="users.reload()"
        />
      }
      @default {
        @if (shown().length === 0) {
          <sw-empty-state
            title="No users match"
            [detail]="'Nobody has an email containing “' + filter() + '”.'"
          />
        } @else {
          <div class="sw-card sw-table-scroll">
            <table class="sw-table" data-testid="users-table">
              <caption class="sw-visually-hidden">
                Users
              </caption>
              <thead>
                <tr>
                  <th scope="col">Email</th>
                  <th scope="col">Role</th>
                  <th scope="col">Status</th>
                  <th scope="col">Last sign-in</th>
                  <th scope="col">Joined</th>
                  <th scope="col"><span class="sw-visually-hidden">Actions</span></th>
                </tr>
              </thead>
              <tbody>
                @for (user of shown(); track user.id) {
                  <tr [attr.data-testid]="'user-row-' + user.email">
                    <th scope="row" class="email">{{ user.email }}</th>
                    <td>{{ user.role === 'admin' ? 'Administrator' : 'User' }}</td>
                    <td>
                      @if (user.disabledAt) {
                        <span
                          class="badge badge--off"
                          [title]="'Disabled ' + (user.disabledAt | date: 'medium')"
                          >Disabled</span
                        >
                      } @else {
                        <span class="badge">Active</span>
                      }
                    </td>
                    <td>{{ user.lastSignInAt ? (user.lastSignInAt | date: 'medium') : 'never' }}</td>
                    <td>{{ user.createdAt | date: 'mediumDate' }}</td>
                    <td class="actions">
                      @if (user.id !== auth.user()?.id) {
                        <button
                          mat-stroked-button
                          type="button"
                          [disabled]="pending() === user.id"
                          [attr.aria-label]="(user.disabledAt ? 'Enable ' : 'Disable ') + user.email"
                          (click)="toggle(user)"
                        >
                          {{ user.disabledAt ? 'Enable' : 'Disable' }}
                        </button>
                      } @else {
                        <span class="sw-muted">you</span>
                      }
                    </td>
                  </tr>
                }
              </tbody>
            </table>
          </div>
        }
      }
    }
  `,
  styles: `
    .filter {
      width: min(100%, 280px);
    }
    .email {
      overflow-wrap: anywhere;
      font-weight: 500;
    }
    .badge {
      padding: 2px 10px;
      border-radius: var(--mat-sys-corner-full);
      background: var(--sw-status-up-container);
      color: var(--sw-status-up-on-container);
      font: var(--mat-sys-label-medium);
    }
    .badge--off {
      background: var(--sw-status-down-container);
      color: var(--sw-status-down-on-container);
    }
    .actions {
      text-align: right !important;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class UsersPageComponent {
  private readonly api = inject(ApiClient);
  private readonly snackBar = inject(MatSnackBar);
  protected readonly auth = inject(AuthStore);

  protected readonly users = resource(() => this.api.listUsers({ limit: 200 }));
  protected readonly filter = signal('');
  protected readonly pending = signal<string | null>(null);
  protected readonly shown = computed(() => {
    const needle = this.filter().trim().toLowerCase();
    const items = this.users.value()?.items ?? [];
    return needle ? items.filter((user) => user.email.toLowerCase().includes(needle)) : items;
  });

  protected toggle(user: UserDto): void {
    const disable = user.disabledAt === null;
    if (disable && !confirm(`Disable ${user.email}? They are signed out everywhere at once.`)) {
      return;
    }
    this.pending.set(user.id);
    this.api.setUserDisabled(user.id, disable).subscribe({
      next: () => {
        this.pending.set(null);
        this.snackBar.open(`${user.email} ${disable ? 'disabled' : 'enabled'}`, undefined, {
          duration: 4000,
        });
        this.users.reload();
      },
      error: (error: unknown) => {
        this.pending.set(null);
        this.snackBar.open(error instanceof ApiError ? error.message : 'The change failed', 'Close');
      },
    });
  }
}

import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, inject, signal, viewChild } from '@angular/core';
import { FormControl, FormGroup, FormGroupDirective, ReactiveFormsModule, Validators } from '@angular/forms';
import { ClipboardModule } from '@angular/cdk/clipboard';
import { MatButtonModule } from '@angular/material/button';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSnackBar } from '@angular/material/snack-bar';

import { ApiClient } from '../../core/api/api-client.service';
import { ApiError } from '../../core/api/api-error';
import {
  API_TOKEN_SCOPE_DESCRIPTIONS,
  API_TOKEN_SCOPES,
  type ApiTokenDto,
  type ApiTokenScope,
  type CreatedApiTokenDto,
} from '../../core/api/api-types';
import { AuthStore } from '../../core/auth/auth.store';
import { IconComponent } from '../../shared/icon/icon.component';
import { EmptyStateComponent } from '../../shared/state/empty-state.component';
import { ErrorStateComponent } from '../../shared/state/error-state.component';
import { LoadingStateComponent } from '../../shared/state/loading-state.component';
import { resource } from '../../shared/resource';

/** Who you are, and the API tokens that let scripts and CI act as you. */
@Component({
  selector: 'sw-profile-page',
  imports: [
    ClipboardModule,
    DatePipe,
    EmptyStateComponent,
    ErrorStateComponent,
    IconComponent,
    LoadingStateComponent,
    MatButtonModule,
    MatCheckboxModule,
    MatFormFieldModule,
    MatInputModule,
    ReactiveFormsModule,
  ],
  templateUrl: './profile-page.component.html',
  styleUrl: './profile-page.component.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ProfilePageComponent {
  private readonly api = inject(ApiClient);
  private readonly snackBar = inject(MatSnackBar);
  protected readonly auth = inject(AuthStore);

  protected readonly tokens = resource(() => this.api.listApiTokens());
  protected readonly tokenName = new FormControl('', {
    nonNullable: true,
    validators: [Validators.required, Validators.maxLength(80)],
  });
  protected readonly tokenForm = new FormGroup({ name: this.tokenName });
  private readonly tokenFormDirective = viewChild(FormGroupDirective);
  protected readonly scopeChoices = API_TOKEN_SCOPES.map((scope) => ({
    scope,
    description: API_TOKEN_SCOPE_DESCRIPTIONS[scope],
  }));
  protected readonly scopes = signal<readonly ApiTokenScope[]>(['apps:read', 'deploy']);
  protected readonly creating = signal(false);
  protected readonly createError = signal<string | null>(null);
  /** The value of the token just created: shown once, until dismissed. */
  protected readonly newToken = signal<CreatedApiTokenDto | null>(null);
  protected readonly revoking = signal<string | null>(null);

  protected create(): void {
    this.tokenName.markAsTouched();
    if (this.tokenName.invalid || this.creating()) {
      return;
    }
    if (this.scopes().length === 0) {
      this.createError.set('Choose at least one thing the token may do.');
      return;
    }
    this.creating.set(true);
    this.createError.set(null);
    this.api.createApiToken({ name: this.tokenName.value.trim(), scopes: [...this.scopes()] }).subscribe({
      next: (token) => {
        this.creating.set(false);
        this.newToken.set(token);
        // Resets "submitted" too, so the emptied name does not show as an error.
        this.tokenFormDirective()?.resetForm();
        this.tokens.reload();
      },
      error: (error: unknown) => {
        this.creating.set(false);
        this.createError.set(error instanceof ApiError ? (error.detail ?? error.message) : String(error));
      },
    });
  }

  protected revoke(token: ApiTokenDto): void {
    if (!confirm(`Revoke the token "${token.name}"? Scripts using it stop working at once.`)) {
      return;
    }
    this.revoking.set(token.id);
    this.api.revokeApiToken(token.id).subscribe({
      next: () => {
        this.revoking.set(null);
        if (this.newToken()?.id === token.id) {
          this.newToken.set(null);
        }
        this.snackBar.open(`Token "${token.name}" revoked`, undefined, { duration: 4000 });
        this.tokens.reload();
      },
      error: (error: unknown) => {
        this.revoking.set(null);
        this.snackBar.open(error instanceof ApiError ? error.message : 'Could not revoke the token', 'Close');
      },
    });
  }

  protected toggleScope(scope: ApiTokenScope, checked: boolean): void {
    this.scopes.update((scopes) =>
      checked ? [...scopes, scope] : scopes.filter((existing) => existing !== scope),
    );
  }

  protected copied(): void {
    this.snackBar.open('Copied to the clipboard', undefined, { duration: 2500 });
  }
}

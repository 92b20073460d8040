import { ChangeDetectionStrategy, Component, computed, inject, input, signal } from '@angular/core';
import { FormControl, FormGroup, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressSpinnerModule } from '@angular/material/progress-spinner';
import { Router, RouterLink } from '@angular/router';

import { ApiError } from '../../core/api/api-error';
import { AuthStore } from '../../core/auth/auth.store';
import { IconComponent } from '../../shared/icon/icon.component';

/** Shortest password the gateway accepts at sign-up. */
export const PASSWORD_MIN_LENGTH = 10;

type Mode = 'sign-in' | 'sign-up';

/** Sign in and sign up share one form; `mode` comes from the route's data. */
@Component({
  selector: 'sw-auth-page',
  imports: [
    IconComponent,
    MatButtonModule,
    MatFormFieldModule,
    MatInputModule,
    MatProgressSpinnerModule,
    ReactiveFormsModule,
    RouterLink,
  ],
  templateUrl: './auth-page.component.html',
  styleUrl: './auth-page.component.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AuthPageComponent {
  private readonly auth = inject(AuthStore);
  private readonly router = inject(Router);

  readonly mode = input<Mode>('sign-in');
  readonly returnUrl = input<string | undefined>();

  protected readonly signingUp = computed(() => this.mode() === 'sign-up');
  protected readonly busy = signal(false);
  protected readonly formError = signal<string | null>(null);
  protected readonly showPassword = signal(false);
  protected readonly minLength = PASSWORD_MIN_LENGTH;

  protected readonly form = new FormGroup({
    email: new FormControl('', { nonNullable: true, validators: [Validators.required, Validators.email] }),
    password: new FormControl('', {
      nonNullable: true,
      validators: [Validators.required, Validators.minLength(PASSWORD_MIN_LENGTH)],
    }),
  });

  protected submit(): void {
    this.form.markAllAsTouched();
    if (this.form.invalid || this.busy()) {
      return;
    }
    this.busy.set(true);
    this.formError.set(null);
    const credentials = this.form.getRawValue();
    const request = this.signingUp() ? this.auth.signUp(credentials) : this.auth.signIn(credentials);
    request.subscribe({
      next: () => void this.router.navigateByUrl(this.safeReturnUrl()),
      error: (error: unknown) => {
        this.busy.set(false);
        this.showServerError(error);
      },
    });
  }

  private showServerError(error: unknown): void {
    if (!(error instanceof ApiError)) {
      this.formError.set('Something went wrong. Please try again.');
      return;
    }
    if (error.kind !== 'http') {
      this.formError.set(error.message);
      return;
    }
    const { byField, general } = error.forForm(['email', 'password']);
    for (const [field, message] of Object.entries(byField)) {
      this.form.get(field)?.setErrors({ server: message });
    }
    if (general.length > 0) {
      this.formError.set(general.join(' '));
    } else if (Object.keys(byField).length === 0) {
      this.formError.set(error.detail ?? error.message);
    }
  }

  /** Only paths inside the portal: a crafted link must not send a fresh session elsewhere. */
  private safeReturnUrl(): string {
    const url = this.returnUrl();
    return url && url.startsWith('/') && !url.startsWith('//') ? url : '/';
  }
}

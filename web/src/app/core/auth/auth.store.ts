import { computed, inject, Injectable, signal } from '@angular/core';
import { catchError, finalize, firstValueFrom, map, Observable, of, shareReplay, switchMap, tap } from 'rxjs';

import type { SessionTokensDto, UserDto } from '../api/api-types';
import { AuthApi, Credentials } from './auth-api.service';

/** Where the refresh token survives a reload. The short-lived access token stays in memory only. */
export const REFRESH_TOKEN_KEY = 'slipway.refreshToken';

interface Session {
  accessToken: string;
  refreshToken: string;
  user: UserDto;
}

/**
 * Who is signed in. Holds the session in a signal; renews the access token with the refresh token (one
 * renewal at a time, however many requests hit a 401 together).
 */
@Injectable({ providedIn: 'root' })
export class AuthStore {
  private readonly api = inject(AuthApi);
  private readonly session = signal<Session | null>(null);
  private renewal: Observable<string | null> | null = null;

  readonly user = computed(() => this.session()?.user ?? null);
  readonly signedIn = computed(() => this.session() !== null);
  readonly isAdmin = computed(() => this.session()?.user.role === 'admin');

  /** The current access token, for the interceptor. */
  accessToken(): string | null {
    return this.session()?.accessToken ?? null;
  }

  /** At start-up: resume the session a stored refresh token allows, or stay signed out. Never fails. */
  restore(): Promise<void> {
    if (!readStoredRefreshToken()) {
      return Promise.resolve();
    }
    return firstValueFrom(this.renewAccessToken().pipe(map(() => undefined)));
  }

  signIn(credentials: Credentials): Observable<UserDto> {
    return this.api.signIn(credentials).pipe(switchMap((session) => this.start(session)));
  }

  signUp(credentials: Credentials): Observable<UserDto> {
    return this.api.signUp(credentials).pipe(switchMap((session) => this.start(session)));
  }

  /** Ends the session on the server (best effort) and here (always). */
  signOut(everywhere = false): Observable<void> {
    const session = this.session();
    this.clear();
    if (!session) {
      return of(undefined);
    }
    return this.api.signOut(session.accessToken, session.refreshToken, everywhere).pipe(
      map(() => undefined),
      catchError(() => of(undefined)),
    );
  }

  /** Forgets the session without telling the server (it has already refused it). */
  clear(): void {
    this.session.set(null);
    localStorage.removeItem(REFRESH_TOKEN_KEY);
  }

  /**
   * A fresh access token from the refresh token, or `null` (and signed out) when the server refuses.
   * Concurrent callers share one request.
   */
  renewAccessToken(): Observable<string | null> {
    if (this.renewal) {
      return this.renewal;
    }
    const refreshToken = this.session()?.refreshToken ?? readStoredRefreshToken();
    if (!refreshToken) {
      return of(null);
    }
    this.renewal = this.api.refresh(refreshToken).pipe(
      switchMap((session) => this.start(session)),
      map(() => this.accessToken()),
      catchError(() => {
        this.clear();
        return of(null);
      }),
      finalize(() => (this.renewal = null)),
      shareReplay({ bufferSize: 1, refCount: false }),
    );
    return this.renewal;
  }

  private start(answer: SessionTokensDto): Observable<UserDto> {
    return of(answer.user).pipe(
      tap((user) => {
        this.session.set({ accessToken: answer.accessToken, refreshToken: answer.refreshToken, user });
        localStorage.setItem(REFRESH_TOKEN_KEY, answer.refreshToken);
      }),
    );
  }
}

function readStoredRefreshToken(): string | null {
  try {
    return localStorage.getItem(REFRESH_TOKEN_KEY);
  } catch {
    // Storage can be disabled (private mode, policies): the user simply signs in again after a reload.
    return null;
  }
}

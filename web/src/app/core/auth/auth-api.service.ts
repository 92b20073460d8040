import { HttpBackend, HttpClient } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import { catchError, Observable, throwError, timeout } from 'rxjs';

import { API_BASE_URL, API_TIMEOUT_MS, toApiError } from '../api/api-client.service';
import type { MeDto, SessionTokensDto } from '../api/api-types';

export interface Credentials {
  email: string;
  password: string;
}

/**
 * The `/auth` endpoints that create, renew and end a session. They go straight to the HTTP backend,
 * past `authInterceptor`: a refresh that itself answered 401 must not trigger another refresh.
 */
@Injectable({ providedIn: 'root' })
export class AuthApi {
  private readonly http = new HttpClient(inject(HttpBackend));
  private readonly baseUrl = inject(API_BASE_URL);

  signUp(credentials: Credentials): Observable<SessionTokensDto> {
    return this.send(this.http.post<SessionTokensDto>(`${this.baseUrl}/auth/signup`, credentials));
  }

  signIn(credentials: Credentials): Observable<SessionTokensDto> {
    return this.send(this.http.post<SessionTokensDto>(`${this.baseUrl}/auth/login`, credentials));
  }

  refresh(refreshToken: string): Observable<SessionTokensDto> {
    return this.send(this.http.post<SessionTokensDto>(`${this.baseUrl}/auth/refresh`, { refreshToken }));
  }

  me(accessToken: string): Observable<MeDto> {
    return this.send(
      this.http.get<MeDto>(`${this.baseUrl}/auth/me`, {
        headers: { Authorization: `Bearer ${accessToken}` },
      }),
    );
  }

  /** Ends this session (`everywhere`: every session of the user). */
  signOut(accessToken: string, refreshToken: string, everywhere: boolean): Observable<unknown> {
    return this.send(
      this.http.post(
        `${this.baseUrl}/auth/${everywhere ? 'logout-all' : 'logout'}`,
        { refreshToken },
        { headers: { Authorization: `Bearer ${accessToken}` } },
      ),
    );
  }

  private send<T>(request: Observable<T>): Observable<T> {
    return request.pipe(
      timeout(API_TIMEOUT_MS),
      catchError((error: unknown) => throwError(() => toApiError(error))),
    );
  }
}

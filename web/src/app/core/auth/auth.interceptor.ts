import { HttpErrorResponse, HttpInterceptorFn, HttpRequest } from '@angular/common/http';
import { inject } from '@angular/core';
import { Router } from '@angular/router';
import { catchError, switchMap, throwError } from 'rxjs';

import { API_BASE_URL } from '../api/api-client.service';
import { AuthStore } from './auth.store';

/**
 * Attaches the access token to every API call and, when the gateway answers 401 (expired token), renews
 * the token once and retries. If renewal fails, the session is over: go to sign-in, then come back.
 */
export const authInterceptor: HttpInterceptorFn = (request, next) => {
  const baseUrl = inject(API_BASE_URL);
  if (!request.url.startsWith(baseUrl)) {
    return next(request);
  }
  const auth = inject(AuthStore);
  const router = inject(Router);
  const token = auth.accessToken();
  return next(withToken(request, token)).pipe(
    catchError((error: unknown) => {
      if (!(error instanceof HttpErrorResponse) || error.status !== 401 || token === null) {
        return throwError(() => error);
      }
      return auth.renewAccessToken().pipe(
        switchMap((renewed) => {
          if (renewed === null) {
            void router.navigate(['/sign-in'], { queryParams: { returnUrl: router.url } });
            return throwError(() => error);
          }
          return next(withToken(request, renewed));
        }),
      );
    }),
  );
};

function withToken<T>(request: HttpRequest<T>, token: string | null): HttpRequest<T> {
  return token ? request.clone({ setHeaders: { Authorization: `Bearer ${token}` } }) : request;
}

import { HttpClient, HttpErrorResponse } from '@angular/common/http';
import { inject, Injectable, InjectionToken } from '@angular/core';
import type { SystemHealthDto } from '@slipway/contracts';
import { catchError, map, Observable, of, throwError, timeout, TimeoutError } from 'rxjs';

import { ApiError } from './api-error';
import { isSystemHealthDto } from './system-health.validation';

/** Where the gateway's API lives. Same origin by default: the gateway serves both the portal and the API. */
export const API_BASE_URL = new InjectionToken<string>('API_BASE_URL', { factory: () => '/api/v1' });

/** How long a call may take before the portal gives up on it. */
export const API_TIMEOUT_MS = 10_000;

/**
 * The portal's only way to talk to the gateway. Every method returns contract DTOs and fails with an
 * {@link ApiError} whose message can be shown as is.
 */
@Injectable({ providedIn: 'root' })
export class ApiClient {
  private readonly http = inject(HttpClient);
  private readonly baseUrl = inject(API_BASE_URL);

  /** `GET /system/health`: the last known state of every service, built from their heartbeats. */
  getSystemHealth(): Observable<SystemHealthDto> {
    return this.http.get<unknown>(`${this.baseUrl}/system/health`).pipe(
      timeout(API_TIMEOUT_MS),
      catchError((error: unknown) => {
        // Health endpoints commonly answer 503 while something is down, with the same report as body.
        if (error instanceof HttpErrorResponse && error.status === 503 && isSystemHealthDto(error.error)) {
          return of(error.error);
        }
        return throwError(() => toApiError(error));
      }),
      map((body) => {
        if (!isSystemHealthDto(body)) {
          throw ApiError.invalidResponse();
        }
        return body;
      }),
    );
  }
}

function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) {
    return error;
  }
  if (error instanceof TimeoutError) {
    return ApiError.timeout(API_TIMEOUT_MS);
  }
  if (error instanceof HttpErrorResponse) {
    if (error.status === 0) {
      return ApiError.network();
    }
    // A 2xx that failed to parse (e.g. an HTML page where JSON was expected).
    if (error.ok || (error.status >= 200 && error.status < 300)) {
      return ApiError.invalidResponse();
    }
    return ApiError.http(error.status, error.error);
  }
  return new ApiError('network', 'The request could not be sent.');
}

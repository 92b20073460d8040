import { HttpClient, HttpErrorResponse, HttpParams } from '@angular/common/http';
import { inject, Injectable, InjectionToken } from '@angular/core';
import type {
  AppDto,
  CreateAppRequest,
  AppHooksDto,
  AppListDto,
  AppMetricsDto,
  AppPowerAction,
  AppRuntimeStatusDto,
  AppSettingsInput,
  DeploymentDto,
  DeploymentListDto,
  DeploymentStatusDto,
  EnvApplyMode,
  EnvVarListDto,
  LifecycleAcceptedDto,
  LogPageDto,
  MessagingHealthDto,
  NotificationWebhookDto,
  NotificationWebhookListDto,
  ReleaseListDto,
  ResourceWindow,
  SystemHealthDto,
  SystemResourcesDto,
} from '@slipway/contracts';
import { catchError, map, Observable, of, throwError, timeout, TimeoutError } from 'rxjs';

import { ApiError } from './api-error';
import type {
  ApiTokenDto,
  AuditEventDto,
  CreateApiTokenBody,
  CreatedApiTokenDto,
  ListDto,
  UserListDto,
} from './api-types';
import { isSystemHealthDto } from './system-health.validation';

/** Where the gateway's API lives. Same origin by default: the gateway serves both the portal and the API. */
export const API_BASE_URL = new InjectionToken<string>('API_BASE_URL', { factory: () => '/api/v1' });

/** How long a call may take before the portal gives up on it. */
export const API_TIMEOUT_MS = 10_000;

type QueryValue = string | number | boolean | undefined | null;
export type Query = Record<string, QueryValue>;

/** Filters of `GET /apps/:id/logs`. */
export interface LogsQuery extends Query {
  deploymentId?: string;
  source?: 'build' | 'runtime' | 'system';
  level?: 'error' | 'warn' | 'info' | 'debug';
  text?: string;
  from?: string;
  to?: string;
  order?: 'asc' | 'desc';
  limit?: number;
  cursor?: string;
}

/** `GET /admin/audit` filters. */
export interface AuditQuery extends Query {
  /** Exact action, or a prefix ending in "." for a family ("auth."). */
  action?: string;
  actorId?: string;
  appId?: string;
  outcome?: 'success' | 'failure';
  since?: string;
  until?: string;
  cursor?: string;
  limit?: number;
}

/** `POST /apps`: the contract's create request without the actor (the gateway adds who is asking). */
export type CreateAppBody = Omit<CreateAppRequest, 'actor'>;

interface SourceChanges {
  repoUrl?: string;
  branch?: string;
  image?: string;
}

/** `POST /uploads` (services/gateway/src/uploads). */
export interface ArchiveUploadDto {
  /** Name to pass as the app's archive source when deploying. */
  archiveObject: string;
  sizeBytes: number;
  format: string;
}

/**
 * The portal's only way to talk to the gateway. Every method returns contract DTOs and fails with an
 * {@link ApiError} whose message can be shown as is. The access token is attached (and refreshed once on
 * a 401) by `authInterceptor`, so methods here never deal with it.
 */
@Injectable({ providedIn: 'root' })
export class ApiClient {
  private readonly http = inject(HttpClient);
  readonly baseUrl = inject(API_BASE_URL);

  // ── platform ──────────────────────────────────────────────────────────────────────────────────

  /** `GET /system/health`: the last known state of every service, built from their heartbeats. */
  getSystemHealth(): Observable<SystemHealthDto> {
    return this.http.get<unknown>(this.url('/system/health')).pipe(
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

  // ── apps ──────────────────────────────────────────────────────────────────────────────────

  listApps(query: Query = {}): Observable<AppListDto> {
    return this.get<AppListDto>('/apps', query);
  }

  getApp(id: string): Observable<AppDto> {
    return this.get<AppDto>(appPath(id));
  }

  createApp(body: CreateAppBody): Observable<AppDto> {
    return this.post<AppDto>('/apps', body);
  }

  updateApp(id: string, changes: AppSettingsInput & SourceChanges): Observable<AppDto> {
    return this.patch<AppDto>(appPath(id), changes);
  }

  deleteApp(id: string): Observable<void> {
    return this.delete(appPath(id));
  }

  power(id: string, action: AppPowerAction): Observable<LifecycleAcceptedDto> {
    return this.post<LifecycleAcceptedDto>(`${appPath(id)}/${action}`, {});
  }

  scale(id: string, replicas: number): Observable<LifecycleAcceptedDto> {
    return this.post<LifecycleAcceptedDto>(`${appPath(id)}/scale`, { replicas });
  }

  setDomains(id: string, domains: string[]): Observable<AppDto> {
    return this.put<AppDto>(`${appPath(id)}/domains`, { domains });
  }

  getHooks(id: string): Observable<AppHooksDto & { deployHookPath?: string; githubWebhookPath?: string }> {
    return this.get(`${appPath(id)}/hooks`);
  }

  /** The latest deployment's state, stage, timings, URL and last log lines; null if never deployed. */
  getAppStatus(id: string): Observable<DeploymentStatusDto | null> {
    return this.get<DeploymentStatusDto | null>(`${appPath(id)}/status`);
  }

  /** The runtime's view of the app (instances and their health): `GET /apps/:id/runtime`. */
  getRuntimeStatus(id: string): Observable<AppRuntimeStatusDto> {
    return this.get<unknown>(`${appPath(id)}/runtime`).pipe(
      map((body) => {
        if (!isRecord(body) || !Array.isArray(body['instances'])) {
          throw ApiError.invalidResponse();
        }
        return body as unknown as AppRuntimeStatusDto;
      }),
    );
  }

  /** CPU and memory samples per instance: `GET /apps/:id/metrics`. */
  getMetrics(id: string, since?: string): Observable<AppMetricsDto> {
    return this.get<unknown>(`${appPath(id)}/metrics`, { since }).pipe(
      map((body) => {
        if (!isRecord(body) || !Array.isArray(body['samples'])) {
          throw ApiError.invalidResponse();
        }
        return body as unknown as AppMetricsDto;
      }),
    );
  }

  // ── notifications ─────────────────────────────────────────────────────────────────────────────

  listNotificationWebhooks(id: string): Observable<NotificationWebhookListDto> {
    return this.get<NotificationWebhookListDto>(`${appPath(id)}/notifications`);
  }

  /** The answer carries the signing secret, once. */
  addNotificationWebhook(id: string, url: string): Observable<NotificationWebhookDto> {
    return this.post<NotificationWebhookDto>(`${appPath(id)}/notifications`, { url });
  }

  deleteNotificationWebhook(id: string, webhookId: string): Observable<void> {
    return this.delete(`${appPath(id)}/notifications/${encodeURIComponent(webhookId)}`);
  }

  // ── env vars ──────────────────────────────────────────────────────────────────────────────────

  /** Names with masked values. */
  listEnvVars(id: string): Observable<EnvVarListDto> {
    return this.get<EnvVarListDto>(`${appPath(id)}/env`);
  }

  /** The values of these variables (all when `names` is omitted); recorded in the audit log. */
  revealEnvVars(id: string, names?: string[]): Observable<EnvVarListDto> {
    return this.get<EnvVarListDto>(`${appPath(id)}/env/reveal`, { names: names?.join(',') });
  }

  setEnvVars(
    id: string,
    vars: Array<{ name: string; value: string }>,
    apply: EnvApplyMode,
  ): Observable<EnvVarListDto> {
    return this.put<EnvVarListDto>(`${appPath(id)}/env`, { vars, apply });
  }

  importEnvVars(id: string, dotenv: string, apply: EnvApplyMode): Observable<EnvVarListDto> {
    return this.post<EnvVarListDto>(`${appPath(id)}/env/import`, { dotenv, apply });
  }

  deleteEnvVar(id: string, name: string, apply: EnvApplyMode): Observable<EnvVarListDto> {
    return this.delete<EnvVarListDto>(`${appPath(id)}/env/${encodeURIComponent(name)}?apply=${apply}`);
  }

  // ── deployments ───────────────────────────────────────────────────────────────────────────────

  deploy(
    id: string,
    body: { ref?: string; image?: string; message?: string; archiveObject?: string } = {},
  ): Observable<DeploymentDto> {
    return this.post<DeploymentDto>(`${appPath(id)}/deployments`, body);
  }

  redeploy(id: string): Observable<DeploymentDto> {
    return this.post<DeploymentDto>(`${appPath(id)}/redeploy`, {});
  }

  rollback(id: string, releaseId: string): Observable<DeploymentDto> {
    return this.post<DeploymentDto>(`${appPath(id)}/rollback`, { releaseId });
  }

  listDeployments(id: string, query: Query = {}): Observable<DeploymentListDto> {
    return this.get<DeploymentListDto>(`${appPath(id)}/deployments`, query);
  }

  listReleases(id: string, query: Query = {}): Observable<ReleaseListDto> {
    return this.get<ReleaseListDto>(`${appPath(id)}/releases`, query);
  }

  getDeployment(deploymentId: string): Observable<DeploymentDto> {
    return this.get<DeploymentDto>(`/deployments/${encodeURIComponent(deploymentId)}`);
  }

  getDeploymentStatus(deploymentId: string): Observable<DeploymentStatusDto> {
    return this.get<DeploymentStatusDto>(`/deployments/${encodeURIComponent(deploymentId)}/status`);
  }

  cancelDeployment(deploymentId: string): Observable<DeploymentDto> {
    return this.post<DeploymentDto>(`/deployments/${encodeURIComponent(deploymentId)}/cancel`, {});
  }

  // ── logs and uploads ──────────────────────────────────────────────────────────────────────────

  getLogs(appId: string, query: LogsQuery): Observable<LogPageDto> {
    return this.get<LogPageDto>(`${appPath(appId)}/logs`, query);
  }

  /** The path of the plain-text download of an app's logs (fetch it with `download`). */
  logsDownloadPath(appId: string, query: LogsQuery): string {
    return `${appPath(appId)}/logs?${toParams({ ...query, format: 'text' }).toString()}`;
  }

  uploadArchive(file: Blob): Observable<ArchiveUploadDto> {
    return this.upload<ArchiveUploadDto>('/uploads', file);
  }

  /** `GET /admin/messaging` (administrators): JetStream streams, consumers, parked messages, build queue. */
  getMessagingHealth(): Observable<MessagingHealthDto> {
    return this.get<MessagingHealthDto>('/admin/messaging');
  }

  /** `GET /admin/resources` (administrators): every app's containers, CPU and memory, per time bucket. */
  getSystemResources(window: ResourceWindow): Observable<SystemResourcesDto> {
    return this.get<SystemResourcesDto>('/admin/resources', { window });
  }

  // ── tokens and admin ──────────────────────────────────────────────────────────────────────────

  listApiTokens(): Observable<ListDto<ApiTokenDto>> {
    return this.get<ListDto<ApiTokenDto> | ApiTokenDto[]>('/auth/tokens').pipe(map(asList));
  }

  createApiToken(body: CreateApiTokenBody): Observable<CreatedApiTokenDto> {
    return this.post<CreatedApiTokenDto>('/auth/tokens', body);
  }

  revokeApiToken(id: string): Observable<void> {
    return this.delete(`/auth/tokens/${encodeURIComponent(id)}`);
  }

  listUsers(query: Query = {}): Observable<UserListDto> {
    return this.get<UserListDto>('/admin/users', query);
  }

  setUserDisabled(id: string, disabled: boolean): Observable<unknown> {
    return this.post(`/admin/users/${encodeURIComponent(id)}/${disabled ? 'disable' : 'enable'}`, {});
  }

  listAudit(query: AuditQuery): Observable<ListDto<AuditEventDto>> {
    return this.get<ListDto<AuditEventDto> | AuditEventDto[]>('/admin/audit', query).pipe(map(asList));
  }

  // ── plumbing ──────────────────────────────────────────────────────────────────────────────────

  get<T>(path: string, query?: Query): Observable<T> {
    return this.http
      .get<T>(this.url(path), { params: toParams(query) })
      .pipe(timeout(API_TIMEOUT_MS), catchError(rethrowAsApiError));
  }

  post<T>(path: string, body: unknown): Observable<T> {
    return this.http
      .post<T>(this.url(path), body)
      .pipe(timeout(API_TIMEOUT_MS), catchError(rethrowAsApiError));
  }

  patch<T>(path: string, body: unknown): Observable<T> {
    return this.http
      .patch<T>(this.url(path), body)
      .pipe(timeout(API_TIMEOUT_MS), catchError(rethrowAsApiError));
  }

  put<T>(path: string, body: unknown): Observable<T> {
    return this.http
      .put<T>(this.url(path), body)
      .pipe(timeout(API_TIMEOUT_MS), catchError(rethrowAsApiError));
  }

  delete<T = void>(path: string): Observable<T> {
    return this.http.delete<T>(this.url(path)).pipe(timeout(API_TIMEOUT_MS), catchError(rethrowAsApiError));
  }

  /** A raw body (archive upload): no JSON encoding, a longer time limit. */
  upload<T>(path: string, file: Blob): Observable<T> {
    return this.http
      .post<T>(this.url(path), file, {
        headers: { 'Content-Type': file.type || 'application/octet-stream' },
      })
      .pipe(timeout(10 * 60_000), catchError(rethrowAsApiError));
  }

  /** A text download (logs) as a Blob, authenticated like every other call. */
  download(path: string): Observable<Blob> {
    return this.http
      .get(this.url(path), { responseType: 'blob' })
      .pipe(timeout(60_000), catchError(rethrowAsApiError));
  }

  url(path: string): string {
    return `${this.baseUrl}${path}`;
  }
}

function asList<T>(body: ListDto<T> | T[]): ListDto<T> {
  return Array.isArray(body) ? { items: body } : body;
}

function toParams(query: Query | undefined): HttpParams {
  let params = new HttpParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== '') {
      params = params.set(key, String(value));
    }
  }
  return params;
}

function rethrowAsApiError(error: unknown): Observable<never> {
  return throwError(() => toApiError(error));
}

export function toApiError(error: unknown): ApiError {
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

function appPath(id: string): string {
  return `/apps/${encodeURIComponent(id)}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

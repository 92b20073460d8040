import { computed, DestroyRef, inject, Injectable, signal } from '@angular/core';
import { MatSnackBar } from '@angular/material/snack-bar';
import { Router } from '@angular/router';
import type {
  AppDto,
  AppPowerAction,
  AppRuntimeStatusDto,
  DeploymentDto,
  ReleaseDto,
} from '@slipway/contracts';
import { catchError, EMPTY, map, Observable, of, Subscription, switchMap, tap, timer } from 'rxjs';

import { ApiClient } from '../../core/api/api-client.service';
import { ApiError } from '../../core/api/api-error';
import { appState, isInProgress } from '../../shared/apps/app-state';

/** How often the app's page refreshes its state while open (faster while a deployment runs). */
const REFRESH_MS = 10_000;
const BUSY_REFRESH_MS = 2_000;

export type AppAction = 'deploy' | 'redeploy' | AppPowerAction | 'scale' | 'rollback' | 'delete';

/**
 * Everything the app's pages share: the app, its runtime status, its recent deployments and releases,
 * and the actions on it. Provided by the app's shell, so its polling stops when the user leaves the app.
 */
@Injectable()
export class AppContextStore {
  private readonly api = inject(ApiClient);
  private readonly router = inject(Router);
  private readonly snackBar = inject(MatSnackBar);

  readonly appId = signal<string>('');
  readonly app = signal<AppDto | null>(null);
  readonly runtime = signal<AppRuntimeStatusDto | null>(null);
  readonly deployments = signal<DeploymentDto[] | null>(null);
  readonly releases = signal<ReleaseDto[] | null>(null);
  readonly loadError = signal<ApiError | null>(null);
  /** The action in flight, to disable its button and show progress. */
  readonly pending = signal<AppAction | null>(null);

  readonly latestDeployment = computed(() => this.deployments()?.[0] ?? null);
  readonly deploying = computed(() => {
    const latest = this.latestDeployment();
    return latest !== null && isInProgress(latest.state);
  });
  readonly state = computed(() => {
    const app = this.app();
    return app ? appState(app, this.latestDeployment(), this.runtime()) : null;
  });
  readonly currentDeployment = computed(() => {
    const id = this.app()?.currentDeploymentId;
    return (id && this.deployments()?.find((deployment) => deployment.id === id)) || null;
  });
  /** The release before the live one: what "roll back" goes to. */
  readonly previousRelease = computed(() => {
    const releases = this.releases() ?? [];
    const liveIndex = releases.findIndex((release) => release.state === 'live');
    return releases.slice(liveIndex + 1).find((release) => release.state === 'retired') ?? null;
  });

  private polling: Subscription | null = null;

  constructor() {
    inject(DestroyRef).onDestroy(() => this.polling?.unsubscribe());
  }

  /** Starts (or restarts, for another app) loading and polling. */
  open(appId: string): void {
    if (appId === this.appId() && this.polling) {
      return;
    }
    this.appId.set(appId);
    this.app.set(null);
    this.runtime.set(null);
    this.deployments.set(null);
    this.releases.set(null);
    this.loadError.set(null);
    this.polling?.unsubscribe();
    this.polling = this.schedule().subscribe();
  }

  refresh(): void {
    this.polling?.unsubscribe();
    this.polling = this.schedule().subscribe();
  }

  private schedule(): Observable<unknown> {
    return this.load().pipe(
      switchMap(() => timer(this.deploying() ? BUSY_REFRESH_MS : REFRESH_MS)),
      switchMap(() => this.schedule()),
    );
  }

  private load(): Observable<void> {
    const id = this.appId();
    return this.api.getApp(id).pipe(
      tap((app) => {
        this.app.set(app);
        this.loadError.set(null);
      }),
      switchMap(() =>
        this.api.listDeployments(id, { limit: 20 }).pipe(
          map((page) => page.items),
          catchError(() => of(null)),
        ),
      ),
      tap((deployments) => deployments && this.deployments.set(deployments)),
      switchMap(() => this.api.getRuntimeStatus(id).pipe(catchError(() => of(null)))),
      tap((runtime) => runtime && this.runtime.set(runtime)),
      switchMap(() =>
        this.api.listReleases(id, { limit: 20 }).pipe(
          map((page) => page.items),
          catchError(() => of(null)),
        ),
      ),
      tap((releases) => releases && this.releases.set(releases)),
      map(() => undefined),
      catchError((error: unknown) => {
        this.loadError.set(error instanceof ApiError ? error : ApiError.network());
        return of(undefined);
      }),
    );
  }

  // ── actions ─────────────────────────────────────────────────────────────────────────────────

  deploy(): void {
    this.run('deploy', this.api.deploy(this.appId()), 'Deployment started', (deployment) =>
      this.openDeployment(deployment),
    );
  }

  redeploy(): void {
    this.run('redeploy', this.api.redeploy(this.appId()), 'Redeploy started', (deployment) =>
      this.openDeployment(deployment),
    );
  }

  power(action: AppPowerAction): void {
    const done = { stop: 'Stopping the app', start: 'Starting the app', restart: 'Restarting the app' }[
      action
    ];
    this.run(action, this.api.power(this.appId(), action), done);
  }

  scale(replicas: number): void {
    this.run(
      'scale',
      this.api.scale(this.appId(), replicas),
      `Scaling to ${replicas} instance${replicas === 1 ? '' : 's'}`,
    );
  }

  rollback(releaseId: string): void {
    this.run('rollback', this.api.rollback(this.appId(), releaseId), 'Rolling back', (deployment) =>
      this.openDeployment(deployment),
    );
  }

  delete(): void {
    const name = this.app()?.name ?? 'the app';
    this.run('delete', this.api.deleteApp(this.appId()), `${name} deleted`, () => {
      this.polling?.unsubscribe();
      void this.router.navigate(['/']);
    });
  }

  private openDeployment(deployment: DeploymentDto): void {
    void this.router.navigate(['/apps', this.appId(), 'deployments', deployment.id]);
  }

  private run<T>(action: AppAction, request: Observable<T>, done: string, then?: (answer: T) => void): void {
    if (this.pending()) {
      return;
    }
    this.pending.set(action);
    request
      .pipe(
        tap((answer) => {
          this.pending.set(null);
          this.snackBar.open(done, undefined, { duration: 4000 });
          then?.(answer);
          if (action !== 'delete') {
            this.refresh();
          }
        }),
        catchError((error: unknown) => {
          this.pending.set(null);
          const message = error instanceof ApiError ? (error.detail ?? error.message) : 'The action failed';
          this.snackBar.open(message, 'Close', { politeness: 'assertive' });
          return EMPTY;
        }),
      )
      .subscribe();
  }
}

import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { RouterLink } from '@angular/router';
import type { DeploymentDto } from '@slipway/contracts';

import { ApiClient } from '../../../core/api/api-client.service';
import { deploymentDurationMs, deploymentState, triggerLabel } from '../../../shared/apps/app-state';
import { formatDuration } from '../../../shared/format/duration';
import { EmptyStateComponent } from '../../../shared/state/empty-state.component';
import { LoadingStateComponent } from '../../../shared/state/loading-state.component';
import { StateBadgeComponent } from '../../../shared/state-badge/state-badge.component';
import { AppContextStore } from '../app-context.store';

/** Every deployment of the app, newest first: trigger, commit, duration, result. */
@Component({
  selector: 'sw-deployments-page',
  imports: [
    DatePipe,
    EmptyStateComponent,
    LoadingStateComponent,
    MatButtonModule,
    RouterLink,
    StateBadgeComponent,
  ],
  template: `
    @let recent = store.deployments();
    @if (recent === null) {
      <sw-loading-state label="Loading deployments…" />
    } @else if (recent.length === 0) {
      <sw-empty-state
        title="No deployments yet"
        detail="Deploy the app to build and run it."
        testId="deployments-empty"
      >
        <button mat-flat-button type="button" (click)="store.deploy()">Deploy now</button>
      </sw-empty-state>
    } @else {
      <div class="sw-card sw-table-scroll">
        <table class="sw-table" data-testid="deployments-table">
          <caption class="sw-visually-hidden">
            Deployments, newest first
          </caption>
          <thead>
            <tr>
              <th scope="col">Deployment</th>
              <th scope="col">Result</th>
              <th scope="col">Trigger</th>
              <th scope="col">Commit</th>
              <th scope="col">Duration</th>
              <th scope="col">Started</th>
            </tr>
          </thead>
          <tbody>
            @for (deployment of all(); track deployment.id) {
              <tr [attr.data-testid]="'deployment-row-' + deployment.id">
                <th scope="row">
                  <a class="sw-mono" [routerLink]="[deployment.id]">{{ deployment.id.slice(0, 12) }}</a>
                  @if (deployment.id === store.app()?.currentDeploymentId) {
                    <span class="current">live</span>
                  }
                </th>
                <td>
                  <sw-state-badge [tone]="badge(deployment).tone" [label]="badge(deployment).label" />
                  @if (deployment.reason && deployment.state === 'failed') {
                    <div class="reason" [title]="deployment.reason">{{ deployment.reason }}</div>
                  }
                </td>
                <td>{{ triggerLabel(deployment.trigger) }}</td>
                <td class="commit">
                  @if (deployment.commitSha) {
                    <span class="sw-mono">{{ deployment.commitSha.slice(0, 7) }}</span>
                    <span class="sw-muted"> {{ deployment.commitMessage }}</span>
                  } @else {
                    <span class="sw-muted">{{
                      deployment.source.image ?? deployment.source.ref ?? '—'
                    }}</span>
                  }
                </td>
                <td>{{ duration(deployment) }}</td>
                <td class="nowrap">{{ deployment.createdAt | date: 'short' }}</td>
              </tr>
            }
          </tbody>
        </table>
      </div>
      @if (cursor()) {
        <div class="more">
          <button mat-stroked-button type="button" [disabled]="loadingOlder()" (click)="loadOlder()">
            Load older deployments
          </button>
        </div>
      }
    }
  `,
  styles: `
    .current {
      margin-left: 8px;
      padding: 1px 8px;
      border-radius: var(--mat-sys-corner-full);
      background: var(--mat-sys-primary-container);
      color: var(--mat-sys-on-primary-container);
      font: var(--mat-sys-label-small);
    }
    .reason {
      max-width: 320px;
      margin-top: 4px;
      overflow: hidden;
      color: var(--mat-sys-error);
      font: var(--mat-sys-body-small);
      text-overflow: ellipsis;
      white-space: nowrap;
    }
    .commit {
      max-width: 320px;
      overflow-wrap: anywhere;
    }
    .nowrap {
      white-space: nowrap;
    }
    .more {
      display: flex;
      justify-content: center;
      margin-top: 16px;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class DeploymentsPageComponent {
  protected readonly store = inject(AppContextStore);
  private readonly api = inject(ApiClient);

  private readonly older = signal<DeploymentDto[]>([]);
  protected readonly cursor = signal<string | null>(null);
  protected readonly loadingOlder = signal(false);
  private olderRequested = false;
  protected readonly all = computed(() => {
    const recent = this.store.deployments() ?? [];
    const ids = new Set(recent.map((deployment) => deployment.id));
    return recent.concat(this.older().filter((deployment) => !ids.has(deployment.id)));
  });
  protected readonly triggerLabel = triggerLabel;

  constructor() {
    // The shared list holds the newest 20; offer older ones when there may be more.
    this.api.listDeployments(this.store.appId(), { limit: 20 }).subscribe({
      next: (page) => this.cursor.set(page.nextCursor),
      error: () => this.cursor.set(null),
    });
  }

  protected loadOlder(): void {
    const cursor = this.cursor();
    if (!cursor || this.olderRequested) return;
    this.olderRequested = true;
    this.loadingOlder.set(true);
    this.api.listDeployments(this.store.appId(), { limit: 50, cursor }).subscribe({
      next: (page) => {
        this.older.update((items) => items.concat(page.items));
        this.cursor.set(page.nextCursor);
        this.loadingOlder.set(false);
        this.olderRequested = false;
      },
      error: () => {
        this.loadingOlder.set(false);
        this.olderRequested = false;
      },
    });
  }

  protected badge(deployment: DeploymentDto) {
    return deploymentState(deployment.state);
  }

  protected duration(deployment: DeploymentDto): string {
    return formatDuration(deploymentDurationMs(deployment, Date.now()) / 1000);
  }
}

import { ClipboardModule } from '@angular/cdk/clipboard';
import {
  ChangeDetectionStrategy,
  Component,
  computed,
  effect,
  inject,
  signal,
  untracked,
} from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatButtonToggleModule } from '@angular/material/button-toggle';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSlideToggleModule } from '@angular/material/slide-toggle';
import { MatSnackBar } from '@angular/material/snack-bar';
import { Router } from '@angular/router';
import {
  DOMAIN_PATTERN,
  DOMAIN_RULE,
  type AppDto,
  type AppHooksDto,
  type EnvApplyMode,
} from '@slipway/contracts';
import { catchError, concat, defer, EMPTY, last } from 'rxjs';

import { ApiClient } from '../../../core/api/api-client.service';
import { ApiError } from '../../../core/api/api-error';
import { FieldErrorDirective } from '../../../shared/forms/field-error.directive';
import { IconComponent } from '../../../shared/icon/icon.component';
import { parseDotenv } from '../../create-app/wizard-model';
import { AppContextStore } from '../app-context.store';
import { EnvEditorRow, envChanges, envRowErrors } from './env-editor';
import { NotificationWebhooksComponent } from './notification-webhooks.component';

/** `GET /apps/:id/hooks`: the contract's secrets plus the paths the gateway serves them on. */
type AppHooksView = AppHooksDto & { deployHookPath?: string; githubWebhookPath?: string };

interface BuildForm {
  repoUrl: string;
  branch: string;
  image: string;
  rootDirectory: string;
  installCommand: string;
  buildCommand: string;
  startCommand: string;
  port: string;
  healthPath: string;
  healthDeadlineSeconds: string;
}

/** Env vars, domains, build and health settings, auto-deploy and the webhook secrets of one app. */
@Component({
  selector: 'sw-app-settings',
  imports: [
    ClipboardModule,
    FieldErrorDirective,
    FormsModule,
    IconComponent,
    MatButtonModule,
    MatButtonToggleModule,
    MatFormFieldModule,
    MatInputModule,
    MatSlideToggleModule,
    NotificationWebhooksComponent,
  ],
  templateUrl: './app-settings.component.html',
  styleUrl: './app-settings.component.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AppSettingsComponent {
  private readonly api = inject(ApiClient);
  private readonly snackBar = inject(MatSnackBar);
  private readonly router = inject(Router);
  protected readonly store = inject(AppContextStore);

  // ── env vars ──
  protected readonly envRows = signal<EnvEditorRow[] | null>(null);
  protected readonly envError = signal<string | null>(null);
  protected readonly envApply = signal<EnvApplyMode>('now');
  /** The running release has other values than these (a change waits for the next deploy). */
  protected readonly envPending = signal(false);
  protected readonly envSaving = signal(false);
  protected readonly envRowErrors = computed(() => envRowErrors(this.envRows() ?? []));
  protected readonly envHasErrors = computed(() => Object.keys(this.envRowErrors()).length > 0);
  protected readonly envDirty = computed(() => {
    const changes = envChanges(this.envRows() ?? []);
    return changes.set.length + changes.delete.length > 0;
  });
  protected readonly dotenvOpen = signal(false);
  protected readonly dotenvText = signal('');

  // ── domains ──
  protected readonly domains = signal<string[]>([]);
  protected readonly newDomain = signal('');
  protected readonly domainError = computed(() => {
    const domain = this.newDomain().trim().toLowerCase();
    if (!domain) return null;
    if (!DOMAIN_PATTERN.test(domain)) return DOMAIN_RULE.charAt(0).toUpperCase() + DOMAIN_RULE.slice(1) + '.';
    return this.domains().includes(domain) ? `${domain} is already in the list.` : null;
  });

  // ── build and health ──
  protected readonly build = signal<BuildForm | null>(null);
  protected readonly buildErrors = signal<Record<string, string>>({});
  protected readonly savingBuild = signal(false);

  // ── hooks ──
  protected readonly hooks = signal<AppHooksView | null>(null);
  protected readonly hooksError = signal<string | null>(null);
  protected readonly revealHookSecret = signal(false);
  protected readonly origin = location.origin;

  constructor() {
    // Fill the forms from the app once it is known (and again if another app is opened).
    effect(() => {
      const app = this.store.app();
      const appId = this.store.appId();
      if (!app || app.id !== appId) return;
      untracked(() => {
        if (this.build() === null) {
          this.resetForms(app);
          this.loadEnv();
          this.loadHooks();
        }
      });
    });
  }

  private resetForms(app: AppDto): void {
    this.domains.set([...app.domains]);
    this.build.set({
      repoUrl: app.repoUrl ?? '',
      branch: app.branch ?? '',
      image: app.image ?? '',
      rootDirectory: app.rootDirectory ?? '',
      installCommand: app.installCommand ?? '',
      buildCommand: app.buildCommand ?? '',
      startCommand: app.startCommand ?? '',
      port: app.port === null ? '' : String(app.port),
      healthPath: app.healthCheck.path ?? '/',
      healthDeadlineSeconds: String(Math.round(app.healthCheck.deadlineMs / 1000)),
    });
  }

  // ── env vars ─────────────────────────────────────────────────────────────────────────────────

  protected loadEnv(): void {
    this.envError.set(null);
    this.api.listEnvVars(this.store.appId()).subscribe({
      next: (list) => {
        this.envPending.set(list.pendingUntilNextDeploy);
        this.envRows.set(
          list.items.map((item) => ({
            name: item.name,
            storedValue: item.value ?? '',
            revealed: false,
            editedValue: null,
            isNew: false,
            deleted: false,
          })),
        );
      },
      error: (error: unknown) => {
        this.envRows.set([]);
        this.envError.set(error instanceof ApiError ? error.message : 'The variables could not be loaded.');
      },
    });
  }

  protected reveal(index: number): void {
    const row = this.envRows()?.[index];
    if (!row) return;
    if (row.revealed) {
      this.updateRow(index, { revealed: false });
      return;
    }
    this.api.revealEnvVars(this.store.appId(), [row.name]).subscribe({
      next: (list) => {
        const value = list.items.find((item) => item.name === row.name)?.value ?? '';
        this.updateRow(index, { revealed: true, storedValue: value });
      },
      error: (error: unknown) =>
        this.snackBar.open(
          error instanceof ApiError ? (error.detail ?? error.message) : 'Could not reveal',
          'Close',
        ),
    });
  }

  protected updateRow(index: number, changes: Partial<EnvEditorRow>): void {
    this.envRows.update((rows) =>
      (rows ?? []).map((row, position) => (position === index ? { ...row, ...changes } : row)),
    );
  }

  protected addRow(): void {
    this.envRows.update((rows) => [
      ...(rows ?? []),
      { name: '', storedValue: '', revealed: true, editedValue: '', isNew: true, deleted: false },
    ]);
  }

  protected importDotenv(): void {
    const { vars, problems } = parseDotenv(this.dotenvText());
    this.envRows.update((rows) => {
      const next = [...(rows ?? [])];
      for (const variable of vars) {
        const index = next.findIndex((row) => row.name === variable.name);
        if (index >= 0) {
          next[index] = { ...(next[index] as EnvEditorRow), editedValue: variable.value, deleted: false };
        } else {
          next.push({
            name: variable.name,
            storedValue: '',
            revealed: true,
            editedValue: variable.value,
            isNew: true,
            deleted: false,
          });
        }
      }
      return next;
    });
    if (problems.length > 0) {
      this.snackBar.open(problems.join(' '), 'Close');
    } else {
      this.dotenvText.set('');
      this.dotenvOpen.set(false);
    }
  }

  protected saveEnv(): void {
    if (Object.keys(this.envRowErrors()).length > 0) return;
    const changes = envChanges(this.envRows() ?? []);
    const apply = this.envApply();
    const appId = this.store.appId();
    this.envSaving.set(true);
    concat(
      changes.set.length > 0 ? defer(() => this.api.setEnvVars(appId, changes.set, apply)) : EMPTY,
      ...changes.delete.map((name) => defer(() => this.api.deleteEnvVar(appId, name, apply))),
    )
      .pipe(last())
      .subscribe({
        next: (list) => {
          this.envSaving.set(false);
          const deploymentId = list.applyDeploymentId;
          const snack = this.snackBar.open(
            apply === 'next-deploy'
              ? 'Saved for the next deployment.'
              : deploymentId
                ? 'Saved. A release with the new values is rolling out.'
                : 'Saved. The values apply when the app first runs.',
            deploymentId ? 'Watch it' : undefined,
            { duration: 6000 },
          );
          if (deploymentId) {
            snack
              .onAction()
              .subscribe(() => void this.router.navigate(['/apps', appId, 'deployments', deploymentId]));
          }
          this.loadEnv();
          this.store.refresh();
        },
        error: (error: unknown) => {
          this.envSaving.set(false);
          this.envError.set(error instanceof ApiError ? (error.detail ?? error.message) : 'Saving failed.');
        },
      });
  }

  // ── domains ──────────────────────────────────────────────────────────────────────────────────

  protected addDomain(): void {
    const domain = this.newDomain().trim().toLowerCase();
    if (!domain || this.domainError()) return;
    this.domains.update((domains) => [...domains, domain]);
    this.newDomain.set('');
  }

  protected removeDomain(domain: string): void {
    this.domains.update((domains) => domains.filter((existing) => existing !== domain));
  }

  protected saveDomains(): void {
    this.api.setDomains(this.store.appId(), this.domains()).subscribe({
      next: () => {
        this.snackBar.open('Domains saved', undefined, { duration: 4000 });
        this.store.refresh();
      },
      error: (error: unknown) =>
        this.snackBar.open(
          error instanceof ApiError ? (error.detail ?? error.message) : 'Saving failed',
          'Close',
        ),
    });
  }

  // ── build, health check, auto-deploy ──────────────────────────────────────────────────────────

  protected patchBuild(changes: Partial<BuildForm>): void {
    this.build.update((form) => (form ? { ...form, ...changes } : form));
    this.buildErrors.update((errors) =>
      Object.fromEntries(Object.entries(errors).filter(([field]) => !(field in changes))),
    );
  }

  protected saveBuild(): void {
    const form = this.build();
    const app = this.store.app();
    if (!form || !app) return;
    const errors: Record<string, string> = {};
    if (form.port && !(/^\d+$/.test(form.port) && +form.port >= 1 && +form.port <= 65_535)) {
      errors['port'] = 'The port is a whole number from 1 to 65535.';
    }
    if (!form.healthPath.startsWith('/')) {
      errors['healthPath'] = 'The health check path starts with /.';
    }
    const deadline = Number(form.healthDeadlineSeconds);
    if (!Number.isInteger(deadline) || deadline < 1 || deadline > 600) {
      errors['healthDeadlineSeconds'] = 'From 1 to 600 seconds.';
    }
    if (form.rootDirectory.startsWith('/') || form.rootDirectory.includes('..')) {
      errors['rootDirectory'] = 'A relative path inside the repository, e.g. apps/web.';
    }
    this.buildErrors.set(errors);
    if (Object.keys(errors).length > 0) return;

    this.savingBuild.set(true);
    const source =
      app.sourceKind === 'git'
        ? { repoUrl: form.repoUrl.trim(), branch: form.branch.trim() || undefined }
        : app.sourceKind === 'image'
          ? { image: form.image.trim() }
          : {};
    this.api
      .updateApp(app.id, {
        ...source,
        rootDirectory: form.rootDirectory.trim() || undefined,
        installCommand: form.installCommand.trim() || undefined,
        buildCommand: form.buildCommand.trim() || undefined,
        startCommand: form.startCommand.trim() || undefined,
        port: form.port ? Number(form.port) : undefined,
        healthCheck: { ...app.healthCheck, path: form.healthPath, deadlineMs: deadline * 1000 },
      })
      .subscribe({
        next: () => {
          this.savingBuild.set(false);
          this.snackBar.open('Settings saved. They apply from the next deployment.', undefined, {
            duration: 5000,
          });
          this.store.refresh();
        },
        error: (error: unknown) => {
          this.savingBuild.set(false);
          if (error instanceof ApiError) {
            const { byField, general } = error.forForm(Object.keys(form).concat(['healthCheck']));
            this.buildErrors.set({
              ...byField,
              ...(byField['healthCheck.path'] ? { healthPath: byField['healthCheck.path'] } : {}),
            });
            if (general.length > 0) this.snackBar.open(general.join(' '), 'Close');
          }
        },
      });
  }

  protected setAutoDeploy(autoDeploy: boolean): void {
    this.api.updateApp(this.store.appId(), { autoDeploy }).subscribe({
      next: () => {
        this.snackBar.open(autoDeploy ? 'Auto-deploy on' : 'Auto-deploy off', undefined, { duration: 3000 });
        this.store.refresh();
      },
      error: (error: unknown) =>
        this.snackBar.open(
          error instanceof ApiError ? (error.detail ?? error.message) : 'Saving failed',
          'Close',
        ),
    });
  }

  // ── hooks ────────────────────────────────────────────────────────────────────────────────────

  private loadHooks(): void {
    this.api
      .getHooks(this.store.appId())
      .pipe(
        catchError((error: unknown) => {
          this.hooksError.set(error instanceof ApiError ? error.message : 'Not available.');
          return EMPTY;
        }),
      )
      .subscribe((hooks) => this.hooks.set(hooks));
  }

  protected deployHookUrl(hooks: AppHooksView): string {
    return (
      this.origin + (hooks.deployHookPath ?? `/api/v1/hooks/deploy/${hooks.appId}/${hooks.deployHookToken}`)
    );
  }

  protected githubHookUrl(hooks: AppHooksView): string {
    return this.origin + (hooks.githubWebhookPath ?? `/api/v1/hooks/github/${hooks.appId}`);
  }

  protected copied(what: string): void {
    this.snackBar.open(`${what} copied`, undefined, { duration: 2500 });
  }
}

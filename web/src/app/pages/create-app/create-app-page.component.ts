import { ChangeDetectionStrategy, Component, computed, inject, signal, viewChild } from '@angular/core';
import { FormsModule, NgForm } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatButtonToggleModule } from '@angular/material/button-toggle';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressSpinnerModule } from '@angular/material/progress-spinner';
import { MatSelectModule } from '@angular/material/select';
import { MatSlideToggleModule } from '@angular/material/slide-toggle';
import { MatSnackBar } from '@angular/material/snack-bar';
import { Router, RouterLink } from '@angular/router';
import type { AppDto, AppSourceKind } from '@slipway/contracts';
import { catchError, concatMap, map, Observable, of, switchMap } from 'rxjs';

import { ApiClient } from '../../core/api/api-client.service';
import { ApiError } from '../../core/api/api-error';
import { FieldErrorDirective } from '../../shared/forms/field-error.directive';
import { IconComponent } from '../../shared/icon/icon.component';
import { resource } from '../../shared/resource';
import {
  DATABASES,
  effectiveRepoUrl,
  emptyDraft,
  envVarsOf,
  FieldErrors,
  FRAMEWORKS,
  guessFramework,
  mergeEnvRows,
  parseDotenv,
  PLANS,
  REGIONS,
  stepOfField,
  suggestName,
  suggestPort,
  toCreateBody,
  validateEnvironmentStep,
  validateSourceStep,
  WIZARD_FIELDS,
  WizardDraft,
} from './wizard-model';

type Step = 1 | 2;

/** Where the wizard is while it deploys, for the button and the live region. */
type Progress = 'uploading' | 'creating' | 'env' | 'deploying' | null;

const PROGRESS_TEXT: Record<Exclude<Progress, null>, string> = {
  uploading: 'Uploading the archive…',
  creating: 'Creating the app…',
  env: 'Saving environment variables…',
  deploying: 'Starting the first deployment…',
};

/** New app in two steps: source and details, then environment, summary and Deploy. */
@Component({
  selector: 'sw-create-app-page',
  imports: [
    FieldErrorDirective,
    FormsModule,
    IconComponent,
    MatButtonModule,
    MatButtonToggleModule,
    MatFormFieldModule,
    MatInputModule,
    MatProgressSpinnerModule,
    MatSelectModule,
    MatSlideToggleModule,
    RouterLink,
  ],
  templateUrl: './create-app-page.component.html',
  styleUrl: './create-app-page.component.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class CreateAppPageComponent {
  private readonly api = inject(ApiClient);
  private readonly router = inject(Router);
  private readonly snackBar = inject(MatSnackBar);

  protected readonly plans = PLANS;
  protected readonly regions = REGIONS;
  protected readonly frameworks = FRAMEWORKS;
  protected readonly databases = DATABASES;

  protected readonly step = signal<Step>(1);
  protected readonly draft = signal<WizardDraft>(emptyDraft());
  /** The user changed the name or framework by hand: stop suggesting. */
  private readonly nameEdited = signal(false);
  private readonly frameworkEdited = signal(false);
  private readonly archiveFile = signal<File | null>(null);
  /** Errors from the server, by wizard field; a field's error goes when the field changes. */
  private readonly serverErrors = signal<FieldErrors>({});
  protected readonly generalError = signal<string | null>(null);
  protected readonly progress = signal<Progress>(null);
  protected readonly dotenvOpen = signal(false);
  protected readonly dotenvText = signal('');
  protected readonly dotenvProblems = signal<string[]>([]);

  /** My apps, to say early that a name is taken (the server has the last word). */
  private readonly myApps = resource(() => this.api.listApps({ limit: 100 }));
  private readonly takenNames = computed(() => (this.myApps.value()?.items ?? []).map((app) => app.name));
  /** The platform's app domain, learnt from an existing app's URL, for the URL preview. */
  protected readonly urlPreview = computed(() => {
    const name = this.draft().name.trim() || 'your-app';
    const sample = (this.myApps.value()?.items ?? []).find((app) => app.url)?.url;
    if (sample) {
      try {
        const url = new URL(sample);
        const host = url.host.split('.').slice(1).join('.');
        return `${url.protocol}//${name}.${host}`;
      } catch {
        // fall through to the generic preview
      }
    }
    return `${name}.<your Slipway domain>`;
  });

  protected readonly errors = computed<FieldErrors>(() => ({
    ...validateSourceStep(this.draft(), this.takenNames()),
    ...validateEnvironmentStep(this.draft()),
    ...this.serverErrors(),
  }));
  protected readonly repoUrl = computed(() => effectiveRepoUrl(this.draft()));
  protected readonly frameworkLabel = computed(
    () => FRAMEWORKS.find((entry) => entry.id === this.draft().framework)?.label ?? this.draft().framework,
  );
  protected readonly progressText = computed(() => {
    const progress = this.progress();
    return progress ? PROGRESS_TEXT[progress] : '';
  });

  private readonly form = viewChild<NgForm>('wizardForm');

  protected patch(changes: Partial<WizardDraft>): void {
    this.draft.update((draft) => {
      const next = { ...draft, ...changes };
      if (!this.nameEdited() && !('name' in changes)) {
        next.name = suggestName(next) || draft.name;
      }
      if (!this.frameworkEdited() && !('framework' in changes)) {
        next.framework = guessFramework(next);
      }
      return next;
    });
    this.clearServerErrors(Object.keys(changes));
  }

  protected setName(name: string): void {
    this.nameEdited.set(true);
    this.patch({ name: name.toLowerCase() });
  }

  protected setFramework(framework: string): void {
    this.frameworkEdited.set(true);
    this.patch({ framework });
  }

  protected setSource(kind: AppSourceKind): void {
    this.patch({ sourceKind: kind });
  }

  protected pickArchive(event: Event): void {
    const file = (event.target as HTMLInputElement).files?.[0] ?? null;
    this.archiveFile.set(file);
    this.patch({ archiveFileName: file?.name ?? '' });
  }

  protected suggestPort(): void {
    this.patch({ port: String(suggestPort(this.draft().framework)) });
  }

  protected addEnvRow(): void {
    this.patch({ envVars: [...this.draft().envVars, { name: '', value: '' }] });
  }

  protected removeEnvRow(index: number): void {
    this.patch({ envVars: this.draft().envVars.filter((_, row) => row !== index) });
  }

  protected setEnvRow(index: number, changes: { name?: string; value?: string }): void {
    this.patch({
      envVars: this.draft().envVars.map((row, position) =>
        position === index ? { ...row, ...changes } : row,
      ),
    });
  }

  protected applyDotenv(): void {
    const { vars, problems } = parseDotenv(this.dotenvText());
    this.dotenvProblems.set(problems);
    if (vars.length > 0) {
      this.patch({ envVars: mergeEnvRows(this.draft().envVars, vars) });
    }
    if (problems.length === 0) {
      this.dotenvText.set('');
      this.dotenvOpen.set(false);
    }
  }

  protected next(): void {
    this.form()?.form.markAllAsTouched();
    if (Object.keys(validateSourceStep(this.draft(), this.takenNames())).length > 0) {
      this.focusFirstInvalid();
      return;
    }
    this.step.set(2);
    this.focusStepHeading();
  }

  protected back(): void {
    this.step.set(1);
    this.focusStepHeading();
  }

  protected hasStepErrors(step: Step): boolean {
    return Object.keys(this.errors()).some((field) => stepOfField(field) === step);
  }

  protected deploy(): void {
    this.form()?.form.markAllAsTouched();
    if (Object.keys(this.errors()).length > 0) {
      const firstStep = Object.keys(this.errors()).map(stepOfField).sort()[0] ?? 1;
      this.step.set(firstStep);
      this.focusFirstInvalid();
      return;
    }
    this.generalError.set(null);
    const draft = this.draft();
    const archive = this.archiveFile();
    const upload$: Observable<string | null> =
      draft.sourceKind === 'archive' && archive
        ? (this.progress.set('uploading'),
          this.api.uploadArchive(archive).pipe(map((answer) => answer.archiveObject)))
        : of(null);

    let created: AppDto | null = null;
    upload$
      .pipe(
        concatMap((archiveObject) => {
          this.progress.set('creating');
          return this.api.createApp(toCreateBody(draft)).pipe(map((app) => ({ app, archiveObject })));
        }),
        concatMap(({ app, archiveObject }) => {
          created = app;
          const envVars = envVarsOf(draft);
          if (envVars.length === 0) {
            return of({ app, archiveObject });
          }
          this.progress.set('env');
          return this.api
            .setEnvVars(app.id, envVars, 'next-deploy')
            .pipe(map(() => ({ app, archiveObject })));
        }),
        switchMap(({ app, archiveObject }) => {
          this.progress.set('deploying');
          return this.api.deploy(app.id, archiveObject ? { archiveObject } : {}).pipe(
            map((deployment) => ({ app, deploymentId: deployment.id as string | null })),
            // The app exists: a failed first deploy is shown on its page, not by staying in the wizard.
            catchError((error: unknown) => {
              this.snackBar.open(
                `The app was created, but the deploy did not start: ${error instanceof ApiError ? (error.detail ?? error.message) : 'unknown error'}`,
                'Close',
              );
              return of({ app, deploymentId: null });
            }),
          );
        }),
      )
      .subscribe({
        next: ({ app, deploymentId }) => {
          this.progress.set(null);
          void this.router.navigate(
            deploymentId ? ['/apps', app.id, 'deployments', deploymentId] : ['/apps', app.id],
          );
        },
        error: (error: unknown) => {
          this.progress.set(null);
          if (created) {
            // Created, but env vars failed: go to its settings rather than create it twice.
            this.snackBar.open(
              `The app was created, but its environment variables were not saved: ${error instanceof ApiError ? (error.detail ?? error.message) : 'unknown error'}`,
              'Close',
            );
            void this.router.navigate(['/apps', (created as AppDto).id, 'settings']);
            return;
          }
          this.showServerError(error);
        },
      });
  }

  private showServerError(error: unknown): void {
    if (!(error instanceof ApiError) || error.kind !== 'http') {
      this.generalError.set(error instanceof ApiError ? error.message : 'The app could not be created.');
      return;
    }
    const { byField, general } = error.forForm(WIZARD_FIELDS);
    // A 409 is the name: apps are unique by name across the platform.
    if (error.status === 409 && Object.keys(byField).length === 0) {
      byField['name'] = error.detail ?? 'This name is taken.';
    } else if (general.length > 0) {
      this.generalError.set(general.join(' '));
    }
    if (Object.keys(byField).length > 0) {
      this.serverErrors.set(byField);
      this.step.set(Object.keys(byField).map(stepOfField).sort()[0] ?? 1);
      this.focusFirstInvalid();
    } else if (general.length === 0) {
      this.generalError.set(error.detail ?? error.message);
    }
  }

  private clearServerErrors(fields: string[]): void {
    const server = this.serverErrors();
    const remaining = Object.fromEntries(
      Object.entries(server).filter(
        ([key]) =>
          !fields.some(
            (field) =>
              key === field ||
              key.startsWith(`${field}.`) ||
              ((field === 'owner' || field === 'repository') && key === 'repoUrl'),
          ),
      ),
    );
    if (Object.keys(remaining).length !== Object.keys(server).length) {
      this.serverErrors.set(remaining);
    }
  }

  private focusFirstInvalid(): void {
    setTimeout(() => {
      document.querySelector<HTMLElement>('sw-create-app-page [aria-invalid="true"]')?.focus();
    });
  }

  private focusStepHeading(): void {
    setTimeout(() => document.getElementById('step-title')?.focus());
  }
}

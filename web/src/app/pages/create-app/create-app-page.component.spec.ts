import { ComponentFixture, TestBed } from '@angular/core/testing';
import { provideRouter, Router } from '@angular/router';
import type { AppDto, AppListDto, CreateAppRequest } from '@slipway/contracts';
import { Observable, of, throwError } from 'rxjs';

import { ApiClient } from '../../core/api/api-client.service';
import { ApiError } from '../../core/api/api-error';
import { CreateAppPageComponent } from './create-app-page.component';

/** The API as the wizard uses it; `createApp` answers what each test says. */
class FakeApi {
  createAnswer: () => Observable<AppDto> = () => of({ id: 'app-1', name: 'shop' } as AppDto);
  readonly created: CreateAppRequest[] = [];
  listApps(): Observable<AppListDto> {
    return of({ items: [{ id: 'app-0', name: 'taken', url: null } as unknown as AppDto] } as AppListDto);
  }
  createApp(body: CreateAppRequest): Observable<AppDto> {
    this.created.push(body);
    return this.createAnswer();
  }
  setEnvVars(): Observable<unknown> {
    return of({});
  }
  deploy(): Observable<{ id: string }> {
    return of({ id: 'dep-1' });
  }
}

describe('the create-app wizard (rendered)', () => {
  let fixture: ComponentFixture<CreateAppPageComponent>;
  let api: FakeApi;
  let host: HTMLElement;

  beforeEach(async () => {
    api = new FakeApi();
    await TestBed.configureTestingModule({
      imports: [CreateAppPageComponent],
      providers: [provideRouter([]), { provide: ApiClient, useValue: api }],
    }).compileComponents();
    fixture = TestBed.createComponent(CreateAppPageComponent);
    host = fixture.nativeElement as HTMLElement;
    await fixture.whenStable();
  });

  const field = (testId: string): HTMLInputElement => {
    const element = host.querySelector<HTMLInputElement>(`[data-testid="${testId}"]`);
    if (!element) throw new Error(`No element [data-testid="${testId}"] on step ${stepTitle()}`);
    return element;
  };

  /** Types into a field and leaves it, as a person does. */
  const type = async (testId: string, value: string): Promise<void> => {
    const input = field(testId);
    input.value = value;
    input.dispatchEvent(new Event('input'));
    input.dispatchEvent(new Event('blur'));
    await fixture.whenStable();
  };

  const click = async (testId: string): Promise<void> => {
    field(testId).click();
    await fixture.whenStable();
  };

  /** The error Angular Material shows under the field, or null when it shows none. */
  const errorNextTo = (testId: string): string | null =>
    field(testId).closest('mat-form-field')?.querySelector('mat-error')?.textContent?.trim() ?? null;

  const stepTitle = () => host.querySelector('#step-title')?.textContent?.trim();

  const fillSourceStep = async (name = 'shop') => {
    await type('repo-url', 'https://github.com/acme/shop.git');
    await type('app-name', name);
  };

  it('shows why an app name is invalid next to the name field, and keeps Next from leaving step 1', async () => {
    await type('repo-url', 'https://github.com/acme/shop.git');
    await type('app-name', '9-Lives-');

    expect(errorNextTo('app-name')).toBe(
      'App name must be 1-63 characters of lowercase letters, digits and hyphens, start with a letter and not end with a hyphen.',
    );
    expect(field('app-name').getAttribute('aria-invalid')).toBe('true');
    expect(errorNextTo('repo-url')).toBeNull();

    await click('wizard-next');
    expect(stepTitle()).toBe('Source and app details');
    expect(host.querySelector('[data-testid="port"]')).toBeNull();
  });

  it('says a name is taken by one of my apps, and clears the error once the name is fixed', async () => {
    await fillSourceStep('taken');
    expect(errorNextTo('app-name')).toBe('You already have an app called "taken".');

    await type('app-name', 'shop');
    expect(errorNextTo('app-name')).toBeNull();
    await click('wizard-next');
    expect(stepTitle()).toBe('Environment');
  });

  it('shows a bad port and a bad variable name next to their fields, and Deploy sends nothing', async () => {
    await fillSourceStep();
    await click('wizard-next');

    await type('port', '70000');
    await click('add-env');
    await type('env-name-0', '1BAD');
    await type('env-value-0', 'x');

    expect(errorNextTo('port')).toBe('The port is a whole number from 1 to 65535.');
    expect(errorNextTo('env-name-0')).toBe(
      'Env var names are letters, digits and _, do not start with a digit, and are at most 128 characters.',
    );
    expect(errorNextTo('env-value-0')).toBeNull();

    await click('wizard-deploy');
    expect(api.created).toEqual([]);
    expect(stepTitle()).toBe('Environment');
  });

  it("shows the server's field error next to that field, back on its step", async () => {
    api.createAnswer = () =>
      throwError(() =>
        ApiError.http(400, {
          title: 'Bad Request',
          detail: 'name is reserved for the platform',
          errors: ['name is reserved for the platform'],
        }),
      );
    await fillSourceStep('admin');
    await click('wizard-next');
    await type('port', '8080');
    await click('wizard-deploy');

    expect(api.created).toHaveLength(1);
    expect(api.created[0]).toMatchObject({ name: 'admin' });
    expect(stepTitle()).toBe('Source and app details');
    expect(errorNextTo('app-name')).toBe('name is reserved for the platform');
    expect(errorNextTo('repo-url')).toBeNull();
    expect(host.querySelector('[data-testid="wizard-error"]')).toBeNull();

    // Changing the field takes the server's complaint away until the server is asked again.
    await type('app-name', 'shop');
    expect(errorNextTo('app-name')).toBeNull();
  });

  it('shows a server error about the port next to the port field on step 2', async () => {
    api.createAnswer = () =>
      throwError(() =>
        ApiError.http(400, { errors: ['port must not be greater than 65535'], detail: 'Bad Request' }),
      );
    await fillSourceStep();
    await click('wizard-next');
    await type('port', '8080');
    await click('wizard-deploy');

    expect(stepTitle()).toBe('Environment');
    expect(errorNextTo('port')).toBe('port must not be greater than 65535');
  });

  it('creates the app and goes to its deployment when everything is valid', async () => {
    const router = TestBed.inject(Router);
    const navigate = jest.spyOn(router, 'navigate').mockResolvedValue(true);
    await fillSourceStep();
    await click('wizard-next');
    await type('port', '8080');
    await click('wizard-deploy');

    expect(api.created[0]).toMatchObject({ name: 'shop', port: 8080 });
    expect(navigate).toHaveBeenCalledWith(['/apps', 'app-1', 'deployments', 'dep-1']);
  });
});

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import type { ServiceName, ServiceState } from '@slipway/contracts';
import { startPlatform } from '@slipway/testing';
import { type Browser, chromium, type Page } from 'playwright-core';

// Drives the built portal (dist/web/browser, served by the real gateway) in Chromium, exactly as a user
// would: sign up, empty dashboard, the create-app wizard, the app's pages, the profile, and the admin pages.
// Every page is saved in the light and the dark theme under test-output/screenshots/.

type Platform = Awaited<ReturnType<typeof startPlatform>>;

const SERVICES: readonly ServiceName[] = ['gateway', 'apps', 'builder', 'runtime', 'logs'];
const SCREENSHOTS = join(__dirname, '..', '..', 'test-output', 'screenshots');
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const PASSWORD = 'correct horse battery';

describe('the portal in a browser', () => {
  let platform: Platform | undefined;
  let browser: Browser | undefined;
  let page: Page;
  const pageErrors: string[] = [];
  const email = `first-${Date.now()}@example.test`;

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    platform = await startPlatform();
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('dialog', (dialog) => void dialog.accept());
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
  }, 60_000);

  const url = (path: string) => new URL(path, platform!.gatewayUrl).href;

  it('signs up, shows the empty dashboard, and creates an app with the wizard', async () => {
    await page.goto(url('/'));
    // Signed out: the dashboard sends the visitor to sign in.
    await page.waitForURL(/\/sign-in/);
    await snap(page, 'sign-in');

    await page.getByRole('link', { name: 'Create an account' }).click();
    await page.getByTestId('auth-email').fill(email);
    await page.getByTestId('auth-password').fill('short');
    await page.getByTestId('auth-submit').click();
    await page.getByText('Use at least 10 characters.').waitFor();
    await snap(page, 'sign-up-invalid');
    await page.getByTestId('auth-password').fill(PASSWORD);
    await page.getByTestId('auth-submit').click();

    await page.getByTestId('dashboard-empty').waitFor();
    await snap(page, 'dashboard-empty');

    await page.getByTestId('new-app').click();
    await page.getByTestId('source-image').click();
    await page.getByTestId('image').fill('slipway-local/node:20-bookworm');
    // The name was suggested from the image; an invalid one is refused with the API's rule.
    expect(await page.getByTestId('app-name').inputValue()).toBe('node');
    await page.getByTestId('app-name').fill('My App');
    await page.getByTestId('wizard-next').click();
    await page.getByTestId('app-name-error').waitFor();
    expect(await page.getByTestId('app-name-error').textContent()).toContain('lowercase letters');
    await snap(page, 'wizard-step-1-invalid');

    await page.getByTestId('app-name').fill('hello');
    await page.getByTestId('plan-pro').click();
    await page.getByTestId('wizard-next').click();
    await page.getByTestId('suggest-port').click();
    expect(await page.getByTestId('port').inputValue()).toBe('3000');
    await page.getByTestId('paste-env').click();
    await page.getByTestId('dotenv-text').fill('# settings\nGREETING="hello world"\nexport MODE=demo\n');
    await page.getByTestId('dotenv-apply').click();
    expect(await page.getByTestId('env-name-0').inputValue()).toBe('GREETING');
    expect(await page.getByTestId('env-value-1').inputValue()).toBe('demo');
    await snap(page, 'wizard-step-2');

    await page.getByTestId('wizard-deploy').click();
    await page.waitForURL(/\/apps\/[^/]+\//, { timeout: 30_000 });
    await page.getByTestId('app-title').waitFor();
    expect(await page.getByTestId('app-title').textContent()).toBe('hello');
    await page.waitForLoadState('networkidle').catch(() => undefined);
    await snap(page, 'app-after-deploy');

    for (const tab of ['overview', 'deployments', 'logs', 'settings'] as const) {
      await page.getByTestId(`tab-${tab}`).click();
      await page.waitForURL(new RegExp(`/${tab}$`));
      await page.waitForTimeout(500);
      await snap(page, `app-${tab}`);
    }

    await page.goto(url('/'));
    await page.getByTestId('app-card-hello').waitFor();
    expect(await page.getByTestId('total-apps').textContent()).toBe('1');
    await snap(page, 'dashboard');

    // Phone width: the navigation moves behind the menu button and the page still reads.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByTestId('nav-menu').waitFor();
    await snap(page, 'dashboard-phone');
    await page.setViewportSize({ width: 1280, height: 800 });
    expect(pageErrors).toEqual([]);
  }, 120_000);

  it('creates an API token and shows its value once', async () => {
    await page.goto(url('/profile'));
    await page.getByTestId('token-name').fill('ci');
    await page.getByTestId('token-create').click();
    await page.getByTestId('token-created').waitFor();
    expect(await page.getByTestId('token-value').textContent()).toMatch(/^slw_/);
    await snap(page, 'profile-token-created');
    expect(pageErrors).toEqual([]);
  }, 60_000);

  it('lets the first account, an admin, see users, the audit log and every service healthy, then one down', async () => {
    await page.goto(url('/admin/users'));
    await page.getByTestId(`user-row-${email}`).waitFor();
    await snap(page, 'admin-users');

    await page.goto(url('/admin/audit'));
    await page.getByTestId('audit-row-auth.signed-up').waitFor();
    await snap(page, 'admin-audit');

    await page.goto(url('/admin/health'));
    await waitForStatuses(page, Object.fromEntries(SERVICES.map((name) => [name, 'up'])), 60_000);
    await snap(page, 'admin-health');

    await platform!.stopService('builder');
    await waitForStatuses(page, { builder: 'down' }, 20_000);
    await snap(page, 'admin-health-builder-down');
    expect(pageErrors).toEqual([]);
  }, 120_000);
});

/** Saves the page as `<name>-light.png` and `<name>-dark.png` (the portal follows the system theme). */
async function snap(page: Page, name: string): Promise<void> {
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.screenshot({ path: join(SCREENSHOTS, `${name}-${scheme}.png`), fullPage: true });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

/** The status text of each service's row, e.g. `{ gateway: 'up' }`; `null` while a row is missing. */
function readStatuses(page: Page): Promise<Record<string, string | null>> {
  return page.evaluate((names) => {
    const statuses: Record<string, string | null> = {};
    for (const name of names) {
      const cell = document.querySelector(
        `[data-testid="service-row-${name}"] [data-testid="service-status"]`,
      );
      statuses[name] = cell?.textContent?.trim().toLowerCase() ?? null;
    }
    return statuses;
  }, SERVICES);
}

/** Waits until every named service's row shows the expected status, or fails with what the page shows. */
async function waitForStatuses(
  page: Page,
  expected: Partial<Record<ServiceName, ServiceState>>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let shown: Record<string, string | null> = {};
  while (Date.now() < deadline) {
    shown = await readStatuses(page);
    if (Object.entries(expected).every(([name, status]) => shown[name] === status)) {
      return;
    }
    await page.waitForTimeout(250);
  }
  await page.screenshot({ path: join(SCREENSHOTS, 'health-page-failure.png'), fullPage: true });
  throw new Error(
    `Expected ${JSON.stringify(expected)} within ${timeoutMs} ms; the page shows ${JSON.stringify(shown)}`,
  );
}

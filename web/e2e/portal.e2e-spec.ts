import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import type { ServiceName, ServiceState } from '@slipway/contracts';
import { dockerSocketPath, makeTempDir, removeContainersByLabel, startPlatform } from '@slipway/testing';
import Docker from 'dockerode';
import { type Browser, chromium, type Page } from 'playwright-core';

// Drives the built portal (dist/web/browser, served by the real gateway) in Chromium, exactly as a user
// would, with every service real: sign up, the empty dashboard, the wizard with a local git repository,
// the live build log until the app runs, the app itself through Caddy, an env change applied now, a
// redeploy, a rollback and a typed-confirmation delete; then the profile and the admin pages.
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

const SERVER = (version: string) =>
  `require('http').createServer((q, s) => s.end('${version} says ' + (process.env.GREETING || 'nothing')))` +
  '.listen(process.env.PORT || 8080);\n';

/** A git repository with a server that answers "<version> says <$GREETING>" and a Dockerfile for it. */
async function appRepo(
  dockerfile = 'FROM slipway-local/node:20-bookworm\nWORKDIR /app\nCOPY server.js .\nCMD ["node", "server.js"]\n',
): Promise<{ url: string; commit(version: string): Promise<void> }> {
  const dir = await makeTempDir('slipway-web-e2e-repo-');
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=T', '-c', 'user.email=t@e', ...args], {
      cwd: dir,
      stdio: 'ignore',
    });
  await writeFile(join(dir, 'Dockerfile'), dockerfile);
  await writeFile(join(dir, 'server.js'), SERVER('v1'));
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-qm', 'v1');
  return {
    url: `file://${dir}`,
    commit: async (version) => {
      await writeFile(join(dir, 'server.js'), SERVER(version));
      git('commit', '-qam', version);
    },
  };
}

describe('the portal in a browser', () => {
  let platform: Platform | undefined;
  let browser: Browser | undefined;
  let page: Page;
  const pageErrors: string[] = [];
  const email = `first-${Date.now()}@example.test`;
  const scope = `web-e2e-${randomBytes(4).toString('hex')}`;
  /** Every app this file creates is named `<name>` or `<name>-…`, so its images can be found afterwards. */
  const name = `web-${randomBytes(3).toString('hex')}`;
  const portBase = 34000 + Math.floor(Math.random() * 200) * 10;

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    platform = await startPlatform({
      env: {
        SECRETS_KEYS: `web-e2e:${randomBytes(32).toString('base64')}`,
        ALLOW_LOCAL_SOURCES: 'true',
        BUILD_WORK_DIR: await makeTempDir('slipway-web-e2e-builds-'),
        BASE_IMAGE_NODE: 'slipway-local/node:20-bookworm',
        BASE_IMAGE_PYTHON: 'slipway-local/python:3.11-bookworm',
        BASE_IMAGE_STATIC: 'slipway-local/static:bookworm',
        RUNTIME_SCOPE: scope,
        EXTRA_CONTAINER_LABELS: 'io.slipway.test=true',
        HOST_PORT_FROM: String(portBase),
        HOST_PORT_TO: String(portBase + 9),
        DRAIN_GRACE_MS: '300',
        STOP_GRACE_MS: '2000',
        // Samples stored every 2 s instead of every minute, so the admin resource charts have points.
        METRICS_INTERVAL_MS: '1000',
        METRICS_BUCKET_MS: '2000',
      },
    });
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('dialog', (dialog) => void dialog.accept());
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
    await removeContainersByLabel('io.slipway.scope', scope).catch(() => undefined);
    await removeImages(`slipway/${name}`);
  }, 120_000);

  const url = (path: string) => new URL(path, platform!.gatewayUrl).href;

  it('signs up, deploys a git repository with the wizard, watches it run, changes it, rolls back and deletes it', async () => {
    const repo = await appRepo();
    const appUrl = `http://${name}.localhost:${platform!.caddy.httpPort}/`;

    await page.goto(url('/'));
    // Signed out: the dashboard sends the visitor to sign in.
    await page.waitForURL(/\/sign-in/);
    // The first Tab reaches the skip link, and it moves focus to the page.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe(
      'Skip to main content',
    );
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main-content');
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

    // Step 1: a name the API would refuse is refused here first, with the API's rule.
    await page.getByTestId('new-app').click();
    await page.getByTestId('repo-url').fill(repo.url);
    await page.getByTestId('app-name').fill('My App');
    await page.getByTestId('wizard-next').click();
    await page.getByTestId('app-name-error').waitFor();
    expect(await page.getByTestId('app-name-error').textContent()).toContain('lowercase letters');
    await snap(page, 'wizard-step-1-invalid');
    await page.getByTestId('app-name').fill(name);
    await page.getByTestId('wizard-next').click();

    // Step 2: a .env paste becomes rows; the port is the one the fixture listens on.
    await page.getByTestId('port').fill('8080');
    await page.getByTestId('paste-env').click();
    await page.getByTestId('dotenv-text').fill('# greeting\nexport GREETING="hello"\n');
    await page.getByTestId('dotenv-apply').click();
    expect(await page.getByTestId('env-name-0').inputValue()).toBe('GREETING');
    expect(await page.getByTestId('env-value-0').inputValue()).toBe('hello');
    await snap(page, 'wizard-step-2');

    // Deploy: the wizard opens the deployment, whose live build log fills until it runs.
    await page.getByTestId('wizard-deploy').click();
    await page.waitForURL(/\/apps\/[^/]+\/deployments\/[^/]+$/, { timeout: 30_000 });
    await untilDeploymentRuns(page);
    expect(await page.locator('[data-testid="log-pane"] .line').count()).toBeGreaterThan(0);
    await snap(page, 'deployment-running');
    await page.setViewportSize({ width: 390, height: 844 });
    await snap(page, 'deployment-running-phone');
    await page.setViewportSize({ width: 1280, height: 800 });
    expect(await appAnswer(browser!, appUrl, 'v1 says hello')).toBe('v1 says hello');

    // Settings: reveal, change and apply now; the rollout is one click away.
    await page.getByTestId('tab-settings').click();
    await page.getByTestId('env-reveal-GREETING').click();
    await page.getByTestId('env-value-GREETING').fill('bonjour');
    // A notification webhook shows its signing secret once.
    await page.getByTestId('notification-url').fill('http://127.0.0.1:9/slipway-hook');
    await page.getByTestId('notification-add').click();
    await page.getByTestId('notification-secret').waitFor();
    expect(await page.getByTestId('notification-list').textContent()).toContain('127.0.0.1:9/slipway-hook');
    await snap(page, 'app-settings');
    await page.getByTestId('env-save').click();
    await page.getByRole('button', { name: 'Watch it' }).click();
    await untilDeploymentRuns(page);
    expect(await appAnswer(browser!, appUrl, 'v1 says bonjour')).toBe('v1 says bonjour');

    // Redeploy picks up a new commit.
    await repo.commit('v2');
    await page.getByTestId('action-redeploy').click();
    await page.waitForURL(/\/deployments\/[^/]+$/);
    await untilDeploymentRuns(page);
    expect(await appAnswer(browser!, appUrl, 'v2 says bonjour')).toBe('v2 says bonjour');

    for (const tab of ['overview', 'deployments', 'logs'] as const) {
      await page.getByTestId(`tab-${tab}`).click();
      await page.waitForURL(new RegExp(`/${tab}$`));
      await page.waitForTimeout(800);
      await snap(page, `app-${tab}`);
    }

    // Roll back to the release before the live one.
    await page.getByTestId('action-more').click();
    await page.getByTestId('action-rollback').click();
    await page.waitForURL(/\/deployments\/[^/]+$/);
    await untilDeploymentRuns(page);
    expect(await appAnswer(browser!, appUrl, 'v1 says bonjour')).toBe('v1 says bonjour');

    await page.goto(url('/'));
    await page.getByTestId(`app-card-${name}`).waitFor();
    expect(await page.getByTestId('total-apps').textContent()).toBe('1');
    await snap(page, 'dashboard');

    // Phone width: the navigation moves behind the menu button and the page still reads.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByTestId('nav-menu').waitFor();
    await snap(page, 'dashboard-phone');
    await page.setViewportSize({ width: 1280, height: 800 });

    // Delete asks for the name.
    await page.getByTestId(`app-card-${name}`).getByRole('link', { name, exact: true }).click();
    await page.getByTestId('action-more').click();
    await page.getByTestId('action-delete').click();
    expect(await page.getByTestId('delete-confirm').isDisabled()).toBe(true);
    await page.getByTestId('delete-confirm-input').fill(name);
    await snap(page, 'app-delete-confirm');
    await page.getByTestId('delete-confirm').click();
    await page.getByTestId('dashboard-empty').waitFor();

    // A build that fails shows where it stopped and why, next to its log.
    const broken = await appRepo('FROM slipway-local/node:20-bookworm\nRUN echo "no such tool" && exit 3\n');
    await page.getByTestId('new-app').click();
    await page.getByTestId('repo-url').fill(broken.url);
    await page.getByTestId('app-name').fill(`${name}-broken`);
    await page.getByTestId('wizard-next').click();
    await page.getByTestId('wizard-deploy').click();
    await page.waitForURL(/\/deployments\/[^/]+$/, { timeout: 30_000 });
    await page.locator('[data-testid="deployment-state"][data-state="Failed"]').waitFor({ timeout: 120_000 });
    await page.getByTestId('failure-reason').waitFor();
    expect(await page.locator('[data-testid="stage-bar"] [data-status="failed"]').count()).toBe(1);
    await snap(page, 'deployment-failed');
    expect(pageErrors).toEqual([]);
  }, 420_000);

  it('creates an API token and shows its value once', async () => {
    await page.goto(url('/profile'));
    await page.getByTestId('token-name').fill('ci');
    await page.getByTestId('token-create').click();
    await page.getByTestId('token-created').waitFor();
    expect(await page.getByTestId('token-value').textContent()).toMatch(/^slw_/);
    await snap(page, 'profile-token-created');
    expect(pageErrors).toEqual([]);
  }, 60_000);

  it('lets the first account, an admin, see users, the audit log, resource charts and every service healthy, then one down', async () => {
    await page.goto(url('/admin/users'));
    await page.getByTestId(`user-row-${email}`).waitFor();
    await snap(page, 'admin-users');

    await page.goto(url('/admin/audit'));
    await page.getByTestId('audit-row-auth.signed-up').waitFor();
    await snap(page, 'admin-audit');

    await page.goto(url('/admin/health'));
    await waitForStatuses(page, Object.fromEntries(SERVICES.map((name) => [name, 'up'])), 60_000);
    // The Messaging section reads JetStream through GET /admin/messaging.
    await page.getByTestId('stream-row-SLIPWAY_EVENTS').waitFor();
    // The builder's own queue, from its heartbeat: idle once the test's builds are done.
    const builderQueue = page.getByTestId('builder-queue');
    await page.locator('[data-testid="builder-queue"][data-running="0"]').waitFor();
    expect(await builderQueue.getAttribute('data-queued')).toBe('0');
    expect(await builderQueue.textContent()).toContain('0 running of 1 slot, none waiting');
    await snap(page, 'admin-health');

    // System-wide resources: the charts hold the instances the first test ran (samples every 2 s here).
    await page.getByRole('link', { name: 'Resources' }).click();
    await page.getByTestId('resources-charts').waitFor();
    expect(await page.getByTestId('total-containers-running').textContent()).toMatch(
      /\d+\s*Containers running/,
    );
    const containersChart = page.getByTestId('chart-containers').locator('svg');
    expect(await containersChart.getAttribute('aria-label')).toMatch(/^Containers sampled: [1-9]\d*$/);
    expect(await page.getByTestId('chart-memory').locator('svg').getAttribute('aria-label')).toMatch(
      /^Memory: \d+ MB$/,
    );
    await snap(page, 'admin-resources');
    await page.getByTestId('window-24h').click();
    await page.getByTestId('resources-history-title').filter({ hasText: 'Last 24 hours' }).waitFor();
    await page.getByTestId('resources-charts').waitFor();
    await snap(page, 'admin-resources-24h');

    await page.goto(url('/admin/health'));
    await waitForStatuses(page, Object.fromEntries(SERVICES.map((name) => [name, 'up'])), 60_000);

    await platform!.stopService('builder');
    await waitForStatuses(page, { builder: 'down' }, 20_000);
    await snap(page, 'admin-health-builder-down');
    expect(pageErrors).toEqual([]);
  }, 120_000);
});

/** Removes the images built for this file's apps (a deleted app's images may outlive a failed test). */
async function removeImages(repositoryPrefix: string): Promise<void> {
  const docker = new Docker({ socketPath: dockerSocketPath() });
  const images = await docker.listImages({
    filters: JSON.stringify({ reference: [`${repositoryPrefix}*`] }),
  });
  for (const image of images) {
    await docker
      .getImage(image.Id)
      .remove({ force: true })
      .catch(() => undefined);
  }
}

/** Waits on a deployment page until it shows Running; fails with the page's failure reason otherwise. */
async function untilDeploymentRuns(page: Page): Promise<void> {
  const badge = page.getByTestId('deployment-state');
  const deadline = Date.now() + 150_000;
  await badge.waitFor();
  for (;;) {
    const state = await badge.getAttribute('data-state');
    if (state === 'Running') {
      return;
    }
    if (state === 'Failed' || state === 'Cancelled' || state === 'Superseded' || Date.now() > deadline) {
      await page.screenshot({ path: join(SCREENSHOTS, 'deployment-failure.png'), fullPage: true });
      const reason = await page
        .getByTestId('failure-reason')
        .textContent()
        .catch(() => null);
      throw new Error(`The deployment shows ${state}${reason ? `: ${reason.trim()}` : ''} (${page.url()})`);
    }
    await page.waitForTimeout(500);
  }
}

/**
 * What the app answers through Caddy, as a visitor's browser sees it (`*.localhost` is loopback): the
 * expected text as soon as it shows (a replaced release may answer for a moment while it drains), else
 * the last answer after 20 s.
 */
async function appAnswer(browser: Browser, appUrl: string, expected: string): Promise<string> {
  const visitor = await browser.newPage();
  try {
    const deadline = Date.now() + 20_000;
    let text = '';
    while (Date.now() < deadline) {
      const response = await visitor.goto(appUrl).catch(() => null);
      text = (await visitor.textContent('body').catch(() => null))?.trim() ?? '';
      if (response?.ok() && text === expected) {
        return text;
      }
      await visitor.waitForTimeout(500);
    }
    return text;
  } finally {
    await visitor.close();
  }
}

/** Saves the page as `<name>-light.png` and `<name>-dark.png` (the portal follows the system theme). */
async function snap(page: Page, name: string): Promise<void> {
  // A full-page capture of a scrolled page draws the sticky toolbar mid-page.
  await page.evaluate(() => window.scrollTo(0, 0));
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    // Some Material colours (tab labels) change with a short transition.
    await page.waitForTimeout(300);
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

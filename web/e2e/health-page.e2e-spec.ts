import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import type { ServiceName, ServiceState } from '@slipway/contracts';
import { startPlatform } from '@slipway/testing';
import { type Browser, chromium, type Page } from 'playwright-core';

// Drives the built portal (dist/web/browser, served by the real gateway) in Chromium, exactly as a user would.

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

describe('platform health page', () => {
  let platform: Platform | undefined;
  let browser: Browser | undefined;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    platform = await startPlatform();
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
  }, 60_000);

  it('shows every service up, then a stopped service as down', async () => {
    await page.goto(new URL('/', platform!.gatewayUrl).href);

    await waitForStatuses(page, Object.fromEntries(SERVICES.map((name) => [name, 'up'])), 60_000);
    await page.screenshot({ path: join(SCREENSHOTS, 'health-page.png'), fullPage: true });

    await platform!.stopService('builder');

    await waitForStatuses(page, { builder: 'down' }, 20_000);
    await page.screenshot({ path: join(SCREENSHOTS, 'health-page-builder-down.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
  }, 120_000);
});

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

/**
 * Debian's Chromium driven by playwright-core (no browser download): the peer of the browser tests. Missing, the
 * tests skip with the install hint, or fail under SAMSA_REQUIRE_PEERS=1.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { requirePeer } from '@samsa/test-support';
import { type Browser, type Page, chromium as playwright } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

export const chromium = requirePeer('chromium', {
  probe: [CHROMIUM_PATH, '--version'],
  hint: 'apt-get install -y chromium',
});

/** Flags this closed network needs: no background fetches, no update checks, no QUIC, no sandbox as root. */
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
  // performance.memory with real (not bucketed) numbers, for the live tail's memory measurement.
  '--enable-precise-memory-info',
];

/** Headless Chromium with a fresh profile (Playwright makes a new user-data-dir per launch). */
export function launchChromium(): Promise<Browser> {
  return playwright.launch({ executablePath: CHROMIUM_PATH, headless: true, args: FLAGS, timeout: 30_000 });
}

export async function newPage(
  browser: Browser,
  baseURL: string,
  colorScheme: 'light' | 'dark' = 'light',
): Promise<Page> {
  const context = await browser.newContext({ baseURL, viewport: { width: 1440, height: 900 }, colorScheme });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  return page;
}

const OUTPUT = join(dirname(fileURLToPath(import.meta.url)), '../../test-output/screenshots');

/** Saves a screenshot of the page under test-output/screenshots/ (kept as a CI artifact, looked at by people). */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(OUTPUT, { recursive: true });
  const path = join(OUTPUT, `${name}.png`);
  // A viewport as tall as the page lays it out as a person scrolling it sees it (sticky sidebar at the top).
  const viewport = page.viewportSize()!;
  const height = Number(await page.evaluate('document.documentElement.scrollHeight'));
  await page.setViewportSize({
    width: viewport.width,
    height: Math.max(viewport.height, Math.min(height, 4000)),
  });
  await page.screenshot({ path });
  await page.setViewportSize(viewport);
  return path;
}

/**
 * What the browser tests share: Debian's Chromium (headless, driven by playwright-core: no browser download), a
 * static file server on loopback (test/support/static-server.ts), and the bundles the pages load (`steady-mqtt.js` and `indexeddb.js`, built by
 * scripts/build-browser.mjs into the test's own folder, so a test never replaces dist/).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { hasMosquitto } from '../support/mosquitto.js';

export const CHROMIUM = '/usr/bin/chromium';

/** Why the browser tests cannot run here, or false. */
export function browserSkip(): string | false {
  if (!existsSync(CHROMIUM)) return `Chromium is not installed at ${CHROMIUM} (apt-get install -y chromium)`;
  if (!hasMosquitto()) return 'mosquitto is not installed';
  return false;
}

/** Builds the browser bundles into `dir`: steady-mqtt.js and indexeddb.js. */
export function buildBrowserBundles(dir: string): void {
  const built = spawnSync(
    process.execPath,
    ['scripts/build-browser.mjs', '--outfile', join(dir, 'steady-mqtt.js')],
    { encoding: 'utf8', timeout: 60_000 },
  );
  assert.equal(built.status, 0, `build failed: ${built.stderr}`);
}

export { serveFiles, type StaticServer } from '../support/static-server.js';

/** Chromium with a fresh profile in `profileDir` (Playwright's persistent context). */
export function launchChromium(profileDir: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    timeout: 30_000,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** What a test page wrote as JSON into its `#result` element, once it wrote something. */
export async function pageResult<T>(page: Page, timeout = 30_000): Promise<T> {
  await page.waitForFunction(() => document.getElementById('result')?.textContent !== '', undefined, {
    timeout,
  });
  return JSON.parse((await page.textContent('#result')) ?? 'null') as T;
}

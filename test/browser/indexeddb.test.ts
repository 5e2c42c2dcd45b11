/**
 * `IndexedDbStore` in Chromium, on the real IndexedDB and Web Locks: the shared store contract (the same
 * test/store/store-contract.ts Node runs over fake-indexeddb, bundled with small shims for `node:test`,
 * `node:assert` and `Buffer`), and one session per tab: a second page opening the same session key is refused
 * with `SessionLockedError` until the first releases it, while another session key is free.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { build } from 'esbuild';
import type { BrowserContext } from 'playwright-core';
import { startBroker, type Broker } from '../support/mosquitto.js';
import { uniqueId } from '../client/helpers.js';
import {
  browserSkip,
  buildBrowserBundles,
  launchChromium,
  pageResult,
  serveFiles,
  type StaticServer,
} from './harness.js';

const HERE = import.meta.dirname;
const skip = browserSkip();

interface Outcome {
  name: string;
  ok: boolean;
  skipped?: string;
  error?: string;
}

interface SessionResult {
  connected: boolean;
  name?: string;
  locked?: boolean;
  storeError?: boolean;
  message?: string;
}

void describe('IndexedDbStore in Chromium', { skip }, () => {
  let dir: string;
  let broker: Broker;
  let server: StaticServer;
  let browser: BrowserContext;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'steady-mqtt-indexeddb-'));
    buildBrowserBundles(dir);
    await build({
      entryPoints: [join(HERE, 'contract-entry.ts')],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: ['es2022'],
      outfile: join(dir, 'contract.js'),
      logLevel: 'warning',
      alias: {
        'node:test': join(HERE, 'shims/node-test.ts'),
        'node:assert/strict': join(HERE, 'shims/node-assert.ts'),
      },
      inject: [join(HERE, 'shims/buffer.ts')],
    });
    broker = await startBroker({ websockets: true, quietLog: true });
    server = await serveFiles(dir, join(HERE, 'pages'));
    browser = await launchChromium(join(dir, 'profile'));
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    await broker?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  void test('the store contract passes on Chromium’s IndexedDB', async () => {
    const page = await browser.newPage();
    try {
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(String(error)));
      await page.goto(`${server.origin}/contract.html`, { timeout: 10_000 });
      const outcomes = await pageResult<Outcome[]>(page, 120_000);
      assert.deepEqual(errors, []);
      assert.ok(outcomes.length >= 16, `only ${outcomes.length} tests ran`);
      const failed = outcomes.filter((o) => !o.ok);
      assert.deepEqual(failed, [], failed.map((o) => `${o.name}: ${o.error}`).join('\n'));
      // The store is durable there: the reopen test ran, it did not skip.
      assert.deepEqual(
        outcomes.filter((o) => o.skipped !== undefined),
        [],
      );
    } finally {
      await page.close();
    }
  });

  void test('a second tab on the same session is refused with SessionLockedError until the first releases it', async () => {
    const clientId = uniqueId('tab');
    const url = (id: string): string => `${server.origin}/session.html?port=${broker.wsPort}&clientId=${id}`;
    const first = await browser.newPage();
    const second = await browser.newPage();
    const other = await browser.newPage();
    try {
      await first.goto(url(clientId));
      assert.deepEqual(await pageResult<SessionResult>(first), { connected: true });
      await second.goto(url(clientId));
      const refused = await pageResult<SessionResult>(second);
      assert.equal(refused.connected, false);
      assert.equal(refused.locked, true, JSON.stringify(refused));
      assert.equal(refused.storeError, true);
      assert.equal(refused.name, 'SessionLockedError');
      assert.match(refused.message ?? '', /in use by another tab/);
      // Another session of the same database is free meanwhile.
      await other.goto(url(uniqueId('tab')));
      assert.deepEqual(await pageResult<SessionResult>(other), { connected: true });
      assert.equal(
        await first.evaluate(() => (window as unknown as { release(): Promise<string> }).release()),
        'released',
      );
      await second.reload();
      assert.deepEqual(await pageResult<SessionResult>(second), { connected: true });
    } finally {
      await Promise.all([first.close(), second.close(), other.close()]);
    }
  });
});

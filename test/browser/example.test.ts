/**
 * The browser example (examples/browser, `npm run demo:browser`) in Chromium: started as the script starts it
 * (bundles built, a private Mosquitto with a WebSocket listener, a static server), the page connects, a message
 * published from its form appears in its list, and so does one published from Node.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { BrowserContext } from 'playwright-core';
import { startDemo, type Demo } from '../../examples/browser/serve.js';
import { MQTTProtocolVersion } from '../../src/index.js';
import { connected, recordingClient, shutdown } from '../client/helpers.js';
import { browserSkip, launchChromium } from './harness.js';

const skip = browserSkip();

void describe('the browser example', { skip }, () => {
  let demo: Demo;
  let dir: string;
  let browser: BrowserContext;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'steady-mqtt-example-'));
    demo = await startDemo();
    browser = await launchChromium(join(dir, 'profile'));
  });

  after(async () => {
    await browser?.close();
    await demo?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  void test('shows a message published from its form and one published from Node', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(String(error)));
    const node = recordingClient(MQTTProtocolVersion.MQTTv5);
    try {
      await page.goto(demo.url);
      await page.getByText(/^connected to /).waitFor({ timeout: 15_000 });
      await page.fill('input[name=topic]', 'demo/from-the-form');
      await page.fill('input[name=payload]', 'hello from the page');
      await page.selectOption('select[name=qos]', '2');
      await page.click('button[type=submit]');
      await page.getByText(/message \d+ published/).waitFor({ timeout: 10_000 });
      const list = page.locator('#messages li');
      await list
        .filter({ hasText: 'demo/from-the-form  [QoS 1]  hello from the page' })
        .waitFor({ timeout: 10_000 });

      await connected(node, demo.broker.host, demo.broker.port);
      const info = node.client.publish('demo/from-node', 'hello from Node', 1);
      await info.waitForPublish(5000);
      await list.filter({ hasText: 'demo/from-node  [QoS 1]  hello from Node' }).waitFor({ timeout: 10_000 });
      assert.equal(await list.count(), 2);
      assert.deepEqual(errors, []);
    } finally {
      await page.close();
      await shutdown(node);
    }
  });
});

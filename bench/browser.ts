/**
 * `npm run bench:browser`: QoS 1 publishing in headless Chromium (Debian's, through playwright-core) against a
 * private Mosquitto over WebSocket, with `IndexedDbStore` and with `MemoryStore`, in the same page: each trial
 * publishes `--messages` QoS 1 messages at once (the client's in-flight window paces them) and times the first
 * publish() to the last PUBACK (`waitForPublish()`). The stores alternate, `--runs` trials each; the medians and
 * their ratio are printed, with the load average. Nothing is asserted: the figures go to docs/benchmarks.md.
 *
 *   npm run bench:browser -- [--messages 5000] [--runs 3] [--payload 64]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { browserSkip, buildBrowserBundles, launchChromium } from '../test/browser/harness.js';
import { startBroker } from '../test/support/mosquitto.js';
import { serveFiles } from '../test/support/static-server.js';
import { describeCommit } from './lib/machine.js';
import { median } from './lib/stats.js';

type StoreKind = 'indexeddb' | 'memory';

interface TrialResult {
  messagesPerSecond: number;
  error: string | null;
}

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} takes a positive integer`);
  return value;
}

/** Run in the page: one trial (a new client and, for IndexedDB, a new database). */
const TRIAL = String.raw`async ({ store, port, messages, payloadBytes, trial }) => {
  const { Client, CallbackAPIVersion, MQTTProtocolVersion, MemoryStore } = await import('./steady-mqtt.js');
  const { IndexedDbStore } = await import('./indexeddb.js');
  const sessionStore = store === 'indexeddb' ? new IndexedDbStore({ name: 'bench-' + trial }) : new MemoryStore();
  const client = new Client(CallbackAPIVersion.VERSION2, {
    clientId: 'bench-' + store + '-' + trial,
    cleanSession: false,
    protocol: MQTTProtocolVersion.MQTTv311,
    transport: 'websockets',
    store: sessionStore,
  });
  try {
    client.loopStart();
    await client.connectAndWait('127.0.0.1', port, 60, undefined, undefined, undefined, undefined, { timeoutMs: 10000 });
    const payload = new Uint8Array(payloadBytes);
    const started = performance.now();
    const acknowledged = [];
    for (let i = 0; i < messages; i++) acknowledged.push(client.publish('bench/browser', payload, 1).waitForPublish());
    await Promise.all(acknowledged);
    const seconds = (performance.now() - started) / 1000;
    await client.disconnectAndWait(undefined, undefined, { timeoutMs: 10000 });
    return { messagesPerSecond: messages / seconds, error: null };
  } catch (error) {
    return { messagesPerSecond: 0, error: String(error?.stack ?? error) };
  } finally {
    client.loopStop();
    await sessionStore.close();
  }
}`;

async function main(): Promise<void> {
  const skip = browserSkip();
  if (skip !== false) throw new Error(skip);
  const messages = option('messages', 5000);
  const runs = option('runs', 3);
  const payloadBytes = option('payload', 64);
  const dir = mkdtempSync(join(tmpdir(), 'steady-mqtt-bench-browser-'));
  const broker = await startBroker({ websockets: true, quietLog: true });
  try {
    buildBrowserBundles(dir);
    writeFileSync(join(dir, 'index.html'), '<!doctype html><meta charset="utf-8"><title>bench</title>');
    const server = await serveFiles(dir);
    const browser = await launchChromium(join(dir, 'profile'));
    const load = loadavg()[0];
    const results: Record<StoreKind, number[]> = { indexeddb: [], memory: [] };
    try {
      const page = await browser.newPage();
      await page.goto(`${server.origin}/`);
      let trial = 0;
      for (let run = 0; run < runs; run++) {
        // Alternate, so that a change in the machine's load weighs on both stores alike.
        for (const store of (run % 2 === 0
          ? ['memory', 'indexeddb']
          : ['indexeddb', 'memory']) as StoreKind[]) {
          const result = await page.evaluate<TrialResult>(
            `(${TRIAL})(${JSON.stringify({ store, port: broker.wsPort, messages, payloadBytes, trial: trial++ })})`,
          );
          if (result.error !== null) throw new Error(`${store}: ${result.error}`);
          results[store].push(result.messagesPerSecond);
          console.log(`run ${run + 1} ${store.padEnd(9)} ${Math.round(result.messagesPerSecond)} messages/s`);
        }
      }
    } finally {
      await browser.close();
      await server.close();
    }
    const idb = median(results.indexeddb);
    const memory = median(results.memory);
    console.log(
      `\nQoS 1, ${messages} messages of ${payloadBytes} B, ${runs} runs each, commit ${describeCommit(process.cwd())}, ` +
        `load average ${load.toFixed(2)} at the start, ${loadavg()[0].toFixed(2)} at the end`,
    );
    console.log(`MemoryStore    median ${Math.round(memory)} messages/s`);
    console.log(
      `IndexedDbStore median ${Math.round(idb)} messages/s (${(idb / memory).toFixed(2)}x MemoryStore)`,
    );
  } finally {
    await broker.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

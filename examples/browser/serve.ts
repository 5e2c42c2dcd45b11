/**
 * `npm run demo:browser`: builds the browser bundles, starts a private Mosquitto with a WebSocket listener and a
 * static file server for this folder, both on loopback (free ports), prints the page's URL and runs until Ctrl-C,
 * which stops the broker (by its process id) and the server. test/browser/example.test.ts uses `startDemo()`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import process from 'node:process';
import { startBroker, type Broker } from '../../test/support/mosquitto.js';
import { serveFiles } from '../../test/support/static-server.js';

const HERE = import.meta.dirname;
const ROOT = resolve(HERE, '../..');

export interface Demo {
  /** The page, with the broker's WebSocket port in its query. */
  readonly url: string;
  readonly broker: Broker;
  stop(): Promise<void>;
}

export async function startDemo(): Promise<Demo> {
  const dir = mkdtempSync(join(tmpdir(), 'steady-mqtt-demo-browser-'));
  try {
    // The page imports ./steady-mqtt.js and ./indexeddb.js: built into the demo's own folder, not dist/.
    const built = spawnSync(
      process.execPath,
      [join(ROOT, 'scripts/build-browser.mjs'), '--outfile', join(dir, 'steady-mqtt.js')],
      { encoding: 'utf8', timeout: 60_000 },
    );
    if (built.status !== 0) throw new Error(`the browser build failed: ${built.stderr}`);
    const broker = await startBroker({ websockets: true, quietLog: true });
    const server = await serveFiles(HERE, dir).catch(async (error: unknown) => {
      await broker.stop();
      throw error;
    });
    return {
      url: `${server.origin}/?port=${broker.wsPort}`,
      broker,
      stop: async () => {
        await server.close();
        await broker.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

async function main(): Promise<void> {
  const demo = await startDemo();
  console.log(`Mosquitto: mqtt://127.0.0.1:${demo.broker.port} and ${demo.broker.wsUrl ?? ''}`);
  console.log(`Open ${demo.url}`);
  console.log(
    `Publish from a shell: node --import tsx src/cli/main.ts pub -p ${demo.broker.port} -t demo/shell -m hello`,
  );
  console.log('Ctrl-C stops the broker and the server.');
  await new Promise<void>((done) => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  await demo.stop();
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === resolve(HERE, 'serve.ts')) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}

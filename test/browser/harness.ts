/**
 * What the browser tests share: Debian's Chromium (headless, driven by playwright-core: no browser download), a
 * static file server on loopback, and the bundles the pages load (`steady-mqtt.js` and `indexeddb.js`, built by
 * scripts/build-browser.mjs into the test's own folder, so a test never replaces dist/).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { hasMosquitto } from '../support/mosquitto.js';
import { LOOPBACK } from '../support/ports.js';

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

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

export interface StaticServer {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  close(): Promise<void>;
}

/** Serves the files of `roots` (the first that has the path wins) on a free loopback port; GET only. */
export async function serveFiles(...roots: string[]): Promise<StaticServer> {
  const server = createServer((request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname));
    const relative = path === '/' ? 'index.html' : path.slice(1);
    for (const root of roots) {
      const file = resolve(root, relative);
      if (!file.startsWith(resolve(root)) || !existsSync(file)) continue;
      const type = TYPES[extname(file)] ?? 'application/octet-stream';
      response.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' }).end(readFileSync(file));
      return;
    }
    response.writeHead(404).end();
  });
  await new Promise<void>((done) => server.listen({ host: LOOPBACK, port: 0 }, done));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://${LOOPBACK}:${port}`,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

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

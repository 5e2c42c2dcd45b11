/**
 * The npm package as a user gets it: the build goes to a temporary folder, `npm pack` makes the tarball, and the
 * tarball is unpacked into a scratch app's node_modules (the layout `npm install <tarball>` makes; the one
 * dependency, `ws`, is linked from this repository's node_modules so that the test needs no registry). Then:
 * `import { Client } from 'steady-mqtt'` is bundled for the browser with esbuild and with Vite, each bundle is
 * loaded in Debian's Chromium against Mosquitto over WebSocket (QoS 0, 1 and 2 round trips), and the same
 * tarball is checked with `require`, `import` and `tsc` (moduleResolution node16 and bundler).
 */
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium, type BrowserContext } from 'playwright-core';
import { pageHtml } from '../browser/page.js';
import { hasMosquitto, startBroker, type Broker } from '../support/mosquitto.js';
import { LOOPBACK } from '../support/ports.js';

const ROOT = resolve(import.meta.dirname, '../..');
const CHROMIUM = '/usr/bin/chromium';
const skipBrowser = !existsSync(CHROMIUM)
  ? `Chromium is not installed at ${CHROMIUM} (apt-get install -y chromium)`
  : !hasMosquitto()
    ? 'mosquitto is not installed'
    : false;

function run(command: string, args: string[], cwd: string): SpawnSyncReturns<string> {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: 120_000 });
  assert.equal(result.status, 0, `${command} ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
  return result;
}
const node = (args: string[], cwd: string): SpawnSyncReturns<string> => run(process.execPath, args, cwd);

interface PageResult {
  received: { qos: number; payload: string }[];
  published: { qos: number; rc: number }[];
  error: string | null;
}

void describe('the packed npm package', () => {
  let dir: string;
  let app: string;
  let packed: string[];

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'steady-mqtt-package-'));
    const stage = join(dir, 'stage');
    mkdirSync(stage);
    node(['scripts/build.mjs', '--out', join(stage, 'dist')], ROOT);
    for (const file of ['package.json', 'README.md']) cpSync(join(ROOT, file), join(stage, file));
    const pack = run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], stage);
    const [info] = JSON.parse(pack.stdout) as { filename: string; files: { path: string }[] }[];
    assert.ok(info !== undefined);
    packed = info.files.map((f) => f.path);
    app = join(dir, 'app');
    const installed = join(app, 'node_modules/steady-mqtt');
    mkdirSync(installed, { recursive: true });
    run('tar', ['xzf', join(dir, info.filename), '-C', installed, '--strip-components=1'], dir);
    symlinkSync(join(ROOT, 'node_modules/ws'), join(app, 'node_modules/ws'));
    symlinkSync(join(ROOT, 'node_modules/@types'), join(app, 'node_modules/@types'));
    writeFileSync(
      join(app, 'package.json'),
      '{ "name": "scratch-app", "private": true, "type": "module" }\n',
    );
    // The app's whole use of the library: what the test page imports from './steady-mqtt.js'.
    writeFileSync(join(app, 'entry.js'), "export * from 'steady-mqtt';\n");
  });

  after(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  void test('the tarball holds the ES module, CommonJS and browser builds with their types, and no sources', () => {
    for (const file of [
      'dist/esm/index.js',
      'dist/esm/index.d.ts',
      'dist/cjs/index.js',
      'dist/cjs/index.d.ts',
      'dist/browser/steady-mqtt.js',
      'dist/esm/browser.d.ts',
      'dist/browser/indexeddb.js',
      'dist/esm/indexeddb.d.ts',
      'dist/cjs/indexeddb.js',
    ]) {
      assert.ok(packed.includes(file), `${file} is not in the tarball`);
    }
    assert.deepEqual(
      packed.filter((f) => f.startsWith('src/') || f.startsWith('test/')),
      [],
    );
  });

  void test('require and import resolve on Node (main entry and ./paho)', () => {
    const required = node(['-e', "process.stdout.write(typeof require('steady-mqtt').Client)"], app);
    assert.equal(required.stdout, 'function');
    const imported = node(
      [
        '--input-type=module',
        '-e',
        "import { Client } from 'steady-mqtt'; process.stdout.write(typeof Client)",
      ],
      app,
    );
    assert.equal(imported.stdout, 'function');
    const paho = node(['--input-type=module', '-e', "import('steady-mqtt/paho').then(() => {})"], app);
    assert.equal(paho.status, 0);
  });

  for (const [name, moduleKind, resolution] of [
    ['node16', 'node16', 'node16'],
    ['bundler', 'esnext', 'bundler'],
  ] as const) {
    void test(`tsc resolves the types with moduleResolution ${name}`, () => {
      const project = join(app, `ts-${name}`);
      mkdirSync(project);
      writeFileSync(
        join(project, 'check.ts'),
        [
          "import { Client, CallbackAPIVersion, type MQTTMessage } from 'steady-mqtt';",
          'const client: Client = new Client(CallbackAPIVersion.VERSION2);',
          'client.onMessage = (_c, _u, message: MQTTMessage) => void message.topic;',
          '',
        ].join('\n'),
      );
      const files = ['check.ts'];
      if (name === 'node16') {
        // A CommonJS file of the same app: under node16 it resolves through the `require` condition.
        writeFileSync(
          join(project, 'check-require.cts'),
          "import steady = require('steady-mqtt');\nconst client: steady.Client = new steady.Client(steady.CallbackAPIVersion.VERSION2);\nvoid client;\n",
        );
        files.push('check-require.cts');
      }
      writeFileSync(
        join(project, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: {
            target: 'es2022',
            module: moduleKind,
            moduleResolution: resolution,
            strict: true,
            noEmit: true,
            types: ['node'],
          },
          files,
        }),
      );
      node([join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', project], app);
    });
  }

  const bundles = new Map<string, Buffer>();

  void test('esbuild bundles it for the browser with no configuration and nothing from Node', () => {
    run(
      join(ROOT, 'node_modules/esbuild/bin/esbuild'),
      ['entry.js', '--bundle', '--platform=browser', '--format=esm', '--outfile=out-esbuild/steady-mqtt.js'],
      app,
    );
    const bundle = readFileSync(join(app, 'out-esbuild/steady-mqtt.js'));
    assert.doesNotMatch(bundle.toString('utf8'), /["'`]node:|from\s*["']ws["']|better-sqlite3/);
    bundles.set('esbuild', bundle);
  });

  void test('Vite bundles it for the browser with no configuration beyond the entry point', () => {
    writeFileSync(
      join(app, 'vite.config.mjs'),
      "export default { logLevel: 'warn', build: { outDir: 'out-vite', lib: { entry: 'entry.js', formats: ['es'], fileName: () => 'steady-mqtt.js' } } };\n",
    );
    node([join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'vite.config.mjs'], app);
    const bundle = readFileSync(join(app, 'out-vite/steady-mqtt.js'));
    assert.doesNotMatch(bundle.toString('utf8'), /["'`]node:|from\s*["']ws["']|better-sqlite3/);
    bundles.set('vite', bundle);
  });

  void describe('each bundle in Chromium against Mosquitto over WebSocket', { skip: skipBrowser }, () => {
    let broker: Broker;
    let server: Server;
    let browser: BrowserContext;
    let origin: string;

    before(async () => {
      broker = await startBroker({ websockets: true });
      server = createServer((request, response) => {
        const url = new URL(request.url ?? '/', 'http://localhost');
        const [, bundler, file] = url.pathname.split('/');
        const bundle = bundles.get(bundler ?? '');
        if (bundle !== undefined && file === '') {
          response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(pageHtml());
        } else if (bundle !== undefined && file === 'steady-mqtt.js') {
          response.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
        } else {
          response.writeHead(404).end();
        }
      });
      await new Promise<void>((done) => server.listen({ host: LOOPBACK, port: 0 }, done));
      origin = `http://${LOOPBACK}:${(server.address() as AddressInfo).port}`;
      browser = await chromium.launchPersistentContext(join(dir, 'profile'), {
        executablePath: CHROMIUM,
        headless: true,
        timeout: 30_000,
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--no-first-run',
          '--disable-background-networking',
        ],
      });
    });

    after(async () => {
      await browser?.close();
      await new Promise<void>((done) => (server === undefined ? done() : server.close(() => done())));
      await broker?.stop();
    });

    for (const bundler of ['esbuild', 'vite']) {
      void test(`the ${bundler} bundle does QoS 0, 1 and 2 round trips`, async () => {
        assert.ok(bundles.has(bundler), `the ${bundler} bundle was not built`);
        const page = await browser.newPage();
        try {
          const pageErrors: string[] = [];
          page.on('pageerror', (error) => pageErrors.push(String(error)));
          await page.goto(`${origin}/${bundler}/?port=${broker.wsPort}&v5=1`, { timeout: 10_000 });
          await page.waitForFunction(() => document.getElementById('result')?.textContent !== '', undefined, {
            timeout: 20_000,
          });
          const result = JSON.parse((await page.textContent('#result')) ?? '{}') as PageResult;
          assert.equal(result.error, null, result.error ?? '');
          assert.deepEqual(pageErrors, []);
          assert.deepEqual(
            result.published.map((p) => [p.qos, p.rc]),
            [
              [0, 0],
              [1, 0],
              [2, 0],
            ],
          );
          assert.deepEqual(result.received.map((m) => [m.qos, m.payload]).sort(), [
            [0, 'hello at qos 0'],
            [1, 'hello at qos 1'],
            [2, 'hello at qos 2'],
          ]);
        } finally {
          await page.close();
        }
      });
    }
  });
});

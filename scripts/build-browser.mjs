// Builds the browser bundle: dist/browser/steady-mqtt.js, one minified ES module from src/browser.ts.
// The Node transports (node:net, node:tls, node:dns, the `ws` package) are swapped for the browser's: every import
// of src/transport/platform.js (from any module) resolves to src/transport/platform-browser.ts (WebSocket on the global only).
// The build fails if any Node module is still reachable.
// Beside it, dist/browser/indexeddb.js (`steady-mqtt/indexeddb` for browsers): IndexedDbStore, importing what it
// shares with the client (StoreError, MemoryStore) from the main bundle, so that a page loads those classes once
// and `instanceof StoreError` holds across both. Pages that keep sessions in memory never load it.
// Usage: node scripts/build-browser.mjs [--outfile path] [--metafile path]
import { build } from 'esbuild';
import console from 'node:console';
import process from 'node:process';
import { gzipSync } from 'node:zlib';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const outfile = resolve(arg('--outfile', join(root, 'dist/browser/steady-mqtt.js')));
const metafilePath = arg('--metafile', undefined);

const browserPlatform = {
  name: 'steady-mqtt-browser-platform',
  setup(b) {
    // Any import of src/transport/platform.js, whoever imports it.
    b.onResolve({ filter: /(^|\/)platform\.js$/ }, (args) =>
      resolve(args.resolveDir, args.path) === join(root, 'src/transport/platform.js')
        ? { path: join(root, 'src/transport/platform-browser.ts') }
        : undefined,
    );
    // Any Node built-in still reachable is an error, not a silent shim.
    b.onResolve({ filter: /^(node:|ws$|better-sqlite3$)/ }, (args) => ({
      errors: [{ text: `${args.path} must not reach the browser bundle (imported by ${args.importer})` }],
    }));
  },
};

const result = await build({
  entryPoints: [join(root, 'src/browser.ts')],
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['es2022'],
  minify: true,
  sourcemap: false,
  legalComments: 'none',
  outfile,
  metafile: true,
  logLevel: 'warning',
  plugins: [browserPlatform],
});

// The modules of the main bundle that IndexedDbStore uses: imported from it, not bundled a second time.
const shared = new Set(['src/store/errors.js', 'src/store/memory-store.js'].map((p) => join(root, p)));
const mainBundle = `./${basename(outfile)}`;
const fromMainBundle = {
  name: 'steady-mqtt-from-main-bundle',
  setup(b) {
    b.onResolve({ filter: /\.js$/ }, (args) =>
      shared.has(resolve(args.resolveDir, args.path)) ? { path: mainBundle, external: true } : undefined,
    );
  },
};
const storeOutfile = join(dirname(outfile), 'indexeddb.js');
await build({
  entryPoints: [join(root, 'src/indexeddb.ts')],
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['es2022'],
  minify: true,
  sourcemap: false,
  legalComments: 'none',
  outfile: storeOutfile,
  logLevel: 'warning',
  plugins: [fromMainBundle, browserPlatform],
});

if (metafilePath !== undefined) writeFileSync(metafilePath, JSON.stringify(result.metafile));
for (const file of [outfile, storeOutfile]) {
  const code = readFileSync(file);
  const gzipped = gzipSync(code, { level: 9 }).length;
  console.log(
    `${file}: ${(code.length / 1024).toFixed(1)} KiB minified, ${(gzipped / 1024).toFixed(1)} KiB gzipped`,
  );
}

// Builds the ES module and CommonJS outputs with their type declarations, and the browser bundle.
// Usage: node scripts/build.mjs [--out dir]   (default dist; the package test builds into a temporary folder so
// that it never replaces the dist/ other tests are running from)
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const outIndex = process.argv.indexOf('--out');
const out = outIndex >= 0 ? process.argv[outIndex + 1] : 'dist';
const tsc = ['node_modules/typescript/bin/tsc'];
rmSync(out, { recursive: true, force: true });
const compile = (project, outDir) =>
  execFileSync(process.execPath, [...tsc, '-p', project, '--outDir', outDir], { stdio: 'inherit' });
compile('tsconfig.build.json', join(out, 'esm'));
compile('tsconfig.cjs.json', join(out, 'cjs'));
mkdirSync(join(out, 'cjs'), { recursive: true });
// Node decides the module kind of a .js file from the nearest package.json.
writeFileSync(join(out, 'cjs/package.json'), '{ "type": "commonjs" }\n');
// Plain CommonJS that both builds load as it is (tsc does not copy it): the `require` of better-sqlite3.
for (const build of ['esm', 'cjs']) {
  copyFileSync('src/store/sqlite/require-package.cjs', join(out, build, 'store/sqlite/require-package.cjs'));
}
const cli = join(out, 'esm/cli/main.js');
if (existsSync(cli)) chmodSync(cli, 0o755);
// The single-file ES module for browsers, which the package's `browser` export condition points to.
execFileSync(
  process.execPath,
  ['scripts/build-browser.mjs', '--outfile', join(out, 'browser/steady-mqtt.js')],
  { stdio: 'inherit' },
);

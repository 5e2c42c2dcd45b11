// Runs every test file under test/ with node:test through tsx.
// Usage: npm test [-- <path-filter>...]   e.g. npm test -- packet topic
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function collect(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...collect(path));
    else if (name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

const filters = process.argv.slice(2);
const files = collect('test').filter((f) => filters.length === 0 || filters.some((p) => f.includes(p)));
if (files.length === 0) {
  console.error(`no test file matches ${filters.join(' ')}`);
  process.exit(1);
}
// The first preload fails a file on any unhandled rejection or uncaught exception, even one after its test
// ended; the second, the secrets scan, fails a file whose clients log or report a fixture secret
// (test/support/scan-secrets.ts). The scan costs less than the run-to-run noise (docs/reliability.md), so it is
// always on; STEADY_SCAN_SECRETS=0 leaves it out.
const preloads = ['./test/support/fail-on-unhandled.ts'];
if (process.env.STEADY_SCAN_SECRETS !== '0') preloads.push('./test/support/scan-secrets.ts');
const args = [
  '--import',
  'tsx',
  ...preloads.flatMap((preload) => ['--import', preload]),
  '--test',
  '--test-concurrency=2',
  '--test-reporter=spec',
  ...files,
];
const result = spawnSync(process.execPath, args, { stdio: 'inherit' });
process.exit(result.status ?? 1);

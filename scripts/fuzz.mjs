// Runs the fuzz targets, by default both side by side, one process each (2 cores):
//   npm run fuzz -- --minutes N [--seed S] [--target decoder|engine]
// The targets and the code under test are first transpiled, file for file, to plain JavaScript in
// .tmp/fuzz-build/ (same layout, so coverage still tells src/packet/ and src/session/ from the rest), and run
// without tsx: its per-function name helpers and loader hooks cost the engine target about a third of its speed.
// Each prints progress every 30 s and a JSON line of figures at the end; crashing inputs are kept, minimised,
// in test/fuzz/regressions/<target>/ (replayed by test/fuzz/regressions.test.ts). Exits 1 on any crash.
import { build } from 'esbuild';
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '1' },
    seed: { type: 'string' },
    target: { type: 'string' },
  },
});
const seconds = Math.round(Number(values.minutes) * 60);
const targets = values.target === undefined ? ['decoder', 'engine'] : [values.target];
if (!(seconds > 0) || !targets.every((t) => t === 'decoder' || t === 'engine')) {
  console.error('usage: npm run fuzz -- --minutes N [--seed S] [--target decoder|engine]');
  process.exit(2);
}

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, '.tmp', 'fuzz-build');
const entry = join(root, 'test', 'fuzz', 'run.ts');
// Which files the runner reaches (a bundle's metafile lists them), then each of them transpiled alone.
const reach = await build({
  entryPoints: [entry],
  bundle: true,
  write: false,
  metafile: true,
  platform: 'node',
  format: 'esm',
  logLevel: 'silent',
});
const files = Object.keys(reach.metafile.inputs)
  .filter((f) => f.endsWith('.ts'))
  .map((f) => join(root, f));
rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: files,
  outbase: root,
  outdir,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
});

const runs = targets.map(
  (target) =>
    new Promise((resolveRun) => {
      const args = ['--enable-source-maps', join(outdir, 'test', 'fuzz', 'run.js'), target, String(seconds)];
      if (values.seed !== undefined) args.push(values.seed);
      // The built runner keeps its corpus and crashes in this checkout, not under .tmp/fuzz-build/.
      const child = spawn(process.execPath, args, {
        stdio: 'inherit',
        env: { ...process.env, FUZZ_ROOT: root },
      });
      child.on('exit', (code) => resolveRun(code ?? 1));
    }),
);
const codes = await Promise.all(runs);
process.exit(codes.every((c) => c === 0) ? 0 : 1);

// Runs both fuzz targets side by side, one process each (2 cores):
//   npm run fuzz -- --minutes N [--seed S]
// Each prints progress every 30 s and a JSON line of figures at the end; crashing inputs are kept, minimised,
// in test/fuzz/regressions/<target>/ (replayed by test/fuzz/regressions.test.ts). Exits 1 on any crash.
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { minutes: { type: 'string', default: '1' }, seed: { type: 'string' } },
});
const seconds = Math.round(Number(values.minutes) * 60);
if (!(seconds > 0)) {
  console.error('usage: npm run fuzz -- --minutes N [--seed S]');
  process.exit(2);
}
const runs = ['decoder', 'engine'].map(
  (target) =>
    new Promise((resolve) => {
      const args = ['--import', 'tsx', 'test/fuzz/run.ts', target, String(seconds)];
      if (values.seed !== undefined) args.push(values.seed);
      const child = spawn(process.execPath, args, { stdio: 'inherit' });
      child.on('exit', (code) => resolve(code ?? 1));
    }),
);
const codes = await Promise.all(runs);
process.exit(codes.every((c) => c === 0) ? 0 : 1);

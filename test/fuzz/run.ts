/**
 * One fuzz target for a while: `node --import tsx test/fuzz/run.ts <decoder|engine> <seconds> [seed]`.
 * `npm run fuzz -- --minutes N` (scripts/fuzz.mjs) runs both targets side by side. Prints progress lines and,
 * at the end, one JSON line with the figures; exits 1 when an input broke an invariant. The corpus and the
 * crashes go under FUZZ_ROOT (set by scripts/fuzz.mjs, which runs a transpiled copy) or this checkout.
 */
import { join } from 'node:path';
import { decoderTarget } from './decoder-target.js';
import { engineTarget } from './engine-target.js';
import { fuzz } from './fuzzer.js';

const targets = { decoder: decoderTarget, engine: engineTarget };
const [name, secondsArg, seedArg] = process.argv.slice(2);
const target = targets[name as keyof typeof targets] as (typeof targets)[keyof typeof targets] | undefined;
const seconds = Number(secondsArg);
if (target === undefined || !(seconds > 0)) {
  console.error('usage: run.ts <decoder|engine> <seconds> [seed]');
  process.exit(2);
}
const root = process.env.FUZZ_ROOT ?? join(import.meta.dirname, '..', '..');
const result = fuzz({
  target,
  deadline: Date.now() + seconds * 1000,
  crashDir: join(root, 'test', 'fuzz', 'regressions', target.name),
  corpusDir: join(root, '.tmp', 'fuzz-corpus', target.name),
  seed: seedArg === undefined ? Date.now() : Number(seedArg),
  reportMs: 30_000,
  report: (s) =>
    console.log(
      `fuzz ${s.target}: ${s.executions} inputs, ${s.corpus} in corpus, ${s.features} features, ${s.crashes} crashes, ${s.seconds} s (${s.cpuSeconds} s of CPU)`,
    ),
});
console.log(JSON.stringify(result));
process.exit(result.crashes > 0 ? 1 : 0);

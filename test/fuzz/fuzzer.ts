/**
 * A coverage-guided fuzzing loop: mutate an input of the corpus, run it, keep it if it reached code (or a hit
 * count) no earlier input did. Coverage is taken once per batch of inputs, which keeps V8's coverage snapshot
 * off the hot path; a batch that found something new is replayed input by input to find which ones did.
 * An input that breaks an invariant is written to the regression folder and the run goes on.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Coverage, type CoverageSummary } from './coverage.js';
import { failsAlike, failureOf, minimise, signatureOf } from './minimise.js';
import { mutate, Random } from './mutate.js';
import type { FuzzTarget } from './target.js';

const BATCH = 256;
/**
 * Stack traces are off while inputs run: bad bytes make errors on the common path, and capturing their stacks
 * cost more than all the rest of an engine input. No invariant reads a stack; a failing input is run again
 * with stacks on, so what is reported and minimised is the real failure with its frames.
 */
const RUNNING_STACK_LIMIT = 0;
/** An input that runs longer than this is reported as a hang (the targets bound their own loops). */
const SLOW_MS = 1000;

export interface FuzzOptions {
  target: FuzzTarget;
  deadline: number;
  /** Where crashing inputs go (one hex file each; replayed by test/fuzz/regressions.test.ts). */
  crashDir: string;
  /** A working corpus kept between runs (not committed). */
  corpusDir: string;
  seed: number;
  /** Called about every `reportMs` with the figures so far. */
  report: (stats: FuzzStats) => void;
  reportMs: number;
}

export interface FuzzStats {
  target: string;
  executions: number;
  corpus: number;
  features: number;
  crashes: number;
  seconds: number;
  /** CPU time of this process so far: inputs per CPU second is the speed a shared machine's load does not skew. */
  cpuSeconds: number;
  /** Batches that found something and were replayed input by input. */
  replays: number;
  coverage?: CoverageSummary;
}

export function readHexDir(dir: string): Uint8Array[] {
  let names: string[];
  try {
    names = readdirSync(dir)
      .filter((n) => n.endsWith('.hex'))
      .sort();
  } catch {
    return [];
  }
  return names.map((n) => Buffer.from(readFileSync(join(dir, n), 'utf8').trim(), 'hex'));
}

function writeHex(dir: string, input: Uint8Array): string {
  mkdirSync(dir, { recursive: true });
  const name = `${createHash('sha256').update(input).digest('hex').slice(0, 16)}.hex`;
  writeFileSync(join(dir, name), `${Buffer.from(input).toString('hex')}\n`);
  return name;
}

export function fuzz(o: FuzzOptions): FuzzStats {
  const fullStackLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = RUNNING_STACK_LIMIT;
  try {
    return fuzzLoop(o, fullStackLimit);
  } finally {
    Error.stackTraceLimit = fullStackLimit;
  }
}

function cpuSecondsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return Math.round((used.user + used.system) / 1e5) / 10;
}

function fuzzLoop(o: FuzzOptions, fullStackLimit: number): FuzzStats {
  const started = Date.now();
  const cpuStarted = process.cpuUsage();
  const coverage = new Coverage((url) => url.includes('/src/packet/') || url.includes('/src/session/'));
  const rnd = new Random(o.seed);
  const known = new Set<string>();
  const knownCoarse = new Set<string>();
  const corpus: Uint8Array[] = [];
  const crashed = new Set<string>();
  let executions = 0;
  let replays = 0;

  const runOne = (input: Uint8Array): void => {
    executions++;
    const t0 = Date.now();
    try {
      o.target.run(input);
    } catch (err) {
      recordCrash(input, err);
    }
    if (Date.now() - t0 > SLOW_MS && isSlow(input))
      recordCrash(input, new Error(`slow input: ${Date.now() - t0} ms`));
  };
  /** Times a slow input again: on a shared machine one slow run may be the scheduler or a GC, not the input. */
  const isSlow = (input: Uint8Array): boolean => {
    for (let attempt = 0; attempt < 2; attempt++) {
      const t0 = Date.now();
      try {
        o.target.run(input);
      } catch {
        // reported by runOne already
      }
      if (Date.now() - t0 <= SLOW_MS) return false;
    }
    return true;
  };
  const recordCrash = (input: Uint8Array, stackless: unknown): void => {
    Error.stackTraceLimit = fullStackLimit;
    try {
      recordWithStacks(input, failureOf(o.target, input) ?? stackless);
    } finally {
      Error.stackTraceLimit = RUNNING_STACK_LIMIT;
      // Minimising ran the target many times: the next input's coverage must not include those runs.
      coverage.take();
    }
  };
  const recordWithStacks = (input: Uint8Array, err: unknown): void => {
    // One file per distinct failure (its message's first line and the frame that threw), minimised first.
    const signature = signatureOf(err);
    if (crashed.has(signature)) return;
    crashed.add(signature);
    const small = minimise(input, (candidate) => failsAlike(o.target, candidate, signature));
    const name = writeHex(o.crashDir, small);
    const text = err instanceof Error ? (err.stack ?? err.message) : String(err);
    process.stderr.write(
      `fuzz ${o.target.name}: crash kept as ${name} (${small.length} of ${input.length} bytes)\n${text}\n`,
    );
  };
  /**
   * Runs `input` alone; keeps it when it adds features. The counters must have been reset just before (one
   * `take` after the previous input serves as the next one's reset, halving the takes of a replay).
   */
  const tryAdd = (input: Uint8Array): boolean => {
    runOne(input);
    let added = false;
    for (const f of coverage.take()) {
      if (!known.has(f)) {
        known.add(f);
        knownCoarse.add(f.includes('~') ? f : f.replace(/#\d+$/, ''));
        added = true;
      }
    }
    if (added) corpus.push(input);
    return added;
  };

  coverage.take();
  for (const input of [...o.target.seeds(), ...readHexDir(o.corpusDir), ...readHexDir(o.crashDir)])
    tryAdd(input);
  if (corpus.length === 0) corpus.push(...o.target.seeds());

  let lastReport = Date.now();
  const stats = (): FuzzStats => ({
    target: o.target.name,
    executions,
    corpus: corpus.length,
    features: known.size,
    crashes: crashed.size,
    seconds: Math.round((Date.now() - started) / 1000),
    cpuSeconds: cpuSecondsSince(cpuStarted),
    replays,
  });
  while (Date.now() < o.deadline) {
    const batch: Uint8Array[] = [];
    coverage.take();
    for (let i = 0; i < BATCH; i++) {
      // Recent finds are mutated more often: they sit at the frontier.
      const pick =
        rnd.below(2) === 0
          ? corpus.length - 1 - rnd.below(Math.min(64, corpus.length))
          : rnd.below(corpus.length);
      const input = mutate(corpus[pick], corpus, rnd);
      batch.push(input);
      runOne(input);
    }
    // A batch's counts are sums and its uncovered sets intersections, so its features are compared coarsely:
    // a block no input ever reached, or a set of uncovered blocks no batch had. Replays are then rare.
    let fresh = false;
    for (const f of coverage.take()) {
      const coarse = f.includes('~') ? f : f.replace(/#\d+$/, '');
      if (!knownCoarse.has(coarse)) {
        knownCoarse.add(coarse);
        fresh = true;
      }
    }
    if (fresh) {
      replays++;
      coverage.take();
      for (const input of batch) if (tryAdd(input)) writeHex(o.corpusDir, input);
    }
    if (Date.now() - lastReport >= o.reportMs) {
      lastReport = Date.now();
      o.report(stats());
    }
  }

  // Coverage of the final corpus, in one pass.
  coverage.take();
  for (const input of corpus) runOne(input);
  const final = { ...stats(), coverage: coverage.summary() };
  coverage.stop();
  return final;
}

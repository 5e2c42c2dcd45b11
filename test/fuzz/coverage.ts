/**
 * Coverage feedback for the fuzzer, from V8's own block coverage (the inspector's Profiler domain), so the
 * code under test runs as it ships: no instrumenting transform, no native add-on.
 *
 * `takePreciseCoverage` returns the block counts since the last call and resets them. V8 reports a nested
 * block only where its count differs from its parent's, so a block that starts running with its parent's count
 * shows as a zero-count range that disappears. The features below therefore name, per function: each reported
 * range with its count bucket, and the set of its zero-count ranges. Either changes when new code runs.
 */
import { Session } from 'node:inspector';

interface Range {
  startOffset: number;
  endOffset: number;
  count: number;
}
interface FunctionCoverage {
  functionName: string;
  ranges: Range[];
}
interface ScriptCoverage {
  url: string;
  functions: FunctionCoverage[];
}

/** AFL-style hit-count buckets: a loop that runs 1, 2, 3, 4-7, 8-15 ... times is a different behaviour. */
function bucket(count: number): number {
  if (count <= 3) return count;
  return 32 - Math.clz32(count);
}

export interface CoverageSummary {
  /** Functions of the code under test that ran at least once. */
  functionsHit: number;
  /** Functions of the code under test that V8 knows of (compiled ones). */
  functionsSeen: number;
  /** Blocks inside functions that ran but that never ran themselves. */
  blocksNotHit: number;
}

export class Coverage {
  readonly #session = new Session();
  readonly #filter: (url: string) => boolean;

  constructor(filter: (url: string) => boolean) {
    this.#filter = filter;
    this.#session.connect();
    this.#post('Profiler.enable');
    this.#post('Profiler.startPreciseCoverage', { callCount: true, detailed: true });
  }

  /** The features of everything that ran since the last call (and resets the counters). */
  take(): Set<string> {
    const features = new Set<string>();
    for (const script of this.#scripts()) {
      for (const fn of script.functions) {
        const [whole, ...inner] = fn.ranges;
        if (whole === undefined || whole.count === 0) continue;
        const key = `${script.url}:${whole.startOffset}`;
        features.add(`${key}#${bucket(whole.count)}`);
        const zero: number[] = [];
        for (const r of inner) {
          if (r.count === 0) zero.push(r.startOffset);
          else features.add(`${key}:${r.startOffset}-${r.endOffset}#${bucket(r.count)}`);
        }
        features.add(`${key}~${zero.join(',')}`);
      }
    }
    return features;
  }

  /** What the counters hold now: call after running the whole corpus once. */
  summary(): CoverageSummary {
    let functionsHit = 0;
    let functionsSeen = 0;
    let blocksNotHit = 0;
    for (const script of this.#scripts()) {
      for (const fn of script.functions) {
        const [whole, ...inner] = fn.ranges;
        if (whole === undefined) continue;
        functionsSeen++;
        if (whole.count === 0) continue;
        functionsHit++;
        blocksNotHit += inner.filter((r) => r.count === 0).length;
      }
    }
    return { functionsHit, functionsSeen, blocksNotHit };
  }

  stop(): void {
    this.#post('Profiler.stopPreciseCoverage');
    this.#session.disconnect();
  }

  #scripts(): ScriptCoverage[] {
    const result = this.#post('Profiler.takePreciseCoverage') as { result: ScriptCoverage[] };
    return result.result.filter((s) => this.#filter(s.url));
  }

  /** The in-process inspector session answers synchronously: the callback has run when `post` returns. */
  #post(method: string, params?: object): unknown {
    const reply: { answer?: unknown; failure?: Error | null } = {};
    this.#session.post(method, params, (err, result) => {
      reply.failure = err;
      reply.answer = result;
    });
    if (reply.failure) throw reply.failure;
    return reply.answer;
  }
}

/**
 * Runs scenarios: one broker per scenario, `runs` rounds alternating the peers' order (A B C, then C B A...),
 * every trial bounded by the scenario's timeout (its processes killed after it, whatever happened), and a
 * summary: the median of each metric per peer, and the median of the per-round ratios subject / peer.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Baselines, Metrics, PeerName, Scenario, Size, TrialEnv } from '../scenarios/types.js';
import { startBenchBroker } from './broker.js';
import type { Bundles } from './bundle.js';
import type { Runtime } from './runtime.js';
import { awaitExits, killAll } from './processes.js';
import { median, ratio } from './stats.js';

export interface TrialOutcome {
  peer: PeerName;
  /** 0-based round. */
  round: number;
  ok: boolean;
  metrics?: Metrics;
  error?: string;
  seconds: number;
}

export interface ScenarioSummary {
  /** Median of each metric over the peer's successful trials. */
  medians: Partial<Record<PeerName, Metrics>>;
  /** For each other peer: the median over rounds of subject / peer, per metric. */
  ratios: Partial<Record<PeerName, Metrics>>;
  failures: Partial<Record<PeerName, number>>;
}

export interface ScenarioOutcome {
  scenario: Scenario;
  description: string;
  trials: TrialOutcome[];
  summary: ScenarioSummary;
}

export interface RunOptions {
  size: Size;
  runs: number;
  bundles: Bundles;
  steadyNodeArgs: readonly string[];
  /** The runtime of the JavaScript peers (`--runtime`); Node when absent. */
  runtime?: Runtime;
  baselines: Baselines;
  /** Progress lines (the terminal's stderr). */
  progress: (line: string) => void;
  /** Describes a finished trial for the progress line. */
  describeTrial: (scenario: Scenario, outcome: TrialOutcome) => string;
}

let trialCounter = 0;

async function runTrial(
  scenario: Scenario,
  peer: PeerName,
  round: number,
  env: TrialEnv,
  size: Size,
): Promise<TrialOutcome> {
  const started = performance.now();
  const timeoutMs = env.timeoutMs;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
  });
  const trial = scenario.trial(peer, env, size);
  trial.catch(() => undefined);
  try {
    const metrics = await Promise.race([trial, timeout]);
    await awaitExits(5000);
    return { peer, round, ok: true, metrics, seconds: (performance.now() - started) / 1000 };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { peer, round, ok: false, error: message, seconds: (performance.now() - started) / 1000 };
  } finally {
    clearTimeout(timer);
    killAll();
    rmSync(env.dir, { recursive: true, force: true });
  }
}

export function summarize(scenario: Scenario, trials: readonly TrialOutcome[]): ScenarioSummary {
  const summary: ScenarioSummary = { medians: {}, ratios: {}, failures: {} };
  const [subject, ...others] = scenario.peers;
  const ok = (peer: PeerName): TrialOutcome[] => trials.filter((t) => t.peer === peer && t.ok);
  for (const peer of scenario.peers) {
    const good = ok(peer);
    summary.failures[peer] = trials.filter((t) => t.peer === peer && !t.ok).length;
    if (good.length === 0) continue;
    const medians: Metrics = {};
    for (const m of scenario.metrics) medians[m.key] = median(good.map((t) => t.metrics?.[m.key] ?? NaN));
    summary.medians[peer] = medians;
  }
  for (const peer of others) {
    const ratios: Metrics = {};
    for (const m of scenario.metrics) {
      const perRound: number[] = [];
      for (const a of ok(subject)) {
        const b = ok(peer).find((t) => t.round === a.round);
        const r = ratio(a.metrics?.[m.key] ?? NaN, b?.metrics?.[m.key] ?? NaN);
        if (Number.isFinite(r)) perRound.push(r);
      }
      ratios[m.key] = median(perRound);
    }
    summary.ratios[peer] = ratios;
  }
  return summary;
}

export async function runScenario(scenario: Scenario, options: RunOptions): Promise<ScenarioOutcome> {
  const trials: TrialOutcome[] = [];
  const description = scenario.describe(options.size);
  options.progress(`${scenario.id}. ${scenario.title}: ${description}`);
  const broker = await startBenchBroker(scenario.brokerMaxInflight);
  try {
    for (let round = 0; round < options.runs; round++) {
      const order = round % 2 === 0 ? scenario.peers : [...scenario.peers].reverse();
      for (const peer of order) {
        const tag = `${scenario.name}-${peer}-${round}-${process.pid}-${++trialCounter}`;
        const env: TrialEnv = {
          broker,
          bundles: options.bundles,
          dir: mkdtempSync(join(tmpdir(), 'steady-bench-')),
          tag,
          steadyNodeArgs: options.steadyNodeArgs,
          runtime: options.runtime ?? 'node',
          baselines: options.baselines,
          timeoutMs: scenario.timeoutMs(options.size),
        };
        const outcome = await runTrial(scenario, peer, round, env, options.size);
        trials.push(outcome);
        options.progress(`  [${round + 1}/${options.runs}] ${options.describeTrial(scenario, outcome)}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  } finally {
    await broker.stop();
  }
  return { scenario, description, trials, summary: summarize(scenario, trials) };
}

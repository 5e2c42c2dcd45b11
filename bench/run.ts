/**
 * `npm run bench`: steady-mqtt against MQTT.js 5 and Mosquitto's C clients, on a private Mosquitto, publisher
 * and subscriber in separate processes; with `--runtime bun|deno`, both JavaScript libraries under that runtime.
 * See `--help` and docs/benchmarks.md.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseBenchArgs, USAGE, type BenchArgs } from './lib/args.js';
import { buildBaselineBundle, buildBundles, removeBundles, REPO_ROOT } from './lib/bundle.js';
import { describeCommit, describeMachine } from './lib/machine.js';
import { hasPaho, measureBaselines } from './lib/baselines.js';
import { killAll } from './lib/processes.js';
import { runScenario, type ScenarioOutcome, type TrialOutcome } from './lib/runner.js';
import { writeDocs } from './report/docs.js';
import { toJson } from './report/json.js';
import { renderSweep } from './report/sweep-table.js';
import { renderTable } from './report/table.js';
import { findScenario, SCENARIOS } from './scenarios/list.js';
import { sweepScenarios } from './scenarios/sweep.js';
import { PEER_LABELS, type PeerName, type Scenario } from './scenarios/types.js';
import { formatValue } from './report/format.js';
import type { RunInfo } from './report/run-info.js';
import { RUNTIME_DEFAULT_SCENARIOS, scopeToRuntime } from './lib/runtime-scope.js';
import { RUNTIME_LABELS, runtimeVersion } from './lib/runtime.js';

export const PROFILE_DIR = join(REPO_ROOT, '.tmp', 'bench-profiles');

function describeTrial(scenario: Scenario, t: TrialOutcome): string {
  const label = PEER_LABELS[t.peer].padEnd(26);
  if (!t.ok) return `${label} FAILED (${t.seconds.toFixed(1)} s): ${t.error ?? ''}`;
  const shown = scenario.metrics.slice(0, 3).map((m) => `${formatValue(t.metrics?.[m.key], m)} ${m.unit}`);
  return `${label} ${shown.join(', ')} (${t.seconds.toFixed(1)} s)`;
}

function selectScenarios(args: BenchArgs): Scenario[] {
  if (args.sweep) return sweepScenarios();
  const names =
    args.scenarios.length > 0
      ? args.scenarios
      : args.runtime === 'node'
        ? SCENARIOS.map((s) => s.name)
        : RUNTIME_DEFAULT_SCENARIOS;
  return names.map((name) => {
    const s = findScenario(name);
    if (s === undefined)
      throw new Error(`unknown scenario "${name}"; known: ${SCENARIOS.map((x) => x.name).join(', ')}`);
    return s;
  });
}

/**
 * With `--baseline`, steady-mqtt's baseline build runs beside each steady-mqtt peer; with `--peers`, only the
 * peers named run (a scenario keeps its subject first).
 */
function withChosenPeers(scenarios: Scenario[], args: BenchArgs): Scenario[] {
  return scenarios.map((s) => {
    let peers: PeerName[] = [...s.peers];
    if (args.baseline !== undefined) {
      peers = peers.flatMap((p): PeerName[] =>
        p === 'steady' ? [p, 'steady-base'] : p === 'steady-sqlite' ? [p, 'steady-sqlite-base'] : [p],
      );
    }
    if (args.peers.length > 0) peers = peers.filter((p) => args.peers.includes(p));
    return { ...s, peers };
  });
}

/** Drops the Paho peer when Debian's python3-paho-mqtt is not installed (said on the progress line). */
function withAvailablePeers(scenarios: Scenario[], progress: (line: string) => void): Scenario[] {
  if (hasPaho()) return scenarios;
  progress('Paho Python not found (apt-get install python3-paho-mqtt): its peer is left out');
  return scenarios.map((s) => ({ ...s, peers: s.peers.filter((p) => p !== 'paho') }));
}

async function main(): Promise<number> {
  const args = parseBenchArgs(process.argv.slice(2));
  if (args.help) {
    console.log(`${USAGE}\n\nscenarios: ${SCENARIOS.map((s) => s.name).join(', ')}`);
    return 0;
  }
  const progress = (line: string): void => void process.stderr.write(line + '\n');
  if (args.runtime !== 'node' && args.profile)
    throw new Error("--profile is Node's --cpu-prof: it runs with --runtime node only");
  if (args.runtime !== 'node' && args.docs === true)
    throw new Error(
      '--docs rewrites the Node results of docs/benchmarks.md: a --runtime run goes in its "Runtimes" section by hand',
    );
  const scope = scopeToRuntime(
    withAvailablePeers(withChosenPeers(selectScenarios(args), args), progress),
    args.runtime,
  );
  for (const line of scope.leftOut) progress(line);
  const scenarios = scope.scenarios;
  const machine = describeMachine();
  const command = [
    'npm run bench',
    ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : []),
  ].join(' ');
  const started = new Date();
  const commit = describeCommit(REPO_ROOT);
  const runtime = `${RUNTIME_LABELS[args.runtime]} ${runtimeVersion(args.runtime)}`;
  progress(
    `steady-mqtt bench: ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, Mosquitto ${machine.mosquitto}` +
      (args.runtime === 'node' ? '' : `; peers under ${runtime}`),
  );
  const bundles = await buildBundles();
  if (args.baseline !== undefined) await buildBaselineBundle(bundles, args.baseline);
  const baselines = measureBaselines(args.runtime);
  progress(
    `empty processes' peak RSS: ${RUNTIME_LABELS[args.runtime]} ${(baselines.runtimeRssKb / 1024).toFixed(1)} MB, ` +
      `Python ${(baselines.pythonRssKb / 1024).toFixed(1)} MB`,
  );
  const steadyNodeArgs: string[] = [];
  if (args.profile) {
    mkdirSync(PROFILE_DIR, { recursive: true });
    steadyNodeArgs.push('--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`);
  }
  const outcomes: ScenarioOutcome[] = [];
  // Kept with --profile: the profiles' source maps point into them.
  if (!args.profile) process.once('exit', () => removeBundles(bundles));
  for (const scenario of scenarios) {
    outcomes.push(
      await runScenario(scenario, {
        size: args.size,
        runs: args.runs,
        bundles,
        steadyNodeArgs,
        runtime: args.runtime,
        baselines,
        progress,
        describeTrial,
      }),
    );
  }
  const report: RunInfo = {
    machine,
    date: started.toISOString(),
    command,
    size: args.size,
    runs: args.runs,
    commit,
    runtime,
  };
  const text = args.sweep ? renderSweep(outcomes) : renderTable(outcomes, args.runs);
  if (args.json) {
    process.stderr.write(text + '\n');
    process.stdout.write(JSON.stringify(toJson(report, outcomes), null, 2) + '\n');
  } else {
    process.stdout.write(text + '\n');
  }
  const full = args.size === 'full' && args.scenarios.length === 0 && !args.profile && args.runtime === 'node';
  if (args.docs ?? full) {
    const path = writeDocs(report, outcomes, args.sweep ? 'sweep' : 'results');
    progress(`\nwrote ${path}`);
  }
  const failed = outcomes.flatMap((o) => o.trials).filter((t) => !t.ok).length;
  if (failed > 0) progress(`${failed} trial(s) failed`);
  return failed > 0 ? 1 : 0;
}

main().then(
  (code) => {
    killAll();
    process.exitCode = code;
  },
  (error: unknown) => {
    killAll();
    process.stderr.write(
      `bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 2;
  },
);

/**
 * Rewrites the harness's sections of docs/benchmarks.md from a saved `--json` document, without running
 * anything (e.g. after the method text changed):
 *
 *     npm run -s bench -- --json > results.json
 *     node --import tsx bench/tools/render-docs.ts results.json
 */
import { readFileSync } from 'node:fs';
import { summarize, type ScenarioOutcome, type TrialOutcome } from '../lib/runner.js';
import { writeDocs } from '../report/docs.js';
import type { RunInfo } from '../report/run-info.js';
import { findScenario } from '../scenarios/list.js';
import { sweepScenarios } from '../scenarios/sweep.js';

interface Saved extends RunInfo {
  scenarios: { name: string; description: string; trials: TrialOutcome[] }[];
}

const path = process.argv[2];
if (path === undefined) throw new Error('usage: render-docs.ts RESULTS.json');
const text = readFileSync(path, 'utf8');
// `npm run` (without -s) prints its own header lines before the document.
const saved = JSON.parse(text.slice(text.indexOf('\n{') + 1)) as Saved;
const sweep = sweepScenarios();
let isSweep = false;
const outcomes: ScenarioOutcome[] = saved.scenarios.map((s) => {
  const fromSweep = sweep.find((x) => x.name === s.name);
  if (fromSweep !== undefined) isSweep = true;
  const scenario = fromSweep ?? findScenario(s.name);
  if (scenario === undefined) throw new Error(`unknown scenario ${s.name}`);
  return { scenario, description: s.description, trials: s.trials, summary: summarize(scenario, s.trials) };
});
const info: RunInfo = {
  machine: saved.machine,
  date: saved.date,
  command: saved.command,
  size: saved.size,
  runs: saved.runs,
  commit: saved.commit,
};
console.log(`wrote ${writeDocs(info, outcomes, isSweep ? 'sweep' : 'results')}`);

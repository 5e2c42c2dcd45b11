/** The `--json` document: the machine, the command, and every scenario's trials, medians and ratios. */
import type { ScenarioOutcome } from '../lib/runner.js';
import type { RunInfo } from './run-info.js';

export function toJson(info: RunInfo, outcomes: readonly ScenarioOutcome[]): unknown {
  return {
    ...info,
    scenarios: outcomes.map((o) => ({
      name: o.scenario.name,
      id: o.scenario.id,
      title: o.scenario.title,
      description: o.description,
      peers: o.scenario.peers,
      metrics: o.scenario.metrics,
      medians: o.summary.medians,
      ratios: o.summary.ratios,
      failures: o.summary.failures,
      trials: o.trials,
    })),
  };
}

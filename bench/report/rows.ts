/**
 * A scenario's outcome as rows of cells: one row per metric, with each peer's median and, for every peer but
 * the subject, the median ratio subject / peer. Shared by the terminal table and the Markdown page.
 */
import type { ScenarioOutcome } from '../lib/runner.js';
import { PEER_LABELS } from '../scenarios/types.js';
import { formatRatio, formatValue } from './format.js';

export interface Grid {
  header: string[];
  rows: string[][];
  /** One line per failed trial. */
  failures: string[];
}

export function scenarioGrid(outcome: ScenarioOutcome): Grid {
  const { scenario, summary } = outcome;
  const [subject, ...others] = scenario.peers;
  const header = ['metric', PEER_LABELS[subject]];
  for (const peer of others) header.push(PEER_LABELS[peer], `${PEER_LABELS[subject]} / ${PEER_LABELS[peer]}`);
  const rows = scenario.metrics.map((m) => {
    const row = [`${m.label} (${m.unit})`, formatValue(summary.medians[subject]?.[m.key], m)];
    for (const peer of others) {
      row.push(formatValue(summary.medians[peer]?.[m.key], m), formatRatio(summary.ratios[peer]?.[m.key]));
    }
    return row;
  });
  const failures = outcome.trials
    .filter((t) => !t.ok)
    .map((t) => `${PEER_LABELS[t.peer]}, round ${t.round + 1}: ${t.error ?? 'failed'}`);
  return { header, rows, failures };
}

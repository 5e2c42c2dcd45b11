/** The window sweep as one Markdown table (readable on a terminal too): a row per (QoS, window). */
import type { ScenarioOutcome } from '../lib/runner.js';
import { formatValue } from './format.js';

export function renderSweep(outcomes: readonly ScenarioOutcome[]): string {
  const out = [
    '| QoS, window | throughput (msg/s) | received | broker CPU (µs/msg) | publisher CPU (µs/msg) | subscriber CPU (µs/msg) |',
    '|---|--:|--:|--:|--:|--:|',
  ];
  for (const o of outcomes) {
    const medians = o.summary.medians.steady;
    const cells = o.scenario.metrics.map((m) => formatValue(medians?.[m.key], m));
    const failed = o.trials.filter((t) => !t.ok).length;
    out.push(
      `| ${o.scenario.title} (${o.description}) | ${cells.join(' | ')} |${failed > 0 ? ` ${failed} failed` : ''}`,
    );
  }
  return out.join('\n');
}

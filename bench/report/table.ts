/** The terminal table: a block per scenario, columns padded to width. */
import type { ScenarioOutcome } from '../lib/runner.js';
import { scenarioGrid } from './rows.js';

function pad(cells: readonly string[], widths: readonly number[]): string {
  return cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
}

export function renderTable(outcomes: readonly ScenarioOutcome[], runs: number): string {
  const out: string[] = [];
  for (const outcome of outcomes) {
    const grid = scenarioGrid(outcome);
    const widths = grid.header.map((h, i) => Math.max(h.length, ...grid.rows.map((r) => r[i].length)));
    out.push(
      '',
      `${outcome.scenario.id}. ${outcome.scenario.title}: ${outcome.description} (median of ${runs})`,
    );
    out.push(pad(grid.header, widths), widths.map((w) => '-'.repeat(w)).join('  '));
    for (const row of grid.rows) out.push(pad(row, widths));
    for (const f of grid.failures) out.push(`  FAILED ${f}`);
  }
  return out.join('\n');
}

/** The generated Markdown: the figures of a run, and the window sweep. */
import type { ScenarioOutcome } from '../lib/runner.js';
import { scenarioGrid } from './rows.js';
import type { RunInfo } from './run-info.js';
import { METHOD } from './method.js';
import { renderSweep } from './sweep-table.js';

function provenance(info: RunInfo): string[] {
  const m = info.machine;
  return [
    `Measured ${info.date.slice(0, 16).replace('T', ' ')} UTC with \`${info.command}\`` +
      ` (${info.runs} run${info.runs === 1 ? '' : 's'} per peer, peers alternating)` +
      (info.commit === undefined ? '.' : ` at commit ${info.commit}.`),
    '',
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGb} GiB, ${m.os}; Node.js ${m.node}; Mosquitto ${m.mosquitto}` +
      ` on loopback; load average ${m.loadAverage} at the start.`,
  ];
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

export function resultsMarkdown(info: RunInfo, outcomes: readonly ScenarioOutcome[]): string {
  const out = [METHOD, '### Results', '', ...provenance(info), ''];
  out.push(
    'Each cell is the median of the runs; a ratio column is the median over runs of the per-run ratio',
    'steady-mqtt / peer (for scenario 8: SqliteStore / MemoryStore). "—": not measured or not applicable.',
  );
  for (const outcome of outcomes) {
    const grid = scenarioGrid(outcome);
    out.push('', `#### ${outcome.scenario.id}. ${outcome.scenario.title}`, '', `${outcome.description}.`, '');
    out.push(`| ${grid.header.map(escapeCell).join(' | ')} |`);
    out.push(`|${grid.header.map((_, i) => (i === 0 ? '---' : '--:')).join('|')}|`);
    for (const row of grid.rows) out.push(`| ${row.map(escapeCell).join(' | ')} |`);
    if (grid.failures.length > 0) {
      out.push('', 'Failed runs:', '', ...grid.failures.map((f) => `- ${escapeCell(f)}`));
    }
  }
  return out.join('\n');
}

export function sweepMarkdown(info: RunInfo, outcomes: readonly ScenarioOutcome[]): string {
  return [
    '### In-flight window sweep (`npm run bench -- --sweep`)',
    '',
    ...provenance(info),
    '',
    renderSweep(outcomes),
  ].join('\n');
}

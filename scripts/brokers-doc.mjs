// Writes the results table of docs/brokers.md from the broker catalogue's own results, so it cannot drift.
// Usage: npm run docs:brokers           runs test/brokers (every broker it can start), then writes the table
//        npm run docs:brokers -- DIR    writes the table from results already in DIR (STEADY_BROKER_RESULTS=DIR)
// Only the part between the two markers below is rewritten; the rest of the page is written by hand.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PAGE = 'docs/brokers.md';
const BEGIN = '<!-- results:begin (written by scripts/brokers-doc.mjs from the test/brokers results) -->';
const END = '<!-- results:end -->';
const MARK = { works: 'works', deviation: 'deviation', 'not supported': 'not supported' };

function runCatalogue() {
  const dir = mkdtempSync(join(tmpdir(), 'steady-mqtt-broker-results-'));
  const result = spawnSync(process.execPath, ['scripts/test.mjs', 'test/brokers/'], {
    stdio: 'inherit',
    env: { ...process.env, STEADY_BROKER_RESULTS: dir },
  });
  if (result.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    console.error('brokers-doc: the broker catalogue failed; docs/brokers.md is left as it was');
    process.exit(1);
  }
  return dir;
}

function readRows(dir) {
  const rows = [];
  for (const name of readdirSync(dir).sort()) {
    if (name.endsWith('.json')) rows.push(...JSON.parse(readFileSync(join(dir, name), 'utf8')));
  }
  if (rows.length === 0) {
    console.error(`brokers-doc: no results in ${dir}`);
    process.exit(1);
  }
  return rows;
}

const BROKER_ORDER = ['Mosquitto', 'ejabberd', 'RabbitMQ', 'Aedes'];
const brokerRank = (name) => {
  const i = BROKER_ORDER.findIndex((b) => name.startsWith(b));
  return i < 0 ? BROKER_ORDER.length : i;
};

function table(rows) {
  const columns = [];
  for (const r of rows) {
    if (!columns.some((c) => c.broker === r.broker && c.version === r.version)) {
      columns.push({ broker: r.broker, version: r.version });
    }
  }
  columns.sort((a, b) => brokerRank(a.broker) - brokerRank(b.broker) || a.version.localeCompare(b.version));
  const scenarios = [];
  for (const r of rows) if (!scenarios.includes(r.scenario)) scenarios.push(r.scenario);
  const notes = [];
  const noteIndex = (text) => {
    let i = notes.indexOf(text);
    if (i < 0) i = notes.push(text) - 1;
    return i + 1;
  };
  const header = ['scenario', ...columns.map((c) => `${c.broker}<br>MQTT ${c.version}`)];
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
  for (const scenario of scenarios) {
    const cells = columns.map((c) => {
      const row = rows.find(
        (r) => r.broker === c.broker && r.version === c.version && r.scenario === scenario,
      );
      if (row === undefined) return '—';
      const mark = MARK[row.outcome] ?? row.outcome;
      return row.note ? `${mark} [${noteIndex(row.note)}]` : mark;
    });
    lines.push(`| ${scenario} | ${cells.join(' | ')} |`);
  }
  lines.push('', '— : not run, the broker refuses that MQTT version (see the connect row).', '');
  lines.push(...notes.map((n, i) => `${i + 1}. ${n}`));
  return lines.join('\n');
}

const given = process.argv[2];
const dir = given ?? runCatalogue();
const rows = readRows(dir);
if (given === undefined) rmSync(dir, { recursive: true, force: true });
const page = readFileSync(PAGE, 'utf8');
const start = page.indexOf(BEGIN);
const end = page.indexOf(END);
if (start < 0 || end < start) {
  console.error(`brokers-doc: ${PAGE} lacks the markers ${BEGIN} ... ${END}`);
  process.exit(1);
}
const written = `${page.slice(0, start + BEGIN.length)}\n${table(rows)}\n${page.slice(end)}`;
writeFileSync(PAGE, written);
console.log(`brokers-doc: ${PAGE} written from ${rows.length} results`);

/**
 * What the broker catalogue found, one row per broker x MQTT version x scenario, for `docs/brokers.md`.
 *
 * A row is recorded only after the scenario's assertions passed, so every row is a checked fact: `works` (the
 * scenario as the specification describes it), `deviation` (the broker does something else, named in `note`, and
 * the test checked that the client copes with it) or `not supported` (the broker refuses the feature outright).
 * With `STEADY_BROKER_RESULTS=<folder>` each test file writes its rows to `<folder>/<broker>.json` when it ends;
 * `scripts/brokers-doc.mjs` runs the catalogue that way and writes the table from those files.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export type Outcome = 'works' | 'deviation' | 'not supported';

export interface ResultRow {
  broker: string;
  version: string;
  scenario: string;
  outcome: Outcome;
  note: string;
}

export class Results {
  readonly broker: string;
  readonly rows: ResultRow[] = [];

  constructor(broker: string) {
    this.broker = broker;
  }

  record(version: string, scenario: string, outcome: Outcome, note = ''): void {
    this.rows.push({ broker: this.broker, version, scenario, outcome, note });
  }

  /** Writes the rows when `STEADY_BROKER_RESULTS` names a folder; does nothing otherwise. */
  save(): void {
    const folder = process.env.STEADY_BROKER_RESULTS;
    if (folder === undefined || folder === '') return;
    mkdirSync(folder, { recursive: true });
    const file = join(folder, `${this.broker.toLowerCase().replace(/[^a-z0-9]+/g, '-')}.json`);
    writeFileSync(file, JSON.stringify(this.rows, null, 2) + '\n');
  }
}

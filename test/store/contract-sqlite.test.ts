/**
 * The store contract on every SQLite binding this runtime has: better-sqlite3 on Node 20, node:sqlite on Deno,
 * Bun and Node 22.5+ (this file runs under each: see scripts/test-runtimes.mjs). No better-sqlite3 import here,
 * so that it loads where the add-on cannot.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { SqliteStore } from '../../src/sqlite.js';
import { availableDrivers } from '../../src/store/sqlite/driver.js';
import { runStoreContract } from './store-contract.js';

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const drivers = availableDrivers();
assert.ok(drivers.length > 0, 'this runtime has at least one SQLite binding');

for (const driver of drivers) {
  runStoreContract(`SqliteStore (${driver})`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'steady-mqtt-sqlite-'));
    dirs.push(dir);
    const path = join(dir, 'sessions.db');
    let current = new SqliteStore(path, { driver });
    assert.equal(current.driver, driver);
    return Promise.resolve({
      store: current,
      reopen: () => {
        current.close();
        current = new SqliteStore(path, { driver });
        return Promise.resolve(current);
      },
      cleanup: () => {
        current.close();
        rmSync(dir, { recursive: true, force: true });
        return Promise.resolve();
      },
    });
  });
}

/**
 * `SqliteStore`'s choice of SQLite binding (`driver`), and one file format for all of them: a file written
 * through better-sqlite3 (Node) opens through node:sqlite (Deno, Bun) and the other way round, with every
 * record identical. The contract on each binding is in contract-sqlite.test.ts.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { SqliteStore, StoreError } from '../../src/sqlite.js';
import { betterSqlite3Driver } from '../../src/store/sqlite/better-sqlite3-driver.js';
import type { SqliteDriver } from '../../src/store/sqlite/connection.js';
import { nodeSqliteModule } from '../../src/store/sqlite/node-sqlite-driver.js';
import { FIXTURE_OPS, toJson } from './fixtures/sqlite-file-fixture.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const child = fileURLToPath(new URL('./fixtures/sqlite-file-child.ts', import.meta.url));
const dirs: string[] = [];
function tempFile(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'steady-mqtt-drivers-'));
  dirs.push(dir);
  return join(dir, name);
}
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** The other runtimes, from the devDependencies `deno` and `bun`, with what runs a TypeScript file on each. */
const RUNTIMES: { name: string; command: (script: string, ...args: string[]) => [string, string[]] }[] = [
  {
    name: 'Deno',
    command: (script, ...args) => [
      join(repoRoot, 'node_modules/.bin/deno'),
      ['run', '-A', '--unstable-sloppy-imports', '--quiet', script, ...args],
    ],
  },
  { name: 'Bun', command: (script, ...args) => [join(repoRoot, 'node_modules/.bin/bun'), [script, ...args]] },
];

void describe('SqliteStore drivers', () => {
  void test("'auto' is node:sqlite where the runtime has it, better-sqlite3 otherwise", () => {
    const store = new SqliteStore(':memory:');
    assert.equal(store.driver, nodeSqliteModule() !== undefined ? 'node:sqlite' : 'better-sqlite3');
    store.close();
    const explicit = new SqliteStore(':memory:', { driver: 'better-sqlite3' });
    assert.equal(explicit.driver, 'better-sqlite3');
    explicit.close();
  });

  void test('a binding the runtime lacks, or an unknown choice, is a StoreError that says what to use', () => {
    if (nodeSqliteModule() === undefined) {
      assert.throws(
        () => new SqliteStore(':memory:', { driver: 'node:sqlite' }),
        (err: unknown) =>
          err instanceof StoreError &&
          /no node:sqlite/.test(err.message) &&
          /better-sqlite3/.test(err.message),
      );
    }
    assert.throws(
      () => new SqliteStore(':memory:', { driver: 'sqlite4' as 'auto' }),
      (err: unknown) => err instanceof StoreError && /not one of 'auto', 'node:sqlite'/.test(err.message),
    );
    assert.throws(
      () => new SqliteStore(':memory:', { driver: { name: 'x' } as unknown as SqliteDriver }),
      (err: unknown) => err instanceof StoreError && /open\(path\)/.test(err.message),
    );
  });

  void test('a driver of your own: the store runs on whatever it opens', () => {
    const inner = betterSqlite3Driver();
    const prepared: string[] = [];
    const counting: SqliteDriver = {
      name: 'counting',
      open(path) {
        const db = inner.open(path);
        return {
          exec: (sql) => db.exec(sql),
          prepare: (sql) => {
            prepared.push(sql);
            return db.prepare(sql);
          },
          close: () => db.close(),
        };
      },
    };
    const store = new SqliteStore(':memory:', { driver: counting });
    assert.equal(store.driver, 'counting');
    store.apply('k', FIXTURE_OPS);
    assert.equal(store.load('k').outgoing.length, 2);
    assert.ok(prepared.some((sql) => sql.startsWith('INSERT INTO outgoing')));
    store.close();
  });

  for (const runtime of RUNTIMES) {
    void test(`one file format: better-sqlite3 here and node:sqlite on ${runtime.name} read each other's files`, () => {
      const [command] = runtime.command(child);
      assert.ok(existsSync(command), `${runtime.name} is installed (devDependency)`);
      // Written here (better-sqlite3), read there (node:sqlite).
      const ours = tempFile('from-node.db');
      const writer = new SqliteStore(ours, { driver: 'better-sqlite3' });
      writer.apply('k', FIXTURE_OPS);
      const expected = toJson(writer.load('k'));
      writer.close();
      const [cmd, args] = runtime.command(child, 'read', ours);
      assert.equal(execFileSync(cmd, args, { encoding: 'utf8', timeout: 60_000 }), expected);
      // Written there, read here.
      const theirs = tempFile('from-other.db');
      const [cmd2, args2] = runtime.command(child, 'write', theirs);
      execFileSync(cmd2, args2, { encoding: 'utf8', timeout: 60_000 });
      const reader = new SqliteStore(theirs, { driver: 'better-sqlite3' });
      assert.equal(toJson(reader.load('k')), expected);
      assert.equal(reader.settings().journalMode, 'wal');
      reader.close();
    });
  }
});

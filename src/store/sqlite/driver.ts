/**
 * Which SQLite binding a `SqliteStore` runs on: the runtime's own `node:sqlite` where there is one (Node 22.5+,
 * Deno 2, Bun 1.4), better-sqlite3 otherwise (Node 20). Overridable with `new SqliteStore(path, { driver })`:
 * `'node:sqlite'`, `'better-sqlite3'`, or a `SqliteDriver` of your own. Both give the same file format.
 */
import { StoreError } from '../errors.js';
import { betterSqlite3Driver } from './better-sqlite3-driver.js';
import type { SqliteDriver } from './connection.js';
import { nodeSqliteDriver, nodeSqliteModule } from './node-sqlite-driver.js';

/** `SqliteStoreOptions.driver`. */
export type SqliteDriverChoice = 'auto' | 'node:sqlite' | 'better-sqlite3' | SqliteDriver;

/** The built-in drivers. */
export type SqliteDriverName = 'node:sqlite' | 'better-sqlite3';

/**
 * The built-in drivers that open a database in this runtime, best first (an in-memory database is opened and
 * closed to find out: better-sqlite3 loads its add-on only then, and Bun and Deno cannot load it).
 */
export function availableDrivers(): SqliteDriverName[] {
  const names: SqliteDriverName[] = [];
  for (const name of ['node:sqlite', 'better-sqlite3'] as const) {
    try {
      resolveDriver(name).open(':memory:').close();
      names.push(name);
    } catch {
      // not in this runtime, not installed, or its add-on does not load here
    }
  }
  return names;
}

/**
 * The driver for `choice`.
 * @throws StoreError when the chosen binding is not available here (with what to install or which runtime).
 */
export function resolveDriver(choice: SqliteDriverChoice = 'auto'): SqliteDriver {
  if (typeof choice === 'object' && choice !== null) {
    if (typeof choice.open !== 'function' || typeof choice.name !== 'string') {
      throw new StoreError('a custom SQLite driver needs a name and an open(path) method');
    }
    return choice;
  }
  switch (choice) {
    case 'auto': {
      const module = nodeSqliteModule();
      return module !== undefined ? nodeSqliteDriver(module) : betterSqlite3Driver();
    }
    case 'node:sqlite': {
      const module = nodeSqliteModule();
      if (module === undefined) {
        throw new StoreError(
          `this runtime has no node:sqlite (it needs Node 22.5+ (22.5-22.12 with --experimental-sqlite), Deno 2 ` +
            `or Bun 1.4); use the 'better-sqlite3' driver (npm install better-sqlite3@12)`,
        );
      }
      return nodeSqliteDriver(module);
    }
    case 'better-sqlite3':
      return betterSqlite3Driver();
    default:
      throw new StoreError(
        `driver ${String(choice)} is not one of 'auto', 'node:sqlite', 'better-sqlite3' or a SqliteDriver`,
      );
  }
}

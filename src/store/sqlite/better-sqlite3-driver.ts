/**
 * The better-sqlite3 driver: the native add-on, for runtimes without `node:sqlite` (Node 20). An optional peer
 * dependency, loaded on first use from steady-mqtt's own folder (`require-package.cjs`), so that only a program
 * that opens a `SqliteStore` on it loads the add-on, and a missing one becomes a `StoreError` that says what to
 * install.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { StoreError } from '../errors.js';
import type { SqliteConnection, SqliteDriver, SqliteRow, SqlValue } from './connection.js';
import requirePackage from './require-package.cjs';

type DatabaseConstructor = typeof BetterSqlite3;

const loaded = new Map<string, DatabaseConstructor>();

/**
 * better-sqlite3's `Database` class, loaded the first time.
 *
 * @param moduleId - the module to load; only tests pass another one.
 * @throws StoreError when the module cannot be loaded (not installed).
 */
export function loadBetterSqlite3(moduleId = 'better-sqlite3'): DatabaseConstructor {
  const cached = loaded.get(moduleId);
  if (cached !== undefined) return cached;
  let exported: unknown;
  try {
    exported = requirePackage(moduleId);
  } catch (err) {
    throw new StoreError(
      `SqliteStore needs SQLite: this runtime has no node:sqlite (Node 22.5+, Deno 2 and Bun 1.4 have it), and ` +
        `the optional peer dependency better-sqlite3 could not be loaded ` +
        `(${err instanceof Error ? err.message.split('\n')[0] : String(err)}): npm install better-sqlite3@12`,
      { cause: err },
    );
  }
  const driver = (typeof exported === 'function' ? exported : defaultExport(exported)) as DatabaseConstructor;
  if (typeof driver !== 'function') {
    throw new StoreError(`${moduleId} did not export a Database class: npm install better-sqlite3@12`);
  }
  loaded.set(moduleId, driver);
  return driver;
}

function defaultExport(value: unknown): unknown {
  return typeof value === 'object' && value !== null && 'default' in value ? value.default : undefined;
}

/** better-sqlite3 binds BLOBs from `Buffer`s: a plain `Uint8Array` is viewed as one (no copy). */
function bindable(params: SqlValue[]): unknown[] {
  for (let i = 0; i < params.length; i++) {
    const value = params[i];
    if (value instanceof Uint8Array && !Buffer.isBuffer(value)) {
      params[i] = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    }
  }
  return params;
}

export function betterSqlite3Driver(Database: DatabaseConstructor = loadBetterSqlite3()): SqliteDriver {
  return {
    name: 'better-sqlite3',
    open(path: string): SqliteConnection {
      let db: BetterSqlite3.Database;
      try {
        db = new Database(path);
      } catch (err) {
        if (isNativeLoadError(err)) {
          throw new StoreError(
            `better-sqlite3's native module could not be loaded (npm rebuild better-sqlite3, or npm install ` +
              `better-sqlite3@12): ${err instanceof Error ? err.message : String(err)}`,
            { cause: err },
          );
        }
        throw err;
      }
      return {
        exec: (sql) => {
          db.exec(sql);
        },
        prepare(sql) {
          const statement = db.prepare<unknown[], SqliteRow>(sql);
          const returnsRows = statement.reader;
          return {
            run: (...params) => statement.run(...bindable(params)),
            all: (...params) => (returnsRows ? statement.all(...bindable(params)) : []),
            get: (...params) => (returnsRows ? statement.get(...bindable(params)) : undefined),
          };
        },
        close: () => {
          db.close();
        },
      };
    },
  };
}

/** better-sqlite3 loads its add-on in the Database constructor: a missing or mismatched build fails there. */
function isNativeLoadError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  return (
    code === 'ERR_DLOPEN_FAILED' || /bindings file|NODE_MODULE_VERSION|better_sqlite3\.node/.test(err.message)
  );
}

/**
 * The `node:sqlite` driver: the SQLite built into the runtime (Node 22.5+, where 22.5-22.12 need
 * `--experimental-sqlite`; Deno 2; Bun 1.4). Loaded with `process.getBuiltinModule`, synchronous in the ES
 * module and CommonJS builds alike, and `undefined` where the runtime has no such module.
 */
import type { SqliteConnection, SqliteDriver, SqliteRow, SqlValue } from './connection.js';

/** The part of `node:sqlite`'s `DatabaseSync` used here (Node 20's type definitions do not have it). */
interface DatabaseSync {
  exec(sql: string): void;
  prepare(sql: string): {
    run(...params: SqlValue[]): { changes: number | bigint };
    all(...params: SqlValue[]): unknown[];
    get(...params: SqlValue[]): unknown;
  };
  close(): void;
}

interface NodeSqliteModule {
  DatabaseSync: new (path: string) => DatabaseSync;
}

/** `node:sqlite`, or `undefined` when this runtime does not have it (Node 20, or 22.5-22.12 without the flag). */
export function nodeSqliteModule(): NodeSqliteModule | undefined {
  if (typeof process === 'undefined' || typeof process.getBuiltinModule !== 'function') return undefined;
  let loaded: unknown;
  try {
    loaded = process.getBuiltinModule('node:sqlite');
  } catch {
    return undefined;
  }
  const module = loaded as Partial<NodeSqliteModule> | undefined;
  return typeof module?.DatabaseSync === 'function' ? (module as NodeSqliteModule) : undefined;
}

export function nodeSqliteDriver(module: NodeSqliteModule): SqliteDriver {
  return {
    name: 'node:sqlite',
    open(path: string): SqliteConnection {
      const db = new module.DatabaseSync(path);
      return {
        exec: (sql) => db.exec(sql),
        prepare(sql) {
          const statement = db.prepare(sql);
          return {
            run: (...params) => statement.run(...params),
            all: (...params) => statement.all(...params) as SqliteRow[],
            get: (...params) => statement.get(...params) as SqliteRow | undefined,
          };
        },
        close: () => db.close(),
      };
    },
  };
}

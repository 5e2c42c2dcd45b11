/**
 * The small part of an SQLite binding that `SqliteStore` uses, so that one store runs on any of them: the
 * runtime's own `node:sqlite` (Node 22.5+, Deno 2, Bun 1.4) or the better-sqlite3 add-on (Node 20). Statements
 * take positional parameters and return plain rows; transactions are `BEGIN IMMEDIATE` / `COMMIT` / `ROLLBACK`
 * through `exec()`, the same SQL on every binding, so a file written through one opens through the other.
 */

/** A value bound to or read from a column. BLOBs are bound as `Uint8Array`s (a `Buffer` is one). */
export type SqlValue = string | number | bigint | Uint8Array | null;

/** A row as read: column name to value. */
export type SqliteRow = Record<string, unknown>;

export interface SqliteStatement {
  run(...params: SqlValue[]): { changes: number | bigint };
  all(...params: SqlValue[]): SqliteRow[];
  get(...params: SqlValue[]): SqliteRow | undefined;
}

export interface SqliteConnection {
  exec(sql: string): void;
  prepare(sql: string): SqliteStatement;
  close(): void;
}

/** Opens connections: one binding of SQLite. */
export interface SqliteDriver {
  /** `'node:sqlite'` or `'better-sqlite3'` (or the name a custom driver gives itself). */
  readonly name: string;
  /** Opens (creating it if needed) the database at `path`; `':memory:'` for one in memory. */
  open(path: string): SqliteConnection;
}

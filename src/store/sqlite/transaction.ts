/**
 * One transaction over any `SqliteConnection`. A write (`'IMMEDIATE'`, the default) takes the write lock up front,
 * so a busy file waits (the connection's busy timeout) instead of failing in the middle of a batch; a read
 * (`'DEFERRED'`) sees the tables at one point in time without taking it. Any exception rolls everything back
 * and is rethrown.
 */
import type { SqliteConnection } from './connection.js';

export function transaction<T>(
  db: SqliteConnection,
  body: () => T,
  mode: 'IMMEDIATE' | 'DEFERRED' = 'IMMEDIATE',
): T {
  db.exec(`BEGIN ${mode}`);
  let result: T;
  try {
    result = body();
  } catch (err) {
    rollback(db);
    throw err;
  }
  db.exec('COMMIT');
  return result;
}

/** Rolls back what is open; a failure here (SQLite may have rolled back already) must not hide the first. */
function rollback(db: SqliteConnection): void {
  try {
    db.exec('ROLLBACK');
  } catch {
    // no transaction was left open
  }
}

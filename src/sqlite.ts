/**
 * The `steady-mqtt/sqlite` entry point: `SqliteStore`, a durable session store in an SQLite file.
 *
 * It runs on the runtime's own `node:sqlite` (Node 22.5+, Deno 2, Bun 1.4) or, on Node 20, on the optional peer
 * dependency better-sqlite3 (`npm install better-sqlite3@12`); the binding is loaded when the first `SqliteStore`
 * is constructed, and the main `steady-mqtt` entry point never loads one.
 */
export {
  SqliteStore,
  DEFAULT_BUSY_TIMEOUT_MS,
  DEFAULT_DURABILITY,
  type SessionSummary,
  type SqliteDurability,
  type SqliteSettings,
  type SqliteStoreOptions,
} from './store/sqlite-store.js';
export { availableDrivers, type SqliteDriverChoice, type SqliteDriverName } from './store/sqlite/driver.js';
export type {
  SqliteConnection,
  SqliteDriver,
  SqliteRow,
  SqliteStatement,
  SqlValue,
} from './store/sqlite/connection.js';
export { StoreError } from './store/errors.js';
export type {
  OutgoingRecord,
  OutgoingState,
  SessionIdentity,
  Store,
  StoredSession,
  StoredSubscription,
  StoreOp,
} from './store/types.js';

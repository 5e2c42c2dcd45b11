/**
 * The `steady-mqtt/sqlite` entry point: `SqliteStore`, a durable session store in an SQLite file.
 *
 * It needs the optional peer dependency better-sqlite3 (`npm install better-sqlite3@12`), which is loaded when
 * the first `SqliteStore` is constructed; the main `steady-mqtt` entry point never loads it.
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

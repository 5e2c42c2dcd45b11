/**
 * The `steady-mqtt/indexeddb` entry point: `IndexedDbStore`, the durable session store of browsers (and of any
 * runtime with an `IDBFactory`). A separate entry so that pages which keep sessions in memory do not load it.
 *
 * ```ts
 * import { Client, CallbackAPIVersion } from 'steady-mqtt';
 * import { IndexedDbStore } from 'steady-mqtt/indexeddb';
 * const client = new Client(CallbackAPIVersion.VERSION2, {
 *   clientId: 'my-page', cleanSession: false, transport: 'websockets', store: new IndexedDbStore(),
 * });
 * ```
 */
export {
  IndexedDbStore,
  DEFAULT_INDEXEDDB_NAME,
  type IndexedDbDurability,
  type IndexedDbStoreOptions,
} from './store/indexeddb-store.js';
export { SessionLockedError, type SessionLockManager } from './store/indexeddb/session-lock.js';
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

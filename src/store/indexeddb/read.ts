/**
 * Reading from IndexedDB: opening the database, and one session's rows back as a `StoredSession` (a single
 * read-only transaction over the five object stores, so the session is read as of one point in time).
 */
import { StoreError } from '../errors.js';
import type { OutgoingRecord, StoredSession } from '../types.js';
import {
  ALL_STORES,
  IDENTITIES,
  INCOMING,
  OUTGOING,
  SCHEMA_VERSION,
  STATES,
  SUBSCRIPTIONS,
  sessionRange,
  upgradeSchema,
  type IdentityRow,
  type IncomingRow,
  type OutgoingRow,
  type StateRow,
  type SubscriptionRow,
} from './schema.js';

/** Opens (creating or upgrading) the database `name`. Rejects with a `StoreError`. */
export function openDatabase(factory: IDBFactory, name: string): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    let request: IDBOpenDBRequest;
    try {
      request = factory.open(name, SCHEMA_VERSION);
    } catch (error) {
      reject(new StoreError(`cannot open IndexedDB database '${name}'`, { cause: error }));
      return;
    }
    request.onupgradeneeded = (event) => upgradeSchema(request.result, event.oldVersion);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () =>
      reject(new StoreError(`cannot open IndexedDB database '${name}'`, { cause: request.error }));
    request.onblocked = () =>
      reject(
        new StoreError(
          `IndexedDB database '${name}' is held at an older version by another page: close it and retry`,
        ),
      );
  });
}

/** Reads the session `key`. Rejects with a `StoreError`. */
export function readSession(db: IDBDatabase, key: string): Promise<StoredSession> {
  return new Promise((resolve, reject) => {
    const transaction = db.transaction(ALL_STORES, 'readonly');
    const range = sessionRange(key);
    const rows: Record<string, unknown[]> = {};
    for (const name of [OUTGOING, STATES, INCOMING, SUBSCRIPTIONS]) {
      const request = transaction.objectStore(name).getAll(range);
      request.onsuccess = () => (rows[name] = request.result as unknown[]);
    }
    let identity: IdentityRow | undefined;
    const identityRequest = transaction.objectStore(IDENTITIES).get(key);
    identityRequest.onsuccess = () => (identity = identityRequest.result as IdentityRow | undefined);
    transaction.oncomplete = () => {
      const states = new Map<number, StateRow['state']>();
      for (const row of rows[STATES] as StateRow[]) states.set(row.packetId, row.state);
      const outgoing = (rows[OUTGOING] as OutgoingRow[])
        .map(({ key: _key, ...message }): OutgoingRecord => ({
          ...message,
          state: states.get(message.packetId) ?? 'queued',
        }))
        .sort((a, b) => a.seq - b.seq);
      const session: StoredSession = {
        outgoing,
        incomingQos2: (rows[INCOMING] as IncomingRow[]).map((row) => row.packetId),
        subscriptions: (rows[SUBSCRIPTIONS] as SubscriptionRow[]).map((row) => row.subscription),
      };
      if (identity !== undefined) session.identity = identity.identity;
      resolve(session);
    };
    transaction.onerror = () => reject(failure(`cannot read session '${key}'`, transaction.error));
    transaction.onabort = () => reject(failure(`cannot read session '${key}'`, transaction.error));
  });
}

/** A `StoreError` for an IndexedDB failure, naming the DOMException (`QuotaExceededError`...), its `cause`. */
export function failure(message: string, cause: DOMException | null): StoreError {
  const detail = cause === null ? '' : `: ${cause.name}: ${cause.message}`;
  return new StoreError(`${message}${detail}`, { cause: cause ?? undefined });
}

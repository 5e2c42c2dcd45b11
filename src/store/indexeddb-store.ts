/**
 * `IndexedDbStore`: the durable `Store` of browsers, on the global IndexedDB (`indexedDB`, `IDBKeyRange`); in
 * Node, on fake-indexeddb's (`import 'fake-indexeddb/auto'`), for tests.
 *
 * - A session is read from IndexedDB once, when it is first used, into an in-memory copy (a `MemoryStore`):
 *   `load()` answers from it, and `apply()` validates a batch against it, so an invalid batch is refused with a
 *   `StoreError` before anything is written, exactly as the other stores do.
 * - `apply()` writes a batch in one readwrite transaction and resolves on the transaction's `complete` event,
 *   not on a request's success: only then is the batch durable. The client writes the bytes a batch implies
 *   only after that (the write-ahead rule, `EngineDriver`), so no QoS 1/2 PUBLISH, PUBREC or PUBREL reaches the
 *   WebSocket before IndexedDB holds it.
 * - A transaction that fails after the batch was validated (quota exceeded, the database deleted or closed by
 *   the browser) leaves the in-memory copy ahead of the database: the store then fails every later call with that
 *   `StoreError`, and the client stops (it never falls back to memory). A new store loads what was committed.
 * - While it uses a session, the store holds that session's Web Lock: another tab using the same session key is
 *   refused with `SessionLockedError` (session-lock.ts).
 *
 * Layout: indexeddb/schema.ts. What a page may lose, and how to wait for a message to be stored:
 * docs/persistence.md.
 */
import { StoreError } from './errors.js';
import { openDatabase, failure, readSession } from './indexeddb/read.js';
import { ALL_STORES, writeOps } from './indexeddb/schema.js';
import {
  acquireLock,
  defaultLockManager,
  lockName,
  type HeldLock,
  type SessionLockManager,
} from './indexeddb/session-lock.js';
import { MemoryStore } from './memory-store.js';
import type { Store, StoredSession, StoreOp } from './types.js';

const noop = (): void => undefined;

/**
 * How hard a committed batch is kept, IndexedDB's transaction durability hint:
 * - `'relaxed'` (the default): `complete` fires once the browser has the data; it survives the page closing,
 *   reloading or crashing and the browser crashing, not a power loss or an OS crash (SqliteStore's `'normal'`);
 * - `'strict'`: `complete` fires once the data is flushed to disk (slower: a disk flush per batch);
 * - `'default'`: the browser's own choice.
 */
export type IndexedDbDurability = 'relaxed' | 'strict' | 'default';

export interface IndexedDbStoreOptions {
  /** The IndexedDB database name (default `'steady-mqtt'`); one database holds any number of sessions. */
  name?: string;
  /** See `IndexedDbDurability`. */
  durability?: IndexedDbDurability;
  /**
   * The Web Locks manager that keeps a session to one tab (default `navigator.locks`); `null` uses no lock
   * (only where a single page can use the database). Where there is none (Node 20), no lock is taken.
   */
  locks?: SessionLockManager | null;
}

export const DEFAULT_INDEXEDDB_NAME = 'steady-mqtt';

const DURABILITIES: readonly IndexedDbDurability[] = ['relaxed', 'strict', 'default'];

export class IndexedDbStore implements Store {
  /** The database name. */
  readonly name: string;
  readonly durability: IndexedDbDurability;
  readonly #factory: IDBFactory;
  readonly #locks: SessionLockManager | undefined;
  #database: Promise<IDBDatabase> | undefined;
  #db: IDBDatabase | undefined;
  /** What is committed (or being committed) of every session in use. */
  readonly #mirror = new MemoryStore();
  /** Sessions being read in (and locked); a key is in `#ready` once read. */
  readonly #loading = new Map<string, Promise<void>>();
  readonly #ready = new Set<string>();
  readonly #held: HeldLock[] = [];
  readonly #pending = new Set<Promise<void>>();
  /** Batches waiting (behind a session being read in), and the last of them. */
  #waiting = 0;
  #queue: Promise<void> = Promise.resolve();
  #closed = false;
  /** The first transaction failure: from then on the in-memory copy is ahead of the database. */
  #failure: StoreError | undefined;

  constructor(options: IndexedDbStoreOptions = {}) {
    const global = globalThis as { indexedDB?: IDBFactory; IDBKeyRange?: unknown };
    const factory = global.indexedDB;
    if (factory === undefined || global.IDBKeyRange === undefined) {
      throw new StoreError(
        "IndexedDB is not available here (in Node, import 'fake-indexeddb/auto' first, for tests)",
      );
    }
    const durability = options.durability ?? 'relaxed';
    if (!DURABILITIES.includes(durability)) {
      throw new StoreError(`durability ${String(durability)} is not one of ${DURABILITIES.join(', ')}`);
    }
    const name = options.name ?? DEFAULT_INDEXEDDB_NAME;
    if (typeof name !== 'string' || name === '') throw new StoreError('the database name must be a string');
    this.name = name;
    this.durability = durability;
    this.#factory = factory;
    this.#locks = options.locks === null ? undefined : (options.locks ?? defaultLockManager());
  }

  async load(key: string): Promise<StoredSession> {
    this.#checkUsable();
    if (!this.#ready.has(key)) await this.#prepare(key);
    this.#checkUsable();
    return this.#mirror.load(key);
  }

  apply(key: string, ops: readonly StoreOp[]): Promise<void> {
    // The usual case, a session already read in, starts its transaction now. Batches commit in call order:
    // while one waits for a session to be read in, later ones wait behind it.
    if (this.#ready.has(key) && this.#waiting === 0 && !this.#closed && this.#failure === undefined) {
      return this.#write(key, ops);
    }
    this.#waiting++;
    const previous = this.#queue;
    const written = previous
      .then(() => {
        this.#checkUsable();
        return this.#ready.has(key) ? undefined : this.#prepare(key);
      })
      .then(() => this.#write(key, ops))
      .finally(() => this.#waiting--);
    this.#queue = written.then(noop, noop);
    return written;
  }

  /** Waits for the batches being committed, closes the database and releases the sessions' locks. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.allSettled([...this.#pending]);
    this.#mirror.close();
    this.#db?.close();
    await Promise.all(this.#held.splice(0).map((lock) => lock.release()));
  }

  /** Reads session `key` into the in-memory copy, after taking its lock; once per key, shared by callers. */
  #prepare(key: string): Promise<void> {
    let loading = this.#loading.get(key);
    if (loading === undefined) {
      loading = this.#readIn(key).finally(() => this.#loading.delete(key));
      this.#loading.set(key, loading);
    }
    return loading;
  }

  async #readIn(key: string): Promise<void> {
    const locks = this.#locks;
    if (locks !== undefined) {
      const lock = await acquireLock(locks, lockName(this.name, key));
      if (this.#closed) {
        await lock.release();
        throw new StoreError('the store is closed');
      }
      this.#held.push(lock);
    }
    const db = await this.#open();
    const stored = await readSession(db, key);
    this.#checkUsable();
    const seed: StoreOp[] = [{ kind: 'clear' }];
    if (stored.identity !== undefined) seed.push({ kind: 'setIdentity', identity: stored.identity });
    for (const record of stored.outgoing) seed.push({ kind: 'putOutgoing', record });
    for (const packetId of stored.incomingQos2) seed.push({ kind: 'putIncoming', packetId });
    for (const subscription of stored.subscriptions) seed.push({ kind: 'putSubscription', subscription });
    try {
      this.#mirror.apply(key, seed);
    } catch (error) {
      throw new StoreError(`session '${key}' in IndexedDB '${this.name}' is malformed`, { cause: error });
    }
    this.#ready.add(key);
  }

  #open(): Promise<IDBDatabase> {
    this.#database ??= openDatabase(this.#factory, this.name).then((db) => {
      this.#db = db;
      if (this.#closed) db.close();
      // Another page deleting or upgrading the database: this store can no longer commit.
      db.onversionchange = () => {
        db.close();
        this.#failure ??= new StoreError(
          `IndexedDB database '${this.name}' was deleted or upgraded elsewhere`,
        );
      };
      return db;
    });
    return this.#database;
  }

  /** Validates and applies `ops` to the in-memory copy (throws, changing nothing, when invalid), then commits. */
  #write(key: string, ops: readonly StoreOp[]): Promise<void> {
    try {
      this.#checkUsable();
      this.#mirror.apply(key, ops);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new StoreError(String(error)));
    }
    if (ops.length === 0) return Promise.resolve();
    const db = this.#db;
    let transaction: IDBTransaction;
    try {
      if (db === undefined) throw new Error('the database is not open');
      transaction = db.transaction(ALL_STORES, 'readwrite', { durability: this.durability });
      writeOps(transaction, key, ops);
    } catch (error) {
      return Promise.reject(this.#fail(new StoreError('cannot write to IndexedDB', { cause: error })));
    }
    const committed = new Promise<void>((resolve, reject) => {
      transaction.oncomplete = () => resolve();
      transaction.onabort = () =>
        reject(this.#fail(failure('the IndexedDB transaction was aborted', transaction.error)));
    });
    this.#pending.add(committed);
    const forget = (): boolean => this.#pending.delete(committed);
    committed.then(forget, forget);
    return committed;
  }

  #fail(error: StoreError): StoreError {
    this.#failure ??= error;
    return error;
  }

  #checkUsable(): void {
    if (this.#closed) throw new StoreError('the store is closed');
    if (this.#failure !== undefined) throw this.#failure;
  }
}

/**
 * `SqliteStore`: a `Store` in one SQLite file (WAL mode), holding the sessions of any number of clients, each
 * under its own `key`. Every `apply()` is one transaction: all of its ops or none. Its methods are synchronous:
 * when `apply()` returns, the batch is committed (see `SqliteDurability` for what survives what).
 *
 * It runs on the runtime's own `node:sqlite` where there is one, on better-sqlite3 otherwise (`sqlite/driver.ts`):
 * the same schema, SQL and settings on both, so a file written through one opens through the other.
 * Exported from `steady-mqtt/sqlite` only; the binding is loaded when the first store is constructed.
 * The schema, durability reasoning and inspection queries are in docs/persistence.md.
 */
import { StoreError } from './errors.js';
import { decodeProperties, encodeProperties, optionalFlag, bytes } from './sqlite/codec.js';
import type { SqliteConnection } from './sqlite/connection.js';
import { resolveDriver, type SqliteDriverChoice } from './sqlite/driver.js';
import { ensureSchema, readSchemaVersion } from './sqlite/schema.js';
import { type IdentityRow, prepareStatements, type Statements } from './sqlite/statements.js';
import { transaction } from './sqlite/transaction.js';
import { validateOp } from './sqlite/validate.js';
import type {
  OutgoingRecord,
  OutgoingState,
  SessionIdentity,
  Store,
  StoredSession,
  StoredSubscription,
  StoreOp,
} from './types.js';
import type { ProtocolVersion, QoS, RetainHandling } from '../packet/types.js';

/**
 * What a committed `apply()` survives, by SQLite's `synchronous` setting (the file is always in WAL mode):
 * - `'normal'` (the default): a crash or kill of the process, at any moment. A power loss or OS crash may lose
 *   the last commits (never corrupting the file). No fsync on commit, only at checkpoints.
 * - `'full'`: also a power loss or OS crash: the WAL is fsynced at every commit, which costs one disk flush
 *   per `apply()`.
 * - `'off'`: a crash of the process; a power loss may lose commits and corrupt the file. For tests and caches.
 */
export type SqliteDurability = 'full' | 'normal' | 'off';

/** Options of `new SqliteStore(path, options)`. */
export interface SqliteStoreOptions {
  /** See `SqliteDurability`. Default `'normal'`. */
  durability?: SqliteDurability;
  /** How long to wait for a lock held by another connection before failing with `SQLITE_BUSY`. Default 5000. */
  busyTimeoutMs?: number;
  /**
   * The SQLite binding: `'auto'` (the default: `node:sqlite` where the runtime has it, else better-sqlite3),
   * `'node:sqlite'`, `'better-sqlite3'`, or a `SqliteDriver`.
   */
  driver?: SqliteDriverChoice;
}

/** One stored session, as `listSessions()` describes it. */
export interface SessionSummary {
  key: string;
  /** Present when the session has an identity (`setIdentity`). */
  identity?: SessionIdentity;
  /** Counts of stored outgoing messages, incoming QoS 2 ids and subscriptions. */
  outgoing: number;
  incomingQos2: number;
  subscriptions: number;
}

/** What SQLite reports for a store's connection (`settings()`), for diagnostics. */
export interface SqliteSettings {
  /** `'wal'` for a file (`'memory'` for `':memory:'`). */
  journalMode: string;
  /** PRAGMA synchronous: 0 = OFF, 1 = NORMAL, 2 = FULL. */
  synchronous: number;
  busyTimeoutMs: number;
  schemaVersion: number;
}

/** The default durability: every acknowledged batch survives a process crash; see docs/persistence.md. */
export const DEFAULT_DURABILITY: SqliteDurability = 'normal';
/** The default busy timeout in milliseconds. */
export const DEFAULT_BUSY_TIMEOUT_MS = 5000;

const SYNCHRONOUS: Record<SqliteDurability, string> = { full: 'FULL', normal: 'NORMAL', off: 'OFF' };

/** A durable `Store` in an SQLite file. All methods throw `StoreError` on failure, and after `close()`. */
export class SqliteStore implements Store {
  /** The database file's path, as given. */
  readonly path: string;
  /** The durability in effect. */
  readonly durability: SqliteDurability;
  /** The binding in use: `'node:sqlite'` or `'better-sqlite3'` (or a custom driver's name). */
  readonly driver: string;
  #db: SqliteConnection | undefined;
  readonly #sql: Statements;
  readonly #applyBatch: (key: string, ops: readonly StoreOp[]) => void;
  readonly #loadSession: (key: string) => StoredSession;

  /**
   * Opens (creating it if needed) the store at `path`; `':memory:'` gives a store that lives as long as the object.
   *
   * @throws StoreError when no SQLite binding is available (no node:sqlite and no better-sqlite3), the folder is missing or read-only, the file is locked,
   *   corrupt, not a session store, or written by a newer version.
   */
  constructor(path: string, options: SqliteStoreOptions = {}) {
    const durability = options.durability ?? DEFAULT_DURABILITY;
    const busyTimeoutMs = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
    if (typeof path !== 'string' || path === '') throw new StoreError('SqliteStore needs a file path');
    if (!Object.hasOwn(SYNCHRONOUS, durability)) {
      throw new StoreError(`durability ${String(durability)} is not one of 'full', 'normal', 'off'`);
    }
    if (!Number.isInteger(busyTimeoutMs) || busyTimeoutMs < 0) {
      throw new StoreError(`busyTimeoutMs ${busyTimeoutMs} is not an integer >= 0`);
    }
    this.path = path;
    this.durability = durability;
    const driver = resolveDriver(options.driver);
    this.driver = driver.name;
    let db: SqliteConnection;
    try {
      db = driver.open(path);
    } catch (err) {
      throw wrap(err, `cannot open the session store ${path}`);
    }
    try {
      db.exec(`PRAGMA busy_timeout = ${busyTimeoutMs}`);
      const mode = pragma(db, 'journal_mode = WAL');
      if (mode !== 'wal' && path !== ':memory:') {
        throw new StoreError(`${path}: SQLite could not use WAL mode here (journal_mode is ${String(mode)})`);
      }
      db.exec(`PRAGMA synchronous = ${SYNCHRONOUS[durability]}`);
      ensureSchema(db, path);
      this.#sql = prepareStatements(db);
    } catch (err) {
      db.close();
      throw wrap(err, `cannot open the session store ${path}`);
    }
    this.#db = db;
    this.#applyBatch = (key, ops) =>
      transaction(db, () => {
        for (const op of ops) this.#applyOp(key, op);
      });
    // A read in one transaction, so the tables are read at one point in time.
    this.#loadSession = (key) => transaction(db, () => this.#read(key), 'DEFERRED');
  }

  /** Loads the session stored under `key`: outgoing in `seq` order, incoming ids ascending. */
  load(key: string): StoredSession {
    this.#check(key, 'load');
    try {
      return this.#loadSession(key);
    } catch (err) {
      throw wrap(err, `could not load session "${key}" from ${this.path}`);
    }
  }

  /** Applies `ops` in order in one transaction: all or none. See `validateOp` for what is invalid. */
  apply(key: string, ops: readonly StoreOp[]): void {
    this.#check(key, 'apply');
    const given: unknown = ops;
    if (!Array.isArray(given)) throw new StoreError('apply() needs an array of ops');
    if (ops.length === 0) return;
    for (let i = 0; i < ops.length; i++) validateOp(ops[i], i);
    try {
      this.#applyBatch(key, ops);
    } catch (err) {
      throw wrap(
        err,
        `could not apply ${ops.length} op(s) to session "${key}" in ${this.path}; none was applied`,
      );
    }
  }

  /** Every session in the file (any key with an identity, a message, an incoming id or a subscription). */
  listSessions(): SessionSummary[] {
    this.#check('', 'listSessions');
    try {
      return this.#sql.list.all().map((row) => {
        const summary: SessionSummary = {
          key: row.session_key,
          outgoing: row.outgoing,
          incomingQos2: row.incoming_qos2,
          subscriptions: row.subscriptions,
        };
        if (row.broker != null) summary.identity = identityOf(row as IdentityRow);
        return summary;
      });
    } catch (err) {
      throw wrap(err, `could not list the sessions in ${this.path}`);
    }
  }

  /** Deletes everything stored under `key`. Returns whether there was anything. */
  deleteSession(key: string): boolean {
    this.#check(key, 'deleteSession');
    try {
      return this.#deleteAll(key);
    } catch (err) {
      throw wrap(err, `could not delete session "${key}" from ${this.path}`);
    }
  }

  /** The settings SQLite reports for this connection (read back, not the options given). */
  settings(): SqliteSettings {
    this.#check('', 'settings');
    const db = this.#db as SqliteConnection;
    try {
      return {
        journalMode: String(pragma(db, 'journal_mode')),
        synchronous: Number(pragma(db, 'synchronous')),
        busyTimeoutMs: Number(pragma(db, 'busy_timeout')),
        schemaVersion: Number(readSchemaVersion(db)),
      };
    } catch (err) {
      throw wrap(err, `could not read the settings of ${this.path}`);
    }
  }

  /** Closes the database (idempotent). Every later call but `close()` throws a `StoreError`. */
  close(): void {
    const db = this.#db;
    this.#db = undefined;
    if (db === undefined) return;
    try {
      db.close();
    } catch (err) {
      throw wrap(err, `could not close ${this.path}`);
    }
  }

  #check(key: string, method: string): void {
    if (this.#db === undefined) throw new StoreError(`${method}() on a closed SqliteStore (${this.path})`);
    if (typeof key !== 'string') throw new StoreError(`${method}(): the session key must be a string`);
  }

  #deleteAll(key: string): boolean {
    let changes = 0;
    for (const stmt of this.#sql.clear) changes += Number(stmt.run(key).changes);
    return changes > 0;
  }

  #applyOp(key: string, op: StoreOp): void {
    const sql = this.#sql;
    switch (op.kind) {
      case 'putOutgoing': {
        const r = op.record;
        const props = encodeProperties(r.properties);
        const retain = r.retain ? 1 : 0;
        sql.putOutgoing.run(key, r.packetId, r.seq, r.qos, r.topic, r.payload, retain, props, r.state);
        return;
      }
      case 'setOutgoingState':
        if (Number(sql.setOutgoingState.run(op.state, key, op.packetId).changes) === 0) {
          throw new StoreError(`setOutgoingState: no outgoing message with packet id ${op.packetId}`);
        }
        return;
      case 'deleteOutgoing':
        sql.deleteOutgoing.run(key, op.packetId);
        return;
      case 'putIncoming':
        sql.putIncoming.run(key, op.packetId);
        return;
      case 'deleteIncoming':
        sql.deleteIncoming.run(key, op.packetId);
        return;
      case 'putSubscription': {
        const s = op.subscription;
        sql.putSubscription.run(
          key,
          s.topicFilter,
          s.qos,
          optionalFlag(s.noLocal),
          optionalFlag(s.retainAsPublished),
          s.retainHandling ?? null,
          encodeProperties(s.properties),
        );
        return;
      }
      case 'deleteSubscription':
        sql.deleteSubscription.run(key, op.topicFilter);
        return;
      case 'setIdentity': {
        const i = op.identity;
        sql.setIdentity.run(key, i.broker, i.clientId, i.protocolVersion, i.sessionExpiryInterval);
        return;
      }
      case 'clear':
        this.#deleteAll(key);
        return;
    }
  }

  #read(key: string): StoredSession {
    const sql = this.#sql;
    const session: StoredSession = {
      outgoing: sql.loadOutgoing.all(key).map((row) => {
        const record: OutgoingRecord = {
          seq: row.seq,
          packetId: row.packet_id,
          qos: row.qos as 1 | 2,
          topic: row.topic,
          payload: bytes(row.payload),
          retain: row.retain !== 0,
          state: row.state as OutgoingState,
        };
        if (row.properties !== null) record.properties = decodeProperties(row.properties);
        return record;
      }),
      incomingQos2: sql.loadIncoming.all(key).map((row) => row.packet_id),
      subscriptions: sql.loadSubscriptions.all(key).map((row) => {
        const sub: StoredSubscription = { topicFilter: row.topic_filter, qos: row.qos as QoS };
        if (row.no_local !== null) sub.noLocal = row.no_local !== 0;
        if (row.retain_as_published !== null) sub.retainAsPublished = row.retain_as_published !== 0;
        if (row.retain_handling !== null) sub.retainHandling = row.retain_handling as RetainHandling;
        if (row.properties !== null) sub.properties = decodeProperties(row.properties);
        return sub;
      }),
    };
    const identity = sql.loadIdentity.get(key);
    if (identity !== undefined) session.identity = identityOf(identity);
    return session;
  }
}

function identityOf(row: IdentityRow): SessionIdentity {
  return {
    broker: row.broker,
    clientId: row.client_id,
    protocolVersion: row.protocol_version as ProtocolVersion,
    sessionExpiryInterval: row.session_expiry_interval,
  };
}

/** The value of `PRAGMA <statement>` (its first column), on any binding. */
function pragma(db: SqliteConnection, statement: string): unknown {
  const row = db.prepare(`PRAGMA ${statement}`).get();
  return row === undefined ? undefined : Object.values(row)[0];
}

function wrap(err: unknown, context: string): StoreError {
  if (err instanceof StoreError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new StoreError(`${context}: ${message}`, { cause: err });
}

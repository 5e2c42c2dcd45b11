/**
 * The SQLite schema of a session store file, its version, and the check made when a file is opened.
 *
 * Every table is keyed by `session_key`, the `key` argument of `Store.load` / `Store.apply`, so one file holds
 * the sessions of several clients. The version lives in `steady_mqtt_meta`, which also marks the file as ours:
 * a database with tables but no such table is refused rather than written into.
 */
import { StoreError } from '../errors.js';
import type { SqliteConnection } from './connection.js';
import { transaction } from './transaction.js';

/** The schema version this code writes and reads. */
export const SCHEMA_VERSION = 1;

const SCHEMA_V1 = `
CREATE TABLE steady_mqtt_meta (
  name  TEXT PRIMARY KEY NOT NULL,
  value TEXT NOT NULL
);
-- The identity a session is resumed under (setIdentity); one row per key that has one.
CREATE TABLE sessions (
  session_key             TEXT PRIMARY KEY NOT NULL,
  broker                  TEXT NOT NULL,
  client_id               TEXT NOT NULL,
  protocol_version        INTEGER NOT NULL,
  session_expiry_interval INTEGER NOT NULL
);
-- Outgoing QoS 1/2 messages not yet acknowledged; load() returns them ORDER BY seq.
CREATE TABLE outgoing (
  session_key TEXT NOT NULL,
  packet_id   INTEGER NOT NULL,
  seq         INTEGER NOT NULL,
  qos         INTEGER NOT NULL,
  topic       TEXT NOT NULL,
  payload     BLOB NOT NULL,
  retain      INTEGER NOT NULL,
  properties  TEXT,            -- JSON; Uint8Array values as {"$base64": "..."}
  state       TEXT NOT NULL    -- 'queued' | 'sent' | 'pubrec'
);
CREATE UNIQUE INDEX outgoing_by_packet_id ON outgoing (session_key, packet_id);
-- Incoming QoS 2 packet ids taken by the application and not yet released by PUBREL.
CREATE TABLE incoming_qos2 (
  session_key TEXT NOT NULL,
  packet_id   INTEGER NOT NULL,
  PRIMARY KEY (session_key, packet_id)
) WITHOUT ROWID;
-- The subscriptions the client holds; load() returns them in the order they were first put.
CREATE TABLE subscriptions (
  session_key         TEXT NOT NULL,
  topic_filter        TEXT NOT NULL,
  qos                 INTEGER NOT NULL,
  no_local            INTEGER,
  retain_as_published INTEGER,
  retain_handling     INTEGER,
  properties          TEXT     -- JSON, as in outgoing
);
CREATE UNIQUE INDEX subscriptions_by_filter ON subscriptions (session_key, topic_filter);
`;

/**
 * Creates the schema in an empty database, or checks the version of an existing one.
 *
 * @throws StoreError for a file written by a newer version, or a database that is not a session store.
 */
export function ensureSchema(db: SqliteConnection, path: string): void {
  transaction(db, () => {
    const hasMeta = count(
      db,
      `SELECT count(*) AS n FROM sqlite_schema WHERE type = 'table' AND name = 'steady_mqtt_meta'`,
    );
    if (hasMeta === 0) {
      if (count(db, `SELECT count(*) AS n FROM sqlite_schema WHERE type = 'table'`) !== 0) {
        throw new StoreError(
          `${path} is an SQLite database but not a steady-mqtt session store (it has tables, none named ` +
            `steady_mqtt_meta); give SqliteStore a file of its own`,
        );
      }
      db.exec(SCHEMA_V1);
      db.prepare(`INSERT INTO steady_mqtt_meta (name, value) VALUES ('schema_version', ?)`).run(
        String(SCHEMA_VERSION),
      );
      return;
    }
    const value = readSchemaVersion(db);
    const version = Number(value);
    if (!Number.isInteger(version) || version < 1) {
      throw new StoreError(`${path}: the session store has no valid schema_version (found ${String(value)})`);
    }
    if (version > SCHEMA_VERSION) {
      throw new StoreError(
        `${path} was written by a newer steady-mqtt (session store schema version ${version}; this version ` +
          `reads up to ${SCHEMA_VERSION}): upgrade steady-mqtt, or use another file`,
      );
    }
  });
}

function count(db: SqliteConnection, sql: string): number {
  return Number(db.prepare(sql).get()?.n);
}

/** The `schema_version` recorded in the file, as stored (`undefined` when absent). */
export function readSchemaVersion(db: SqliteConnection): string | undefined {
  const row = db.prepare(`SELECT value FROM steady_mqtt_meta WHERE name = 'schema_version'`).get();
  return row === undefined ? undefined : String(row.value);
}

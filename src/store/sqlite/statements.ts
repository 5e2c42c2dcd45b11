/**
 * The prepared statements of a `SqliteStore`, prepared once per connection and reused by every batch.
 */
import type { SqliteConnection, SqliteStatement, SqlValue } from './connection.js';

/** A statement whose rows read as `R`. */
interface Stmt<P extends SqlValue[], R = unknown> {
  run(...params: P): { changes: number | bigint };
  all(...params: P): R[];
  get(...params: P): R | undefined;
}

function typed<P extends SqlValue[], R = unknown>(statement: SqliteStatement): Stmt<P, R> {
  return statement as unknown as Stmt<P, R>;
}

/** An `outgoing` row as SELECTed. */
export interface OutgoingRow {
  packet_id: number;
  seq: number;
  qos: number;
  topic: string;
  payload: Uint8Array;
  retain: number;
  properties: string | null;
  state: string;
}

/** A `subscriptions` row as SELECTed. */
export interface SubscriptionRow {
  topic_filter: string;
  qos: number;
  no_local: number | null;
  retain_as_published: number | null;
  retain_handling: number | null;
  properties: string | null;
}

/** A `sessions` row as SELECTed. */
export interface IdentityRow {
  broker: string;
  client_id: string;
  protocol_version: number;
  session_expiry_interval: number;
}

/** A row of `listSessions`. */
export interface SummaryRow extends Partial<IdentityRow> {
  session_key: string;
  outgoing: number;
  incoming_qos2: number;
  subscriptions: number;
}

/** Every statement a store uses. */
export interface Statements {
  putOutgoing: Stmt<SqlValue[]>;
  setOutgoingState: Stmt<[string, string, number]>;
  deleteOutgoing: Stmt<[string, number]>;
  putIncoming: Stmt<[string, number]>;
  deleteIncoming: Stmt<[string, number]>;
  putSubscription: Stmt<SqlValue[]>;
  deleteSubscription: Stmt<[string, string]>;
  setIdentity: Stmt<[string, string, string, number, number]>;
  clear: Stmt<[string]>[];
  loadOutgoing: Stmt<[string], OutgoingRow>;
  loadIncoming: Stmt<[string], { packet_id: number }>;
  loadSubscriptions: Stmt<[string], SubscriptionRow>;
  loadIdentity: Stmt<[string], IdentityRow>;
  list: Stmt<[], SummaryRow>;
}

/** Prepares the statements on `db`, whose schema must exist. */
export function prepareStatements(db: SqliteConnection): Statements {
  const prepare = <P extends SqlValue[], R = unknown>(sql: string): Stmt<P, R> =>
    typed<P, R>(db.prepare(sql));
  return {
    putOutgoing: prepare<SqlValue[]>(
      `INSERT INTO outgoing (session_key, packet_id, seq, qos, topic, payload, retain, properties, state)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (session_key, packet_id) DO UPDATE SET seq = excluded.seq, qos = excluded.qos,
         topic = excluded.topic, payload = excluded.payload, retain = excluded.retain,
         properties = excluded.properties, state = excluded.state`,
    ),
    setOutgoingState: prepare(`UPDATE outgoing SET state = ? WHERE session_key = ? AND packet_id = ?`),
    deleteOutgoing: prepare(`DELETE FROM outgoing WHERE session_key = ? AND packet_id = ?`),
    putIncoming: prepare(`INSERT OR IGNORE INTO incoming_qos2 (session_key, packet_id) VALUES (?, ?)`),
    deleteIncoming: prepare(`DELETE FROM incoming_qos2 WHERE session_key = ? AND packet_id = ?`),
    putSubscription: prepare<SqlValue[]>(
      `INSERT INTO subscriptions (session_key, topic_filter, qos, no_local, retain_as_published, retain_handling,
         properties) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (session_key, topic_filter) DO UPDATE SET qos = excluded.qos, no_local = excluded.no_local,
         retain_as_published = excluded.retain_as_published, retain_handling = excluded.retain_handling,
         properties = excluded.properties`,
    ),
    deleteSubscription: prepare(`DELETE FROM subscriptions WHERE session_key = ? AND topic_filter = ?`),
    setIdentity: prepare(
      `INSERT INTO sessions (session_key, broker, client_id, protocol_version, session_expiry_interval)
       VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (session_key) DO UPDATE SET broker = excluded.broker, client_id = excluded.client_id,
         protocol_version = excluded.protocol_version, session_expiry_interval = excluded.session_expiry_interval`,
    ),
    clear: ['sessions', 'outgoing', 'incoming_qos2', 'subscriptions'].map((table) =>
      prepare<[string]>(`DELETE FROM ${table} WHERE session_key = ?`),
    ),
    loadOutgoing: prepare(
      `SELECT packet_id, seq, qos, topic, payload, retain, properties, state FROM outgoing
       WHERE session_key = ? ORDER BY seq, packet_id`,
    ),
    loadIncoming: prepare(`SELECT packet_id FROM incoming_qos2 WHERE session_key = ? ORDER BY packet_id`),
    loadSubscriptions: prepare(
      `SELECT topic_filter, qos, no_local, retain_as_published, retain_handling, properties FROM subscriptions
       WHERE session_key = ? ORDER BY rowid`,
    ),
    loadIdentity: prepare(
      `SELECT broker, client_id, protocol_version, session_expiry_interval FROM sessions WHERE session_key = ?`,
    ),
    list: prepare(
      `SELECT k.session_key, s.broker, s.client_id, s.protocol_version, s.session_expiry_interval,
         (SELECT count(*) FROM outgoing o WHERE o.session_key = k.session_key) AS outgoing,
         (SELECT count(*) FROM incoming_qos2 i WHERE i.session_key = k.session_key) AS incoming_qos2,
         (SELECT count(*) FROM subscriptions u WHERE u.session_key = k.session_key) AS subscriptions
       FROM (SELECT session_key FROM sessions UNION SELECT session_key FROM outgoing
             UNION SELECT session_key FROM incoming_qos2 UNION SELECT session_key FROM subscriptions) k
       LEFT JOIN sessions s ON s.session_key = k.session_key
       ORDER BY k.session_key`,
    ),
  };
}

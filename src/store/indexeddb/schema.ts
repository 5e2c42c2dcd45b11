/**
 * The IndexedDB layout of `IndexedDbStore`, and the rows it writes. One database (named by the store's `name`)
 * holds every session; each object store's key starts with the session key, so a session is one key range.
 *
 *   outgoing       [key, packetId]   the message (seq, qos, topic, payload, retain, properties), without its state
 *   states         [key, packetId]   the message's state ('queued' | 'sent' | 'pubrec')
 *   incoming       [key, packetId]   an incoming QoS 2 id not yet released
 *   subscriptions  [key, topicFilter] a subscription
 *   identities     key               the session's identity
 *
 * The state has its own object store so that every op is a blind write (put or delete) issued in op order: a
 * state change needs no read of the message inside the transaction, whose requests could otherwise be overtaken
 * by a later delete of the same batch.
 */
import type {
  OutgoingRecord,
  OutgoingState,
  SessionIdentity,
  StoredSubscription,
  StoreOp,
} from '../types.js';

/** Bumped when the layout changes; `upgradeSchema` takes a database from any older version to this one. */
export const SCHEMA_VERSION = 1;

export const OUTGOING = 'outgoing';
export const STATES = 'states';
export const INCOMING = 'incoming';
export const SUBSCRIPTIONS = 'subscriptions';
export const IDENTITIES = 'identities';
export const ALL_STORES = [OUTGOING, STATES, INCOMING, SUBSCRIPTIONS, IDENTITIES];

export type OutgoingRow = Omit<OutgoingRecord, 'state'> & { key: string };
export interface StateRow {
  key: string;
  packetId: number;
  state: OutgoingState;
}
export interface IncomingRow {
  key: string;
  packetId: number;
}
export interface SubscriptionRow {
  key: string;
  topicFilter: string;
  subscription: StoredSubscription;
}
export interface IdentityRow {
  key: string;
  identity: SessionIdentity;
}

/** Creates the object stores (the `upgradeneeded` handler). */
export function upgradeSchema(db: IDBDatabase, oldVersion: number): void {
  if (oldVersion < 1) {
    db.createObjectStore(OUTGOING, { keyPath: ['key', 'packetId'] });
    db.createObjectStore(STATES, { keyPath: ['key', 'packetId'] });
    db.createObjectStore(INCOMING, { keyPath: ['key', 'packetId'] });
    db.createObjectStore(SUBSCRIPTIONS, { keyPath: ['key', 'topicFilter'] });
    db.createObjectStore(IDENTITIES, { keyPath: 'key' });
  }
}

/** Every row of one session: array keys starting with `key` (an array sorts after any number or string). */
export function sessionRange(key: string): IDBKeyRange {
  return IDBKeyRange.bound([key], [key, []]);
}

/**
 * Issues the requests of one validated batch in `transaction`, in op order (IndexedDB runs the requests of a
 * transaction in the order they were made). Only plain copies are written: a `Buffer` payload is stored as a
 * `Uint8Array` view of the same bytes.
 */
export function writeOps(transaction: IDBTransaction, key: string, ops: readonly StoreOp[]): void {
  const outgoing = transaction.objectStore(OUTGOING);
  const states = transaction.objectStore(STATES);
  for (const op of ops) {
    switch (op.kind) {
      case 'putOutgoing': {
        const { state, ...message } = op.record;
        const row: OutgoingRow = { ...message, key, payload: plainBytes(message.payload) };
        outgoing.put(row);
        states.put({ key, packetId: message.packetId, state } satisfies StateRow);
        break;
      }
      case 'setOutgoingState':
        states.put({ key, packetId: op.packetId, state: op.state } satisfies StateRow);
        break;
      case 'deleteOutgoing':
        outgoing.delete([key, op.packetId]);
        states.delete([key, op.packetId]);
        break;
      case 'putIncoming':
        transaction.objectStore(INCOMING).put({ key, packetId: op.packetId } satisfies IncomingRow);
        break;
      case 'deleteIncoming':
        transaction.objectStore(INCOMING).delete([key, op.packetId]);
        break;
      case 'putSubscription':
        transaction.objectStore(SUBSCRIPTIONS).put({
          key,
          topicFilter: op.subscription.topicFilter,
          subscription: { ...op.subscription },
        } satisfies SubscriptionRow);
        break;
      case 'deleteSubscription':
        transaction.objectStore(SUBSCRIPTIONS).delete([key, op.topicFilter]);
        break;
      case 'setIdentity':
        transaction.objectStore(IDENTITIES).put({ key, identity: { ...op.identity } } satisfies IdentityRow);
        break;
      case 'clear':
        for (const name of [OUTGOING, STATES, INCOMING, SUBSCRIPTIONS]) {
          transaction.objectStore(name).delete(sessionRange(key));
        }
        transaction.objectStore(IDENTITIES).delete(key);
        break;
    }
  }
}

/** A `Buffer` (a Node subclass) would be cloned as a plain `Uint8Array` anyway; this makes it explicit. */
function plainBytes(bytes: Uint8Array): Uint8Array {
  return bytes.constructor === Uint8Array
    ? bytes
    : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
}

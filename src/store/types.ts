/**
 * The `Store` contract: where a session's durable state lives.
 *
 * The session engine never calls a store. It emits `StoreOp`s beside the bytes they imply; the client applies
 * each batch with `apply()` and writes the bytes only after `apply()` has returned (or its Promise resolved).
 * That is the write-ahead rule of design.md: nothing reaches the socket before the store holds the state it
 * implies. Every method may return a Promise, so an asynchronous store (IndexedDB) fits the same contract.
 */
import type { Properties, ProtocolVersion, QoS, RetainHandling } from '../packet/types.js';

/** Where an outgoing QoS 1/2 message is in its flow. */
export type OutgoingState =
  | 'queued' // accepted, not yet sent (offline or behind the in-flight window)
  | 'sent' // PUBLISH sent, waiting for PUBACK / PUBREC
  | 'pubrec'; // PUBREC received, PUBREL sent, waiting for PUBCOMP

export interface OutgoingRecord {
  /** Publish order within the session, strictly increasing; resends follow it. */
  seq: number;
  /** The packet identifier, which is also the message's `mid`. */
  packetId: number;
  qos: 1 | 2;
  topic: string;
  payload: Uint8Array;
  retain: boolean;
  properties?: Properties;
  state: OutgoingState;
}

export interface StoredSubscription {
  topicFilter: string;
  qos: QoS;
  noLocal?: boolean;
  retainAsPublished?: boolean;
  retainHandling?: RetainHandling;
  /** The SUBSCRIBE properties it was made with (MQTT 5: subscription identifier, user properties). */
  properties?: Properties;
}

/** What identifies a stored session; a stored session is resumed only when this matches. */
export interface SessionIdentity {
  /** The broker, as a URL-like string (`mqtt://host:port`). */
  broker: string;
  clientId: string;
  protocolVersion: ProtocolVersion;
  /** Seconds (MQTT 5) or 0xFFFFFFFF for a 3.x persistent session. */
  sessionExpiryInterval: number;
}

export interface StoredSession {
  identity?: SessionIdentity;
  /** Outgoing QoS 1/2 messages not yet acknowledged, in `seq` order. */
  outgoing: OutgoingRecord[];
  /** Incoming QoS 2 packet identifiers taken by the application and not yet released by PUBREL. */
  incomingQos2: number[];
  /** The subscriptions the client holds, for re-subscribing when the broker lost the session. */
  subscriptions: StoredSubscription[];
}

export type StoreOp =
  | { kind: 'putOutgoing'; record: OutgoingRecord }
  | { kind: 'setOutgoingState'; packetId: number; state: OutgoingState }
  | { kind: 'deleteOutgoing'; packetId: number }
  | { kind: 'putIncoming'; packetId: number }
  | { kind: 'deleteIncoming'; packetId: number }
  | { kind: 'putSubscription'; subscription: StoredSubscription }
  | { kind: 'deleteSubscription'; topicFilter: string }
  | { kind: 'setIdentity'; identity: SessionIdentity }
  /** Discard the whole session (clean start). */
  | { kind: 'clear' };

/**
 * Rules every store follows (the shared contract suite in test/store/store-contract.ts checks them):
 * - A batch with an invalid op applies nothing and throws `StoreError`: `setOutgoingState` for a packet id
 *   with no stored message, a packet id outside 1..65535, a malformed record, subscription or identity, an
 *   unknown op kind.
 * - Deleting something absent does nothing; putting an existing outgoing message or subscription replaces it;
 *   putting an incoming id twice is harmless.
 * - After `close()`, every call throws `StoreError`.
 * - `load()` returns outgoing messages in `seq` order; the order of incoming ids and subscriptions is not part
 *   of the contract.
 */
export interface Store {
  /**
   * True when what the store holds dies with the process (`MemoryStore`): no crash can then tell when an
   * operation was applied, so the client applies the operations of a burst of commands with nothing to send
   * yet (messages queued behind the window) in one `apply()` at the end of the current turn (always before
   * their bytes are written, and before the store is read again) instead of one per command before the command
   * returns; a command with bytes to send commits at once. Absent or false (`SqliteStore`, and any store of yours
   * unless it says otherwise): one `apply()` per command, as the delivery promises need.
   */
  readonly volatile?: boolean;
  /** Loads the session stored under `key` (an empty one when there is none). */
  load(key: string): StoredSession | Promise<StoredSession>;
  /** Applies `ops` in order and atomically: all of them or none. Throws / rejects with a `StoreError`. */
  apply(key: string, ops: readonly StoreOp[]): void | Promise<void>;
  /** Releases the store's resources. */
  close(): void | Promise<void>;
}

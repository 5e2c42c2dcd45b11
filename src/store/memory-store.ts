/**
 * `MemoryStore`: the `Store` kept in process memory. The session survives reconnects but not a restart; it is the
 * default store, and the reference for the semantics every store implements:
 *
 * - sessions are keyed by a string (the client builds it from the broker and client id);
 * - `apply()` is atomic: every op is validated first, then all are applied, so a failing batch changes nothing;
 * - outgoing records come back from `load()` in `seq` order;
 * - records are copied in and out, so neither the engine nor the caller can change the stored state by mutating
 *   an object it handed over or got back (payload bytes are shared, not copied: nothing writes to them, and a copy
 *   per QoS 1/2 message would cost the hot path).
 *
 * Deleting something absent is not an error (deletes are idempotent); setting the state of an absent outgoing
 * message is (as in SqliteStore). Every failure is a `StoreError` and leaves the stored session unchanged.
 */
import { StoreError } from './errors.js';
import type {
  OutgoingRecord,
  SessionIdentity,
  Store,
  StoredSession,
  StoredSubscription,
  StoreOp,
} from './types.js';

interface Entry {
  identity: SessionIdentity | undefined;
  /**
   * Made on first use: a clean session with no QoS 1/2 message, or no QoS 2 subscriber, has none (an empty
   * Set/Map is ~190 bytes).
   */
  outgoing: Map<number, OutgoingRecord> | undefined;
  incoming: Set<number> | undefined;
  subscriptions: Map<string, StoredSubscription> | undefined;
}

function isState(state: unknown): boolean {
  return state === 'queued' || state === 'sent' || state === 'pubrec';
}

function isPacketId(id: unknown): boolean {
  return typeof id === 'number' && Number.isInteger(id) && id >= 1 && id <= 65535;
}

function copyRecord(r: OutgoingRecord): OutgoingRecord {
  const c: OutgoingRecord = { ...r };
  if (r.properties !== undefined) c.properties = { ...r.properties };
  return c;
}

function copySubscription(s: StoredSubscription): StoredSubscription {
  const c: StoredSubscription = { ...s };
  if (s.properties !== undefined) c.properties = { ...s.properties };
  return c;
}

function validate(op: StoreOp): string | undefined {
  switch (op.kind) {
    case 'putOutgoing': {
      const r = op.record;
      if (r === null || typeof r !== 'object') return 'putOutgoing needs a record';
      if (!isPacketId(r.packetId)) return `invalid packet id ${String(r.packetId)}`;
      if (typeof r.seq !== 'number' || !Number.isFinite(r.seq)) return `invalid seq ${String(r.seq)}`;
      if (r.qos !== 1 && r.qos !== 2) return `invalid qos ${String(r.qos)} for a stored message`;
      if (typeof r.topic !== 'string') return 'the topic must be a string';
      if (!(r.payload instanceof Uint8Array)) return 'the payload must be a Uint8Array';
      if (!isState(r.state)) return `invalid state ${String(r.state)}`;
      return undefined;
    }
    case 'setOutgoingState':
      if (!isPacketId(op.packetId)) return `invalid packet id ${String(op.packetId)}`;
      if (!isState(op.state)) return `invalid state ${String(op.state)}`;
      return undefined;
    case 'deleteOutgoing':
    case 'putIncoming':
    case 'deleteIncoming':
      return isPacketId(op.packetId) ? undefined : `invalid packet id ${String(op.packetId)}`;
    case 'putSubscription':
      return typeof op.subscription?.topicFilter === 'string'
        ? undefined
        : 'putSubscription needs a topic filter';
    case 'deleteSubscription':
      return typeof op.topicFilter === 'string' ? undefined : 'deleteSubscription needs a topic filter';
    case 'setIdentity':
      return op.identity !== null && typeof op.identity === 'object'
        ? undefined
        : 'setIdentity needs an identity';
    case 'clear':
      return undefined;
    default:
      return `unknown op ${String((op as { kind?: unknown }).kind)}`;
  }
}

export class MemoryStore implements Store {
  /** Nothing here survives the process: the client may batch the commits of several commands (see `Store`). */
  readonly volatile = true;
  private readonly sessions = new Map<string, Entry>();
  private closed = false;

  load(key: string): StoredSession {
    this.checkOpen();
    const e = this.sessions.get(key);
    if (e === undefined) return { outgoing: [], incomingQos2: [], subscriptions: [] };
    const outgoing =
      e.outgoing === undefined ? [] : [...e.outgoing.values()].map(copyRecord).sort((a, b) => a.seq - b.seq);
    const session: StoredSession = {
      outgoing,
      incomingQos2: e.incoming === undefined ? [] : [...e.incoming],
      subscriptions: e.subscriptions === undefined ? [] : [...e.subscriptions.values()].map(copySubscription),
    };
    if (e.identity !== undefined) session.identity = { ...e.identity };
    return session;
  }

  apply(key: string, ops: readonly StoreOp[]): void {
    this.checkOpen();
    if (ops.length === 0) return;
    // Validate everything first (shape, and that a state change names a record that will exist), then apply.
    let setsState = false;
    for (const op of ops) {
      const problem = validate(op);
      if (problem !== undefined) throw new StoreError(`store op refused, nothing applied: ${problem}`);
      if (op.kind === 'setOutgoingState') setsState = true;
    }
    const existing = this.sessions.get(key);
    if (setsState) this.checkStateChanges(existing, ops);
    let e = existing;
    if (e === undefined) {
      e = { identity: undefined, outgoing: undefined, incoming: undefined, subscriptions: undefined };
      this.sessions.set(key, e);
    }
    for (const op of ops) {
      switch (op.kind) {
        case 'putOutgoing': {
          // A re-put of a packet id replaces it; Map order is insertion order, `load` sorts by seq anyway.
          const outgoing = (e.outgoing ??= new Map<number, OutgoingRecord>());
          outgoing.delete(op.record.packetId);
          outgoing.set(op.record.packetId, copyRecord(op.record));
          break;
        }
        case 'setOutgoingState': {
          const r = e.outgoing?.get(op.packetId);
          if (r !== undefined) r.state = op.state;
          break;
        }
        case 'deleteOutgoing':
          e.outgoing?.delete(op.packetId);
          break;
        case 'putIncoming':
          (e.incoming ??= new Set<number>()).add(op.packetId);
          break;
        case 'deleteIncoming':
          e.incoming?.delete(op.packetId);
          break;
        case 'putSubscription':
          (e.subscriptions ??= new Map<string, StoredSubscription>()).set(
            op.subscription.topicFilter,
            copySubscription(op.subscription),
          );
          break;
        case 'deleteSubscription':
          e.subscriptions?.delete(op.topicFilter);
          break;
        case 'setIdentity':
          e.identity = { ...op.identity };
          break;
        case 'clear':
          e.identity = undefined;
          e.outgoing = undefined;
          e.incoming = undefined;
          e.subscriptions = undefined;
          break;
      }
    }
  }

  close(): void {
    this.closed = true;
  }

  /**
   * Refuses a batch whose `setOutgoingState` names a message that will not exist at that point. Only the batch's
   * own puts and deletes are tracked (true: put, false: deleted), on top of what is stored (nothing after a
   * clear): copying the stored ids made every apply() cost O(stored messages), quadratic over a long queue. Only
   * run for a batch that sets a state: a burst of publishes is one batch of puts, with nothing to check.
   */
  private checkStateChanges(existing: Entry | undefined, ops: readonly StoreOp[]): void {
    const changed = new Map<number, boolean>();
    let cleared = false;
    for (const op of ops) {
      if (op.kind === 'putOutgoing') changed.set(op.record.packetId, true);
      else if (op.kind === 'deleteOutgoing') changed.set(op.packetId, false);
      else if (op.kind === 'clear') {
        cleared = true;
        changed.clear();
      } else if (op.kind === 'setOutgoingState') {
        const known = changed.get(op.packetId) ?? (!cleared && existing?.outgoing?.has(op.packetId) === true);
        if (!known) {
          throw new StoreError(
            `store op refused, nothing applied: no outgoing message ${op.packetId} to set to '${op.state}'`,
          );
        }
      }
    }
  }

  private checkOpen(): void {
    if (this.closed) throw new StoreError('the store is closed');
  }
}

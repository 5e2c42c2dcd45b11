/**
 * Checks a `StoreOp` before it is applied, so a malformed op (from JavaScript, or a bug) fails its whole batch
 * with a `StoreError` instead of writing a record that cannot be read back or resent.
 *
 * What is invalid (the batch then applies nothing):
 * - an op that is not an object, or an unknown `kind`;
 * - a packet id that is not an integer in 1..65535; a `seq` that is not a safe integer >= 0;
 * - an outgoing record whose qos is not 1 or 2, whose state is not queued/sent/pubrec, whose topic is not a
 *   string, payload not a Uint8Array, retain not a boolean, or properties not an object;
 * - a subscription whose topic filter is not a string, qos not 0..2, retainHandling not 0..2, or whose
 *   optional flags are not booleans;
 * - an identity whose broker or client id is not a string, protocol version not 3/4/5, or session expiry not
 *   an integer in 0..0xFFFFFFFF;
 * - `setOutgoingState` for a packet id with no outgoing record (checked by the store against its state).
 *
 * Not invalid: deleting something absent (a no-op), putting an incoming id twice (a no-op), putting an outgoing
 * record or subscription that exists (it is replaced, keeping its place among subscriptions).
 */
import { StoreError } from '../errors.js';
import type { OutgoingRecord, SessionIdentity, StoredSubscription, StoreOp } from '../types.js';

/** @throws StoreError when `op` is invalid (see the module comment); `index` is its place in the batch. */
export function validateOp(op: StoreOp, index: number): void {
  const problem = problemOf(op);
  if (problem !== undefined) {
    const kind = isObject(op) ? String((op as { kind?: unknown }).kind) : typeof op;
    throw new StoreError(`invalid store op #${index} (${kind}): ${problem}; the batch was not applied`);
  }
}

function problemOf(op: StoreOp): string | undefined {
  if (!isObject(op)) return 'not an object';
  switch (op.kind) {
    case 'putOutgoing':
      return isObject(op.record) ? recordProblem(op.record) : 'record is not an object';
    case 'setOutgoingState':
      return packetIdProblem(op.packetId) ?? stateProblem(op.state);
    case 'deleteOutgoing':
    case 'putIncoming':
    case 'deleteIncoming':
      return packetIdProblem(op.packetId);
    case 'putSubscription':
      return isObject(op.subscription)
        ? subscriptionProblem(op.subscription)
        : 'subscription is not an object';
    case 'deleteSubscription':
      return typeof op.topicFilter === 'string' ? undefined : 'topicFilter is not a string';
    case 'setIdentity':
      return isObject(op.identity) ? identityProblem(op.identity) : 'identity is not an object';
    case 'clear':
      return undefined;
    default:
      return 'unknown kind';
  }
}

function recordProblem(r: OutgoingRecord): string | undefined {
  if (!Number.isSafeInteger(r.seq) || r.seq < 0) return `seq ${String(r.seq)} is not a safe integer >= 0`;
  const pid = packetIdProblem(r.packetId);
  if (pid !== undefined) return pid;
  if (r.qos !== 1 && r.qos !== 2) return `qos ${String(r.qos)} is not 1 or 2`;
  if (typeof r.topic !== 'string') return 'topic is not a string';
  if (!(r.payload instanceof Uint8Array)) return 'payload is not a Uint8Array';
  if (typeof r.retain !== 'boolean') return 'retain is not a boolean';
  return propertiesProblem(r.properties) ?? stateProblem(r.state);
}

function subscriptionProblem(s: StoredSubscription): string | undefined {
  if (typeof s.topicFilter !== 'string') return 'topicFilter is not a string';
  if (s.qos !== 0 && s.qos !== 1 && s.qos !== 2) return `qos ${String(s.qos)} is not 0, 1 or 2`;
  for (const flag of ['noLocal', 'retainAsPublished'] as const) {
    if (s[flag] !== undefined && typeof s[flag] !== 'boolean') return `${flag} is not a boolean`;
  }
  const rh = s.retainHandling;
  if (rh !== undefined && rh !== 0 && rh !== 1 && rh !== 2) return `retainHandling ${String(rh)} is not 0..2`;
  return propertiesProblem(s.properties);
}

function identityProblem(i: SessionIdentity): string | undefined {
  if (typeof i.broker !== 'string') return 'broker is not a string';
  if (typeof i.clientId !== 'string') return 'clientId is not a string';
  if (i.protocolVersion !== 3 && i.protocolVersion !== 4 && i.protocolVersion !== 5) {
    return `protocolVersion ${String(i.protocolVersion)} is not 3, 4 or 5`;
  }
  const sei = i.sessionExpiryInterval;
  if (!Number.isInteger(sei) || sei < 0 || sei > 0xffffffff)
    return `sessionExpiryInterval ${sei} is out of range`;
  return undefined;
}

function packetIdProblem(packetId: number): string | undefined {
  return Number.isInteger(packetId) && packetId >= 1 && packetId <= 0xffff
    ? undefined
    : `packet id ${String(packetId)} is not an integer in 1..65535`;
}

function stateProblem(state: string): string | undefined {
  return state === 'queued' || state === 'sent' || state === 'pubrec'
    ? undefined
    : `state ${String(state)} is not queued, sent or pubrec`;
}

function propertiesProblem(properties: unknown): string | undefined {
  return properties === undefined || (isObject(properties) && !Array.isArray(properties))
    ? undefined
    : 'properties is not an object';
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}

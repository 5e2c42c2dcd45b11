/**
 * Incoming application messages: QoS 1 and QoS 2 acknowledgement, exactly-once for QoS 2.
 *
 *   QoS 1:  broker PUBLISH id --> 'message' ... ack(id) --> PUBACK id
 *
 *   QoS 2:  broker                              client
 *           PUBLISH id ----------------------->  id unknown: 'message' (once)
 *                                                ... ack(id): putIncoming(id)  (write-ahead: before PUBREC)
 *                      <-----------------------  PUBREC id
 *           PUBLISH id (DUP) ----------------->  id recorded: PUBREC again, no 'message' (promise 4)
 *           PUBREL id ------------------------>  deleteIncoming(id)
 *                      <-----------------------  PUBCOMP id
 *
 * The id is recorded when the application has taken the message (`ack()`), before the PUBREC, so a crash
 * between the two resends PUBREC on the broker's retry instead of delivering twice (design.md promise 4).
 * A PUBLISH whose id was delivered but not acked yet is not delivered again either.
 *
 * Acks leave in the order the PUBLISH packets arrived, whatever the order of `ack()` calls (manual-ack mode):
 * PUBACKs in order [MQTT-4.6.0-2], PUBRECs in order [MQTT-4.6.0-3]. An early `ack()` is held until the messages
 * before it are acked; its id is recorded at once, though (putIncoming at `ack()`), since the application has
 * taken it.
 */
import { ReasonCode } from '../packet/reason-codes.js';
import { PacketType, type PublishPacket } from '../packet/types.js';
import type { Output } from './output.js';

/** `publish()` results besides a reason code. */
export const DELIVER = 0;
export const SUPPRESS = 1;

/** Flag in `pending` values: `ack()` was called, the ack waits for earlier ones. */
const ACKED = 4;

/** Arrival order of one QoS level's unacknowledged messages (ids), consumed from `head`. */
class Order {
  ids: number[] = [];
  head = 0;

  push(id: number): void {
    this.ids.push(id);
  }

  clear(): void {
    this.ids.length = 0;
    this.head = 0;
  }
}

export class Incoming {
  // The three collections are made on first use (issue 16): most clients never receive a QoS 1/2 message, and
  // an empty Map or Set costs about 190 bytes of every idle client's heap.
  /** Delivered to the application, ack not yet sent: id -> qos, | ACKED once `ack()` was called. */
  #pending: Map<number, number> | undefined;
  readonly #order1 = new Order();
  readonly #order2 = new Order();
  /** QoS 2 ids taken by the application, PUBREC sent (or due), awaiting PUBREL. Persisted. */
  #qos2: Set<number> | undefined;
  /** QoS 1 ids acked while disconnected: the broker will resend them, and gets its PUBACK then. */
  #pubackOwed: Set<number> | undefined;
  /** Acks may be written (connected, CONNACK accepted, not closing). */
  #connected = false;
  /** The Receive Maximum we advertised (MQTT 5; 65535 when absent; Infinity on 3.x, which has none). */
  #receiveMaximum: number;

  readonly #out: Output;

  constructor(out: Output, receiveMaximum: number) {
    this.#out = out;
    this.#receiveMaximum = receiveMaximum;
  }

  restore(ids: readonly number[]): void {
    if (ids.length === 0) return;
    const qos2 = (this.#qos2 ??= new Set<number>());
    for (const id of ids) qos2.add(id);
  }

  /** The options changed (`Session.reconfigure()`): the Receive Maximum the next CONNECT advertises. */
  setReceiveMaximum(receiveMaximum: number): void {
    this.#receiveMaximum = receiveMaximum;
  }

  /** A CONNACK accepted the connection: acks are written from now on. */
  connectionUp(): void {
    this.#connected = true;
  }

  /** The connection is closing or gone: acks wait (a QoS 1 one is owed, a QoS 2 one follows the resend). */
  connectionDown(): void {
    this.#connected = false;
  }

  /** QoS 1/2 messages handed to the application whose PUBACK / PUBREC has not been sent yet. */
  get awaitingAck(): number {
    return this.#pending?.size ?? 0;
  }

  /** QoS 1/2 messages the broker sent and has no PUBACK / PUBCOMP for. */
  get unacknowledged(): number {
    return (this.#pending?.size ?? 0) + (this.#qos2?.size ?? 0) + (this.#pubackOwed?.size ?? 0);
  }

  /** Takes a QoS 1/2 PUBLISH: DELIVER (emit 'message'), SUPPRESS (duplicate, handled), or a reason code to close with. */
  publish(p: PublishPacket): number {
    const id = p.packetId ?? 0;
    if (p.qos === 1) {
      if (this.#pending?.has(id) === true) return SUPPRESS;
      if (this.#pubackOwed?.delete(id) === true) {
        this.#out.send({ type: PacketType.PUBACK, packetId: id, reasonCode: ReasonCode.Success });
        return SUPPRESS;
      }
      if (this.#overQuota()) return ReasonCode.ReceiveMaximumExceeded;
      (this.#pending ??= new Map<number, number>()).set(id, 1);
      this.#order1.push(id);
      return DELIVER;
    }
    if (this.#qos2?.has(id) === true) {
      // Already taken: the broker missed our PUBREC. Answer it again, never deliver twice (promise 4).
      if (this.#connected)
        this.#out.send({ type: PacketType.PUBREC, packetId: id, reasonCode: ReasonCode.Success });
      return SUPPRESS;
    }
    if (this.#pending?.has(id) === true) return SUPPRESS;
    if (this.#overQuota()) return ReasonCode.ReceiveMaximumExceeded;
    (this.#pending ??= new Map<number, number>()).set(id, 2);
    this.#order2.push(id);
    return DELIVER;
  }

  /**
   * The broker sent more unacknowledged QoS 1/2 messages than the Receive Maximum we advertised (3.3.4, 4.9):
   * the client closes with 0x93. Only MQTT 5 has a Receive Maximum (65535 on 3.x can never be passed).
   */
  #overQuota(): boolean {
    return this.unacknowledged >= this.#receiveMaximum;
  }

  /** The application took message `id`; returns false when no such message waits for an ack. */
  ack(id: number, qos: number): boolean {
    const pending = this.#pending;
    const v = pending?.get(id);
    if (pending === undefined || v === undefined || (v & 3) !== qos || (v & ACKED) !== 0) return false;
    pending.set(id, v | ACKED);
    if (qos === 1) {
      this.#flush1();
    } else {
      // Recorded as taken now, even when its PUBREC has to wait for earlier messages' acks: a crash before
      // that PUBREC then answers the broker's resend with PUBREC instead of delivering again (promise 4).
      this.#out.op({ kind: 'putIncoming', packetId: id });
      this.#flush2();
    }
    return true;
  }

  #flush1(): void {
    const o = this.#order1;
    const pending = this.#pending;
    if (pending === undefined) return; // ack() found its id there
    while (o.head < o.ids.length) {
      const id = o.ids[o.head];
      const v = pending.get(id);
      if (v !== undefined && (v & ACKED) === 0) break;
      o.head++;
      if (v === undefined) continue;
      pending.delete(id);
      if (this.#connected)
        this.#out.send({ type: PacketType.PUBACK, packetId: id, reasonCode: ReasonCode.Success });
      else (this.#pubackOwed ??= new Set<number>()).add(id);
    }
    if (o.head === o.ids.length) o.clear();
  }

  #flush2(): void {
    const o = this.#order2;
    const pending = this.#pending;
    if (pending === undefined) return; // ack() found its id there
    while (o.head < o.ids.length) {
      const id = o.ids[o.head];
      const v = pending.get(id);
      if (v !== undefined && (v & ACKED) === 0) break;
      o.head++;
      if (v === undefined) continue;
      pending.delete(id);
      (this.#qos2 ??= new Set<number>()).add(id);
      // Write-ahead: its putIncoming was emitted by ack(), in this output or an earlier one, so the client
      // stores the id before it writes this PUBREC.
      // Disconnected: no PUBREC now; the broker resends the PUBLISH and gets it then.
      if (this.#connected)
        this.#out.send({ type: PacketType.PUBREC, packetId: id, reasonCode: ReasonCode.Success });
    }
    if (o.head === o.ids.length) o.clear();
  }

  pubrel(id: number): void {
    if (this.#qos2?.delete(id) === true) {
      this.#out.op({ kind: 'deleteIncoming', packetId: id });
      this.#out.send({ type: PacketType.PUBCOMP, packetId: id, reasonCode: ReasonCode.Success });
      return;
    }
    // Unknown id: MQTT 5 answers 0x92 (4.3.3); MQTT 3.x completes it anyway so the broker does not hang (Paho #284).
    this.#out.log('warn', `PUBREL for unknown packet id ${id}`);
    this.#out.send({
      type: PacketType.PUBCOMP,
      packetId: id,
      reasonCode: this.#out.version === 5 ? ReasonCode.PacketIdentifierNotFound : ReasonCode.Success,
    });
  }

  /**
   * The broker has no session (session present = 0): it will not resend or release anything, and its next
   * packet ids are new messages. `storeOps` false when the caller already emitted a `clear`.
   */
  clear(storeOps: boolean): void {
    if (storeOps) {
      if (this.#qos2 !== undefined) {
        for (const id of this.#qos2) this.#out.op({ kind: 'deleteIncoming', packetId: id });
      }
      // QoS 2 messages acked early (recorded by ack(), PUBREC still held behind an earlier message).
      if (this.#pending !== undefined) {
        for (const [id, v] of this.#pending) {
          if ((v & 3) === 2 && (v & ACKED) !== 0) this.#out.op({ kind: 'deleteIncoming', packetId: id });
        }
      }
    }
    this.#qos2 = undefined;
    this.#pending = undefined;
    this.#pubackOwed = undefined;
    this.#order1.clear();
    this.#order2.clear();
  }
}

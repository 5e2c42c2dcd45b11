/**
 * Outgoing application messages: QoS 0 offline queue, QoS 1/2 flows, the in-flight window and the queue behind it.
 *
 *   QoS 1                                   QoS 2
 *   client                 broker           client                           broker
 *   putOutgoing(sent)                       putOutgoing(sent)
 *   PUBLISH id ---------------->            PUBLISH id --------------------------->
 *            <---------------- PUBACK id                 <----------------------- PUBREC id
 *   deleteOutgoing, 'published'             rc < 0x80: setOutgoingState(pubrec)
 *                                                      PUBREL id ------------------>
 *                                                                  <-------------- PUBCOMP id
 *                                                      deleteOutgoing, 'published'
 *                                           rc >= 0x80: deleteOutgoing, 'published' (no PUBREL, 4.3.3)
 *                                           PUBACK instead of PUBREC (a broker without QoS 2, RabbitMQ 3.10):
 *                                                      deleteOutgoing, 'published' downgraded (at least once)
 *
 *   Reconnect, session present:    state 'sent'   -> PUBLISH DUP=1 [MQTT-3.3.1-1]
 *                                  state 'pubrec' -> PUBREL (never the PUBLISH again)   [MQTT-4.4.0-1]
 *   Reconnect, session lost:       'sent' and 'pubrec' -> 'queued', published again as new messages (promise 3)
 *
 * Structures: `records` holds every unfinished QoS 1/2 message by packet id, in `seq` (publish) order. `queue`
 * holds, in `seq` order, what waits for the wire on this connection: never-sent messages (QoS 0 offline included)
 * and, after a reconnect, unacknowledged ones to resend. An entry is in `queue` exactly when it is neither finished
 * (`done`) nor on the wire (`onWire`); stale references are skipped lazily, so nothing is spliced out of the middle.
 * The window (entries on the wire) is min(maxInflightMessages, the broker's Receive Maximum) [MQTT-3.3.4-7], on the
 * first send and on every resend alike (Paho #492). QoS 2 entries (PUBLISH or PUBREL on the wire) may also have a
 * smaller window of their own (`maxInflightQos2`); a QoS 2 message held by it holds the ones published after it.
 */
import { isFailureReasonCode, ReasonCode } from '../packet/reason-codes.js';
import { PacketType, type Properties, type QoS } from '../packet/types.js';
import type { OutgoingRecord, OutgoingState } from '../store/types.js';
import { DEFAULT_LIMITS, type BrokerLimits } from './connect.js';
import { MQTTErrorCode } from './error-code.js';
import { NO_PROPERTIES, type Output, type SplitPacket } from './output.js';
import type { PacketIds } from './packet-ids.js';
import { SendQueue, type OutEntry } from './send-queue.js';
import { PublishEncoder, publishPacket } from './publish-encoder.js';
import type { OutgoingAliases } from './topic-alias.js';
import type { OutgoingMessage, PublishTicket } from './types.js';

export interface OutgoingConfig {
  maxInflightMessages: number;
  maxInflightQos2?: number;
  maxQueuedMessages: number;
  maxQueuedBytes: number;
  queueFullPolicy: 'reject' | 'drop-oldest';
  autoTopicAlias: boolean;
}

function record(e: OutEntry, state: OutgoingState): OutgoingRecord {
  const r: OutgoingRecord = {
    seq: e.seq,
    packetId: e.mid,
    qos: e.qos as 1 | 2,
    topic: e.topic,
    payload: e.payload,
    retain: e.retain,
    state,
  };
  if (e.properties !== undefined) r.properties = e.properties;
  return r;
}

/** What an Outgoing without any QoS 1/2 message iterates. */
const NO_ENTRIES: readonly OutEntry[] = [];

export class Outgoing {
  /**
   * Every unfinished QoS 1/2 message, by packet id, in `seq` order. Made by the first QoS 1/2 message (issue 16:
   * an empty Map is about 190 bytes of every idle client's heap).
   */
  #records: Map<number, OutEntry> | undefined;
  readonly #queue = new SendQueue();
  /** Entries on the wire (sent on this connection and not finished). */
  #inflight = 0;
  #nextSeq = 1;
  #window = 0;
  /**
   * The transport's send buffer is full. With `maxQueuedMessages` set, QoS 0 messages then wait in the queue under
   * the queue's limits rather than in the transport's buffer, which nothing bounds. Without it they go to the
   * transport: a queued message costs more memory and about three times the CPU of its bytes in the socket
   * buffer (measured: 200k QoS 0 at 1,000 per turn, 2.1 -> 6.5 us/msg), and its packet id.
   */
  #congested = false;
  /** QoS 2 entries on the wire, and their own limit (never above `window`). */
  #inflightQos2 = 0;
  #windowQos2 = 0;
  #limits: BrokerLimits = DEFAULT_LIMITS;
  /** A CONNACK was accepted on the current connection and it is not closing. */
  #connected = false;
  /** PUBLISH packets sent for the first time (resends are not counted), by QoS. */
  readonly #firstSends: [number, number, number] = [0, 0, 0];
  /** The QoS 1 message being timed from its first send to its PUBACK (0: none), and when it was sent. */
  #timedMid = 0;
  #timedSentAt = 0;
  #lastPublishRoundTripMs: number | undefined;

  readonly #encoder: PublishEncoder;

  readonly #cfg: OutgoingConfig;
  readonly #ids: PacketIds;
  readonly #out: Output;
  readonly #aliases: OutgoingAliases;

  constructor(cfg: OutgoingConfig, ids: PacketIds, out: Output, aliases: OutgoingAliases) {
    this.#cfg = cfg;
    this.#ids = ids;
    this.#out = out;
    this.#aliases = aliases;
    this.#encoder = new PublishEncoder(out, aliases, cfg.autoTopicAlias);
  }

  /** Loads a stored session's unfinished messages (any order in, `seq` order kept). */
  restore(records: readonly OutgoingRecord[]): void {
    const sorted = [...records].sort((a, b) => a.seq - b.seq);
    let maxId = 0;
    for (const r of sorted) {
      const e: OutEntry = {
        seq: r.seq,
        mid: r.packetId,
        qos: r.qos,
        topic: r.topic,
        payload: r.payload,
        retain: r.retain,
        properties: r.properties,
        state: r.state,
        onWire: false,
        done: false,
      };
      (this.#records ??= new Map<number, OutEntry>()).set(e.mid, e);
      this.#ids.mark(e.mid);
      this.#queue.push(e);
      if (r.seq >= this.#nextSeq) this.#nextSeq = r.seq + 1;
      if (r.packetId > maxId) maxId = r.packetId;
    }
    if (maxId > 0) this.#ids.startAfter(maxId);
  }

  /** Unfinished QoS 1/2 messages (queued, on the wire, or awaiting a resend): session state to keep. */
  get unfinished(): number {
    return this.#records?.size ?? 0;
  }

  get inflightCount(): number {
    return this.#inflight;
  }

  get queuedMessages(): number {
    return this.#queue.queuedCount;
  }

  /** The payload bytes of the messages never sent yet. */
  get queuedBytes(): number {
    return this.#queue.queuedBytes;
  }

  /** A copy of the first-send counts by QoS. */
  firstSends(): [number, number, number] {
    const [q0, q1, q2] = this.#firstSends;
    return [q0, q1, q2];
  }

  /** From the first send of a QoS 1 message to its PUBACK (ms), for the last message timed; one at a time. */
  get lastPublishRoundTripMs(): number | undefined {
    return this.#lastPublishRoundTripMs;
  }

  /** Counts a first send, and times a QoS 1 message when none is being timed. */
  #sentFirst(qos: QoS, mid: number): void {
    this.#firstSends[qos]++;
    if (qos === 1 && this.#timedMid === 0) {
      this.#timedMid = mid;
      this.#timedSentAt = this.#out.now;
    }
  }

  /** `msg` is validated by the caller (topic resolved, qos, payload type). */
  publish(msg: OutgoingMessage): PublishTicket {
    const qos = msg.qos;
    const connected = this.#connected;
    if (connected) {
      // Checked against the CONNACK in force; a message queued offline is checked when it is sent.
      if (qos > this.#limits.maximumQoS) return { mid: 0, rc: MQTTErrorCode.MQTT_ERR_NOT_SUPPORTED }; // [MQTT-3.2.2-11]
      if (msg.retain && !this.#limits.retainAvailable)
        return { mid: 0, rc: MQTTErrorCode.MQTT_ERR_NOT_SUPPORTED }; // [MQTT-3.2.2-14]
    }
    const sendNow =
      connected && this.#queue.waiting === 0 && this.#fitsWindow(qos) && !(qos === 0 && this.#holdsQos0());

    if (sendNow && qos === 0) {
      // The hot path: no entry, no store op, one encode.
      const bytes = this.#encoder.encode(msg.topic, msg.payload, 0, msg.retain, false, 0, msg.properties);
      if (bytes === undefined) return { mid: 0, rc: MQTTErrorCode.MQTT_ERR_PAYLOAD_SIZE };
      const mid = this.#ids.transient();
      this.#firstSends[0]++;
      this.#out.write(bytes);
      this.#out.event({
        type: 'published',
        mid,
        qos: 0,
        reasonCode: ReasonCode.Success,
        properties: NO_PROPERTIES,
      });
      return { mid, rc: MQTTErrorCode.MQTT_ERR_SUCCESS };
    }

    if (this.#ids.size >= 65535) return { mid: 0, rc: MQTTErrorCode.MQTT_ERR_QUEUE_SIZE };
    if (!sendNow) {
      if (msg.properties !== undefined || this.#out.maxPacketSize !== Infinity) {
        // A trial encode: properties the codec refuses throw InvalidArgumentError now, before any state change,
        // rather than when the queue drains; and a message too large for the broker we know is refused now.
        // The header alone: a large payload is not copied just to be measured.
        const header = this.#out.encodePublishHeader(
          publishPacket(msg.topic, msg.payload, qos, msg.retain, false, 1, msg.properties),
        );
        const size = header.length + msg.payload.length;
        if (size > this.#out.maxPacketSize) return { mid: 0, rc: MQTTErrorCode.MQTT_ERR_PAYLOAD_SIZE };
      }
      if (!this.#makeRoom(msg.payload.length)) return { mid: 0, rc: MQTTErrorCode.MQTT_ERR_QUEUE_SIZE };
    }
    // The id is taken only once the message is accepted: a throw or a refusal below leaves the counter alone.
    const mid = this.#ids.peek();
    const e: OutEntry = {
      seq: this.#nextSeq,
      mid,
      qos,
      topic: msg.topic,
      payload: msg.payload,
      retain: msg.retain,
      properties: msg.properties,
      state: 'queued',
      onWire: false,
      done: false,
    };
    if (sendNow) {
      // QoS 1/2 sent at once: the store learns it as 'sent' (one op), in the same output as its bytes.
      const bytes = this.#encodeEntry(e, false); // throws for invalid properties: nothing happened
      if (bytes === undefined) return { mid: 0, rc: MQTTErrorCode.MQTT_ERR_PAYLOAD_SIZE };
      this.#ids.commit(mid, true);
      this.#nextSeq++;
      e.state = 'sent';
      this.#enterWindow(e);
      (this.#records ??= new Map<number, OutEntry>()).set(mid, e);
      this.#out.op({ kind: 'putOutgoing', record: record(e, 'sent') });
      this.#sentFirst(qos, mid);
      this.#out.write(bytes);
      return { mid, rc: MQTTErrorCode.MQTT_ERR_SUCCESS };
    }
    this.#ids.commit(mid, true);
    this.#nextSeq++;
    if (qos > 0) {
      (this.#records ??= new Map<number, OutEntry>()).set(mid, e);
      this.#out.op({ kind: 'putOutgoing', record: record(e, 'queued') });
    }
    this.#queue.push(e);
    return { mid, rc: MQTTErrorCode.MQTT_ERR_SUCCESS };
  }

  /** The CONNACK accepted a connection: adopt the broker's limits. Resends wait for `drain()`. */
  connack(limits: BrokerLimits, version: number): void {
    this.#limits = limits;
    this.#out.setBrokerMaximumPacketSize(limits.maximumPacketSize);
    const local = this.#cfg.maxInflightMessages > 0 ? this.#cfg.maxInflightMessages : 65535;
    this.#window = Math.min(local, limits.receiveMaximum);
    const qos2 = this.#cfg.maxInflightQos2 ?? 0;
    this.#windowQos2 = qos2 > 0 ? Math.min(qos2, this.#window) : this.#window;
    this.#aliases.reset(version === 5 ? limits.topicAliasMaximum : 0);
    this.#connected = true;
  }

  /**
   * Clean start: the new session knows nothing of messages already sent, so those are discarded ('dropped',
   * CONN_LOST: the user chose to discard the session, promise 1); messages never sent belong to the new session
   * and are written again after the caller's `clear` op.
   */
  discardSent(): void {
    for (const e of this.#records?.values() ?? NO_ENTRIES) {
      if (e.state === 'queued') {
        this.#out.op({ kind: 'putOutgoing', record: record(e, 'queued') });
        continue;
      }
      this.#finishEntry(e, false); // the caller's `clear` op already removed it from the store
      this.#out.event({ type: 'dropped', mid: e.mid, rc: MQTTErrorCode.MQTT_ERR_CONN_LOST });
    }
  }

  /**
   * The broker lost the session (session present = 0 on a resume): every unacknowledged message, PUBREL-state
   * QoS 2 included since the broker forgot it, is published again as a new message (promise 3).
   */
  requeueAll(): void {
    for (const e of this.#records?.values() ?? NO_ENTRIES) {
      if (e.state === 'queued') continue;
      e.state = 'queued';
      this.#queue.requeued(e);
      this.#out.op({ kind: 'setOutgoingState', packetId: e.mid, state: 'queued' });
    }
  }

  /** The transport's send buffer filled up (true) or drained (false); draining sends what waited. */
  setCongested(congested: boolean): void {
    if (this.#congested === congested) return;
    this.#congested = congested;
    if (!congested) this.drain();
  }

  /** The connection is gone: nothing is on the wire any more; rebuild the queue in `seq` order. */
  disconnected(): void {
    this.#connected = false;
    this.#congested = false;
    for (const e of this.#records?.values() ?? NO_ENTRIES) e.onWire = false;
    this.#queue.rebuild(this.#records?.values() ?? NO_ENTRIES);
    this.#inflight = 0;
    this.#inflightQos2 = 0;
    // A round trip across a reconnect would time the outage, not the broker.
    this.#timedMid = 0;
  }

  /** Stops sending (the connection is closing) without forgetting what is on the wire. */
  closing(): void {
    this.#connected = false;
  }

  /**
   * Sends what waits, strictly in `seq` (publish) order, while the window allows: a QoS 0 message published behind
   * QoS 1/2 messages held by the window waits its turn, so messages always leave in the order they were published.
   */
  drain(): void {
    if (!this.#connected) return;
    for (let e = this.#queue.peek(); e !== undefined; e = this.#queue.peek()) {
      if (!this.#fitsWindow(e.qos) || (e.qos === 0 && this.#holdsQos0())) break;
      this.#queue.shift(e);
      this.#sendEntry(e);
    }
  }

  onPuback(packetId: number, reasonCode: number, properties: Properties | undefined): void {
    const e = this.#records?.get(packetId);
    if (e === undefined || e.state !== 'sent') {
      this.#out.log('warn', `PUBACK for unknown packet id ${packetId}, ignored`);
      return;
    }
    // `records` holds QoS 1 and 2. A PUBACK for a QoS 2 PUBLISH not yet PUBREC'd: the broker took it at QoS 1
    // (RabbitMQ 3.10 does this) instead of answering with PUBREC [MQTT-4.3.3-2] (3.1.1 numbering). It owns the
    // message now, as after any PUBACK [MQTT-4.3.2-2]; ignoring the PUBACK would hold the packet id and an
    // in-flight slot for good and resend the message (a duplicate) after a reconnect, while no PUBREC will ever
    // come. So it completes as delivered at least once, with a warning, and the event says so (`downgraded`).
    // No PUBREL: the broker holds no QoS 2 state.
    const downgraded = e.qos === 2;
    if (downgraded) this.#out.log('warn', `PUBACK for QoS 2 message ${packetId}, taken at QoS 1`);
    this.#finish(e, reasonCode, properties, downgraded);
  }

  onPubrec(packetId: number, reasonCode: number, properties: Properties | undefined): void {
    const e = this.#records?.get(packetId);
    if (e === undefined || e.qos !== 2 || e.state === 'queued') {
      this.#out.log('warn', `PUBREC for unknown packet id ${packetId}`);
      // Answer with PUBREL (MQTT 5: reason 0x92 Packet Identifier not found, 3.6.2.1) on every version, so a
      // broker that kept a session this client lost does not hold the id forever; it answers PUBCOMP and the
      // flow ends. A refusing PUBREC (>= 0x80) already ended the broker's flow (4.3.3): nothing to release.
      if (e === undefined && !isFailureReasonCode(reasonCode)) {
        this.#out.send({
          type: PacketType.PUBREL,
          packetId,
          reasonCode: ReasonCode.PacketIdentifierNotFound,
        });
      }
      return;
    }
    if (e.state === 'pubrec') {
      // A duplicate PUBREC: answer it again.
      this.#out.send({ type: PacketType.PUBREL, packetId, reasonCode: ReasonCode.Success });
      return;
    }
    if (isFailureReasonCode(reasonCode)) {
      // The broker refused the message: the flow ends here, with no PUBREL (4.3.3: a PUBREC >= 0x80 ends the flow).
      this.#finish(e, reasonCode, properties);
      return;
    }
    e.state = 'pubrec';
    if (!e.onWire) {
      // Acknowledged before we resent it (after a reconnect): it is on the wire now.
      this.#queue.leave(e);
      this.#enterWindow(e);
    }
    // Write-ahead: the store knows the PUBREC before the PUBREL leaves, so a restart sends PUBREL, never PUBLISH.
    this.#out.op({ kind: 'setOutgoingState', packetId, state: 'pubrec' });
    this.#out.send({ type: PacketType.PUBREL, packetId, reasonCode: ReasonCode.Success });
  }

  onPubcomp(packetId: number, reasonCode: number, properties: Properties | undefined): void {
    const e = this.#records?.get(packetId);
    if (e === undefined || e.qos !== 2 || e.state !== 'pubrec') {
      this.#out.log('warn', `PUBCOMP for unknown packet id ${packetId}, ignored`);
      return;
    }
    this.#finish(e, reasonCode, properties);
  }

  /** A flow ended (ack or refusal): forget it, report it, and let the next message into the window. */
  #finish(e: OutEntry, reasonCode: number, properties: Properties | undefined, downgraded = false): void {
    if (e.mid === this.#timedMid && e.qos === 1) {
      this.#lastPublishRoundTripMs = this.#out.now - this.#timedSentAt;
      this.#timedMid = 0;
    }
    this.#finishEntry(e);
    const props = properties ?? NO_PROPERTIES;
    this.#out.event({ type: 'published', mid: e.mid, qos: e.qos, reasonCode, properties: props, downgraded });
    this.drain();
  }

  /** A waiting message the broker cannot take (too large, QoS or retain not supported): it ends as refused. */
  #refuse(e: OutEntry, reasonCode: number): void {
    // Called from `sendEntry`: `e` already left the queue.
    e.done = true;
    if (e.qos !== 0) {
      this.#records?.delete(e.mid);
      this.#out.op({ kind: 'deleteOutgoing', packetId: e.mid });
    }
    this.#ids.release(e.mid);
    this.#out.event({ type: 'published', mid: e.mid, qos: e.qos, reasonCode, properties: NO_PROPERTIES });
  }

  #finishEntry(e: OutEntry, storeOp = true): void {
    e.done = true;
    if (e.onWire) {
      e.onWire = false;
      this.#inflight--;
      if (e.qos === 2) this.#inflightQos2--;
    } else {
      this.#queue.leave(e);
    }
    if (e.qos !== 0) {
      this.#records?.delete(e.mid);
      if (storeOp) this.#out.op({ kind: 'deleteOutgoing', packetId: e.mid });
    }
    this.#ids.release(e.mid);
  }

  /** Makes room in the queue for a message of `bytes` payload bytes; false when it cannot. */
  #makeRoom(bytes: number): boolean {
    const { maxQueuedMessages: maxN, maxQueuedBytes: maxB, queueFullPolicy } = this.#cfg;
    if (maxB > 0 && bytes > maxB) return false;
    const q = this.#queue;
    while ((maxN > 0 && q.queuedCount + 1 > maxN) || (maxB > 0 && q.queuedBytes + bytes > maxB)) {
      if (queueFullPolicy === 'reject') return false;
      const victim = q.oldestQueued();
      if (victim === undefined) return false;
      this.#finishEntry(victim);
      this.#out.event({ type: 'dropped', mid: victim.mid, rc: MQTTErrorCode.MQTT_ERR_QUEUE_SIZE });
    }
    return true;
  }

  /** Writes one waiting entry: a first PUBLISH, a PUBLISH resend with DUP, or a PUBREL resend. */
  #sendEntry(e: OutEntry): void {
    if (e.state === 'pubrec') {
      // [MQTT-4.4.0-1]: resend PUBREL, never the PUBLISH after its PUBREC.
      this.#enterWindow(e);
      this.#out.send({ type: PacketType.PUBREL, packetId: e.mid, reasonCode: ReasonCode.Success });
      return;
    }
    const first = e.state === 'queued';
    if (first) {
      const refusal =
        e.qos > this.#limits.maximumQoS // [MQTT-3.2.2-11]
          ? ReasonCode.QoSNotSupported
          : e.retain && !this.#limits.retainAvailable // [MQTT-3.2.2-14]
            ? ReasonCode.RetainNotSupported
            : 0;
      if (refusal !== 0) return this.#refuse(e, refusal);
    }
    // A resend of a PUBLISH not yet PUBREC'd/PUBACK'd carries DUP=1 [MQTT-3.3.1-1]; a first send DUP=0.
    let bytes: Uint8Array | SplitPacket | undefined;
    try {
      bytes = this.#encodeEntry(e, !first);
    } catch (err) {
      // Only a record from an older store could get here (publish() trial-encodes): never let it block the queue.
      this.#out.log(
        'error',
        `message ${e.mid} cannot be encoded: ${err instanceof Error ? err.message : String(err)}`,
      );
      return this.#refuse(e, ReasonCode.UnspecifiedError);
    }
    if (bytes === undefined) return this.#refuse(e, ReasonCode.PacketTooLarge);
    if (e.qos === 0) {
      e.done = true;
      this.#ids.release(e.mid);
      this.#firstSends[0]++;
      this.#out.write(bytes);
      this.#out.event({
        type: 'published',
        mid: e.mid,
        qos: 0,
        reasonCode: ReasonCode.Success,
        properties: NO_PROPERTIES,
      });
      return;
    }
    if (first) {
      e.state = 'sent';
      this.#out.op({ kind: 'setOutgoingState', packetId: e.mid, state: 'sent' });
      this.#sentFirst(e.qos, e.mid);
    }
    this.#enterWindow(e);
    this.#out.write(bytes);
  }

  /** QoS 0 messages wait in the queue: the transport is congested and the queue has a count limit to enforce. */
  #holdsQos0(): boolean {
    return this.#congested && this.#cfg.maxQueuedMessages > 0;
  }

  /** True when a message of `qos` may go on the wire now (QoS 0 always may). */
  #fitsWindow(qos: number): boolean {
    if (qos === 0) return true;
    if (this.#inflight >= this.#window) return false;
    return qos !== 2 || this.#inflightQos2 < this.#windowQos2;
  }

  #enterWindow(e: OutEntry): void {
    e.onWire = true;
    this.#inflight++;
    if (e.qos === 2) this.#inflightQos2++;
  }

  #encodeEntry(e: OutEntry, dup: boolean): Uint8Array | SplitPacket | undefined {
    return this.#encoder.encode(e.topic, e.payload, e.qos, e.retain, dup, e.mid, e.properties);
  }
}

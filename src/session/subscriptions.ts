/**
 * SUBSCRIBE / UNSUBSCRIBE requests and the subscriptions the client holds.
 *
 * A request made while disconnected is kept and sent once the next CONNACK arrives; one sent but not acknowledged
 * when the connection drops is sent again on the next connection (Paho drops both, #375/#682). SUBACK and UNSUBACK
 * are matched to their request by packet id. The held map mirrors what the broker granted and is persisted
 * (`putSubscription` / `deleteSubscription`), so a lost session can be re-subscribed (`resubscribe`).
 */
import { isFailureReasonCode, ReasonCode } from '../packet/reason-codes.js';
import {
  PacketType,
  type Properties,
  type SubackPacket,
  type SubscribePacket,
  type Subscription,
  type UnsubackPacket,
  type UnsubscribePacket,
} from '../packet/types.js';
import type { StoredSubscription } from '../store/types.js';
import { NO_PROPERTIES, type Output } from './output.js';
import type { PacketIds } from './packet-ids.js';

/** Held subscriptions re-subscribed per SUBSCRIBE packet, unless `subscribeBatchSize` says otherwise. */
const RESUBSCRIBE_BATCH = 64;

interface Request {
  packetId: number;
  /** SUBSCRIBE when set; else UNSUBSCRIBE of `topicFilters`. */
  subscriptions: Subscription[] | undefined;
  topicFilters: string[];
  properties: Properties | undefined;
  /** Made by the engine (re-subscription): no event for the application. */
  internal: boolean;
  /** Written on the current connection. */
  sent: boolean;
}

function toStored(s: Subscription, properties: Properties | undefined): StoredSubscription {
  const r: StoredSubscription = toSubscription(s);
  if (properties !== undefined) r.properties = properties;
  return r;
}

/** The subscription fields that are set (a stored subscription's properties left out). */
function toSubscription(s: Subscription | StoredSubscription): Subscription {
  const r: Subscription = { topicFilter: s.topicFilter, qos: s.qos };
  if (s.noLocal !== undefined) r.noLocal = s.noLocal;
  if (s.retainAsPublished !== undefined) r.retainAsPublished = s.retainAsPublished;
  if (s.retainHandling !== undefined) r.retainHandling = s.retainHandling;
  return r;
}

/** What a Subscriptions holding nothing iterates. */
const NO_SUBSCRIPTIONS: readonly StoredSubscription[] = [];
const NO_REQUESTS: readonly Request[] = [];

export class Subscriptions {
  // Both maps are made on first use (issue 16): an empty Map is about 190 bytes of every idle client's heap.
  /** What the broker granted, by topic filter (persisted). */
  #held: Map<string, StoredSubscription> | undefined;
  #pending: Map<number, Request> | undefined;
  /** Requests may be written (CONNACK accepted, not closing). */
  #connected = false;
  /**
   * The broker's session may hold a Subscription Identifier: a SUBSCRIBE with one was written since the
   * broker last started a new session, or the session was resumed with a history this process does not know.
   */
  #identifiersInSession = false;

  readonly #out: Output;
  readonly #ids: PacketIds;

  constructor(out: Output, ids: PacketIds) {
    this.#out = out;
    this.#ids = ids;
  }

  /** Subscriptions held: session state to keep. */
  get heldCount(): number {
    return this.#held?.size ?? 0;
  }

  /**
   * The Subscription Identifier of the subscription to exactly `topicFilter` that the broker granted, if it has
   * one: a SUBSCRIBE's identifier belongs to every filter in it, and a later SUBSCRIBE of the same filter
   * replaces it [MQTT-3.8.4-3].
   */
  identifierOf(topicFilter: string): number | undefined {
    return this.#held?.get(topicFilter)?.properties?.subscriptionIdentifiers?.[0];
  }

  restore(subscriptions: readonly StoredSubscription[]): void {
    if (subscriptions.length === 0) return;
    const held = (this.#held ??= new Map<string, StoredSubscription>());
    for (const s of subscriptions) held.set(s.topicFilter, s);
  }

  /** Queues (and sends when connected) a SUBSCRIBE; returns its mid, or 0 when no packet id is free. */
  subscribe(subscriptions: Subscription[], properties: Properties | undefined, internal = false): number {
    return this.#request(subscriptions, [], properties, internal);
  }

  unsubscribe(topicFilters: string[], properties: Properties | undefined): number {
    return this.#request(undefined, topicFilters, properties, false);
  }

  #request(
    subscriptions: Subscription[] | undefined,
    topicFilters: string[],
    properties: Properties | undefined,
    internal: boolean,
  ): number {
    const packetId = this.#ids.allocate();
    if (packetId === 0) return 0;
    const req: Request = { packetId, subscriptions, topicFilters, properties, internal, sent: false };
    (this.#pending ??= new Map<number, Request>()).set(packetId, req);
    if (this.#connected) this.#send(req);
    return packetId;
  }

  /**
   * A CONNACK accepted the connection: requests are written from now on, starting with every one not yet written
   * on it. Re-subscriptions go first (they restore the state the user's later requests build on: an UNSUBSCRIBE
   * made offline must not be undone by one), then the user's requests in the order they were made.
   */
  /** See `#identifiersInSession`: whether a PUBLISH from the broker may carry a Subscription Identifier. */
  get identifiersInSession(): boolean {
    return this.#identifiersInSession;
  }

  /**
   * A CONNACK accepted the connection: a new broker session (`sessionPresent` false) holds no Subscription
   * Identifier yet; a resumed one that this process has not seen before (`firstConnack`) may hold any.
   */
  sessionStarted(sessionPresent: boolean, firstConnack: boolean): void {
    if (!sessionPresent) this.#identifiersInSession = false;
    else if (firstConnack) this.#identifiersInSession = true;
  }

  connectionUp(): void {
    this.#connected = true;
    const pending = this.#pending;
    if (pending === undefined) return;
    for (const req of pending.values()) if (!req.sent && req.internal) this.#send(req);
    for (const req of pending.values()) if (!req.sent && !req.internal) this.#send(req);
  }

  /** The connection is closing: nothing more is written on it (what was sent is sent again on the next one). */
  closing(): void {
    this.#connected = false;
  }

  /** The connection is gone: every pending request is written again on the next one. */
  disconnected(): void {
    this.#connected = false;
    for (const req of this.#pending?.values() ?? NO_REQUESTS) req.sent = false;
  }

  /** The broker lost the session: subscribe again to everything held, in batches, without events. */
  resubscribe(batchSize: number | undefined): void {
    // The client checked it (a whole number, 0 for the default); never a step below 1 here.
    const size = Math.max(1, batchSize || RESUBSCRIBE_BATCH);
    const groups = new Map<string, StoredSubscription[]>();
    for (const s of this.#held?.values() ?? NO_SUBSCRIPTIONS) {
      const key = s.properties === undefined ? '' : JSON.stringify(s.properties);
      let g = groups.get(key);
      if (g === undefined) groups.set(key, (g = []));
      g.push(s);
    }
    for (const g of groups.values()) {
      for (let i = 0; i < g.length; i += size) {
        const batch = g.slice(i, i + size);
        if (this.subscribe(batch.map(toSubscription), batch[0].properties, true) === 0) {
          this.#out.log('error', 'no free packet identifier to re-subscribe');
          return;
        }
      }
    }
  }

  /** Writes the held subscriptions to the store again (after a `clear`). */
  restoreStore(): void {
    for (const s of this.#held?.values() ?? NO_SUBSCRIPTIONS) this.#out.op({ kind: 'putSubscription', subscription: s });
  }

  /** Forgets the held subscriptions (the broker has none); `storeOps` false when a `clear` op covers it. */
  clearHeld(storeOps: boolean): void {
    const held = this.#held;
    if (held === undefined) return;
    if (storeOps) for (const f of held.keys()) this.#out.op({ kind: 'deleteSubscription', topicFilter: f });
    this.#held = undefined;
  }

  onSuback(p: SubackPacket): void {
    const req = this.#pending?.get(p.packetId);
    if (req === undefined || req.subscriptions === undefined) {
      this.#out.log('warn', `SUBACK for unknown packet id ${p.packetId}, ignored`);
      return;
    }
    this.#pending?.delete(p.packetId);
    this.#ids.release(p.packetId);
    const subs = req.subscriptions;
    for (let i = 0; i < subs.length; i++) {
      const rc = p.reasonCodes[i] ?? ReasonCode.UnspecifiedError;
      const filter = subs[i].topicFilter;
      if (!isFailureReasonCode(rc)) {
        const stored = toStored(subs[i], req.properties);
        (this.#held ??= new Map<string, StoredSubscription>()).set(filter, stored);
        this.#out.op({ kind: 'putSubscription', subscription: stored });
      } else if (req.internal) {
        this.#out.log('warn', `re-subscription to '${filter}' refused (0x${rc.toString(16)})`);
        if (this.#held?.delete(filter) === true) this.#out.op({ kind: 'deleteSubscription', topicFilter: filter });
      }
    }
    if (!req.internal) {
      this.#out.event({
        type: 'subscribed',
        mid: p.packetId,
        reasonCodes: p.reasonCodes,
        properties: p.properties ?? NO_PROPERTIES,
      });
    }
  }

  onUnsuback(p: UnsubackPacket): void {
    const req = this.#pending?.get(p.packetId);
    if (req === undefined || req.subscriptions !== undefined) {
      this.#out.log('warn', `UNSUBACK for unknown packet id ${p.packetId}, ignored`);
      return;
    }
    this.#pending?.delete(p.packetId);
    this.#ids.release(p.packetId);
    const filters = req.topicFilters;
    for (let i = 0; i < filters.length; i++) {
      // 3.x UNSUBACK has no codes: success. MQTT 5: 0x00 Success, 0x11 No subscription existed: gone either way.
      const rc = this.#out.version === 5 ? (p.reasonCodes[i] ?? ReasonCode.Success) : ReasonCode.Success;
      if (!isFailureReasonCode(rc) && this.#held?.delete(filters[i]) === true) {
        this.#out.op({ kind: 'deleteSubscription', topicFilter: filters[i] });
      }
    }
    this.#out.event({
      type: 'unsubscribed',
      mid: p.packetId,
      reasonCodes: p.reasonCodes,
      properties: p.properties ?? NO_PROPERTIES,
    });
  }

  #send(req: Request): void {
    req.sent = true;
    if (req.subscriptions !== undefined && (req.properties?.subscriptionIdentifiers?.length ?? 0) > 0)
      this.#identifiersInSession = true;
    const packet: SubscribePacket | UnsubscribePacket =
      req.subscriptions !== undefined
        ? { type: PacketType.SUBSCRIBE, packetId: req.packetId, subscriptions: req.subscriptions }
        : { type: PacketType.UNSUBSCRIBE, packetId: req.packetId, topicFilters: req.topicFilters };
    if (req.properties !== undefined) packet.properties = req.properties;
    if (this.#out.send(packet)) return;
    // Larger than the broker's Maximum Packet Size [MQTT-3.2.2-15]: it can never be sent; fail it as refused.
    this.#pending?.delete(req.packetId);
    this.#ids.release(req.packetId);
    this.#out.log(
      'error',
      `${req.subscriptions !== undefined ? 'SUBSCRIBE' : 'UNSUBSCRIBE'} ${req.packetId} exceeds the broker's Maximum Packet Size`,
    );
    const count = req.subscriptions?.length ?? req.topicFilters.length;
    const reasonCodes = new Array<number>(count).fill(ReasonCode.UnspecifiedError);
    if (req.internal) return;
    this.#out.event({
      type: req.subscriptions !== undefined ? 'subscribed' : 'unsubscribed',
      mid: req.packetId,
      reasonCodes,
      properties: NO_PROPERTIES,
    });
  }
}

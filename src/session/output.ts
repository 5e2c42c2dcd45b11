/**
 * The engine's output buffer: store operations, bytes and events, accumulated by every input method and handed
 * to the client by `takeOutput()`. All parts of the engine write through one `Output`, which also keeps the
 * bookkeeping that depends on "bytes went out" (the keepalive's last-sent time, the broker's packet size limit).
 *
 * Write-ahead [design.md, promise 1]: a store op and the bytes it implies are always produced by the same input
 * call, so they land in the same `SessionOutput`, and the client applies `storeOps` before writing `data`.
 */
import { encode, encodePublishHeader } from '../packet/encode.js';
import type { Packet, Properties, ProtocolVersion, PublishPacket } from '../packet/types.js';
import type { StoreOp } from '../store/types.js';
import type { SessionEvent, SessionOutput } from './types.js';

/** Shared empty properties for events that carry none (frozen: consumers must not add to it). */
export const NO_PROPERTIES: Properties = Object.freeze({});

const NO_OPS: StoreOp[] = [];
const NO_DATA: Uint8Array[] = [];
const NO_EVENTS: SessionEvent[] = [];
Object.freeze(NO_OPS);
Object.freeze(NO_DATA);
Object.freeze(NO_EVENTS);
/** What `take()` returns when nothing accumulated (the driver asks after every burst; most asks find nothing). */
const NOTHING: SessionOutput = Object.freeze({ storeOps: NO_OPS, data: NO_DATA, events: NO_EVENTS });

/** A packet as two parts written one after the other: its header, then a payload too large to copy. */
export class SplitPacket {
  constructor(
    readonly header: Uint8Array,
    readonly payload: Uint8Array,
  ) {}

  get length(): number {
    return this.header.length + this.payload.length;
  }
}

export class Output {
  #ops: StoreOp[] = [];
  #data: Uint8Array[] = [];
  #events: SessionEvent[] = [];

  #now = 0;
  #lastSent = 0;
  #maxPacketSize = Infinity;
  readonly #version: ProtocolVersion;

  constructor(version: ProtocolVersion) {
    this.#version = version;
  }

  /** The protocol level of the session: what every part encodes with. */
  get version(): ProtocolVersion {
    return this.#version;
  }

  /** "Now" of the input being processed (milliseconds, from the caller's clock). */
  get now(): number {
    return this.#now;
  }

  /** When bytes were last emitted: the keepalive counts from here. */
  get lastSent(): number {
    return this.#lastSent;
  }

  /** The broker's Maximum Packet Size (MQTT 5 CONNACK); Infinity when it set none. */
  get maxPacketSize(): number {
    return this.#maxPacketSize;
  }

  /** An input of the engine starts: what it emits happens at `now`. */
  startInput(now: number): void {
    this.#now = now;
  }

  /** The broker's Maximum Packet Size: from its CONNACK; Infinity for none, or none known yet (a new connection). */
  setBrokerMaximumPacketSize(bytes: number): void {
    this.#maxPacketSize = bytes;
  }

  encode(packet: Packet): Uint8Array {
    return encode(packet, this.#version);
  }

  /** A PUBLISH without its payload, which `write()` then sends as it is (large payloads: no copy). */
  encodePublishHeader(packet: PublishPacket): Uint8Array {
    return encodePublishHeader(packet, this.#version);
  }

  /** Emits bytes already encoded (and already checked against the broker's Maximum Packet Size). */
  write(bytes: Uint8Array | SplitPacket): void {
    if (bytes instanceof Uint8Array) {
      this.#data.push(bytes);
    } else {
      this.#data.push(bytes.header);
      this.#data.push(bytes.payload);
    }
    this.#lastSent = this.#now;
  }

  /**
   * Encodes and emits `packet`, unless it exceeds the broker's Maximum Packet Size, which the client MUST NOT
   * send [MQTT-3.2.2-15]; returns whether it was emitted.
   */
  send(packet: Packet): boolean {
    const bytes = encode(packet, this.#version);
    if (bytes.length > this.#maxPacketSize) return false;
    this.write(bytes);
    return true;
  }

  op(op: StoreOp): void {
    this.#ops.push(op);
  }

  event(event: SessionEvent): void {
    this.#events.push(event);
  }

  log(level: 'debug' | 'info' | 'warn' | 'error', message: string): void {
    this.#events.push({ type: 'log', level, message });
  }

  /** Returns what accumulated and starts empty buffers (no allocation when a part is empty). */
  take(): SessionOutput {
    if (this.#ops.length === 0 && this.#data.length === 0 && this.#events.length === 0) return NOTHING;
    const out: SessionOutput = {
      storeOps: this.#ops.length === 0 ? NO_OPS : this.#ops,
      data: this.#data.length === 0 ? NO_DATA : this.#data,
      events: this.#events.length === 0 ? NO_EVENTS : this.#events,
    };
    if (this.#ops.length !== 0) this.#ops = [];
    if (this.#data.length !== 0) this.#data = [];
    if (this.#events.length !== 0) this.#events = [];
    return out;
  }
}

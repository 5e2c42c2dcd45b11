/**
 * `PacketDecoder`: a streaming push decoder. Feed it bytes as they arrive, split anywhere; it calls
 * `onPacket` for each complete packet, in order.
 *
 * - A packet that arrives within one chunk is decoded in place: its PUBLISH payload, binary properties and
 *   password are views into that chunk, not copies. A packet that spans chunks is assembled once, into a
 *   buffer of exactly its size (or, above 64 KiB, from the retained chunk views once the packet is whole),
 *   so nothing is allocated for bytes that have not arrived.
 * - `maximumPacketSize` is enforced from the fixed header, before any byte of the body is buffered
 *   (0x95 Packet too large).
 * - Bad input throws MalformedPacketError from `push`, after the packets before it were delivered. The
 *   decoder then stays failed: every later `push` throws the same error until `reset()`.
 * - An exception thrown by `onPacket` propagates out of `push` unchanged; the bytes after that packet are
 *   kept and decoded at the start of the next `push`.
 */
import { MalformedPacketError, malformed, PACKET_TOO_LARGE } from './errors.js';
import { asMalformed, checkFixedHeader, decodeBody } from './decode-packet.js';
import { Reader } from './reader.js';
import { PacketType, type Packet, type ProtocolVersion } from './types.js';

export interface PacketDecoderOptions {
  /** The protocol of the connection; updated by the decoder itself when it decodes a CONNECT. */
  protocolVersion: ProtocolVersion;
  /** The largest packet accepted, in bytes, fixed header included (MQTT 5 Maximum Packet Size). */
  maximumPacketSize?: number;
  /** Each complete packet, with its size on the wire (fixed header included). */
  onPacket: (packet: Packet, size: number) => void;
}

/** The largest packet MQTT can express: 1 + 4 bytes of header + 268,435,455. */
const MAX_PACKET = 268_435_460;
/** Packets that span chunks and are at most this big are copied into a buffer allocated up front. */
const PREALLOCATE_LIMIT = 65_536;

export class PacketDecoder {
  /** The protocol used for packets other than CONNECT; set automatically from each decoded CONNECT. */
  protocolVersion: ProtocolVersion;
  /** The largest packet accepted, in bytes, fixed header included. */
  maximumPacketSize: number;

  readonly #onPacket: (packet: Packet, size: number) => void;
  readonly #reader = new Reader();
  #error: MalformedPacketError | undefined;

  /** Bytes of a fixed header that is not complete yet (at most 5). */
  readonly #header = new Uint8Array(5);
  #headerLength = 0;

  /** The packet being assembled across chunks: its first byte, and its body so far. */
  #first = 0;
  #bodyLength = 0;
  #body: Uint8Array | undefined;
  #bodyFill = 0;
  /** Above PREALLOCATE_LIMIT: the views of the body's chunks, concatenated when the packet is whole. */
  #parts: Uint8Array[] | undefined;

  /** Bytes after a packet whose onPacket threw; decoded first on the next push. */
  #leftover: Uint8Array | undefined;
  /** Counts reset() calls, so a reset from inside onPacket stops the decoding of the current chunk. */
  #generation = 0;

  constructor(options: PacketDecoderOptions) {
    this.protocolVersion = options.protocolVersion;
    this.maximumPacketSize = options.maximumPacketSize ?? MAX_PACKET;
    this.#onPacket = options.onPacket;
  }

  /**
   * Decodes `chunk`, calling onPacket for every packet it completes. Throws MalformedPacketError.
   *
   * The decoder takes the chunk over: decoded packets may hold views into it (a PUBLISH payload), so the
   * caller must not write to it afterwards.
   */
  push(chunk: Uint8Array): void {
    if (this.#error !== undefined) throw this.#error;
    const leftover = this.#leftover;
    if (leftover !== undefined) {
      this.#leftover = undefined;
      const joined = new Uint8Array(leftover.length + chunk.length);
      joined.set(leftover);
      joined.set(chunk, leftover.length);
      chunk = joined;
    }
    this.#process(chunk);
  }

  /** Whether bytes of an incomplete packet are buffered. */
  get hasPartialPacket(): boolean {
    return (
      this.#headerLength > 0 ||
      this.#body !== undefined ||
      this.#parts !== undefined ||
      this.#leftover !== undefined
    );
  }

  /**
   * Forgets any partial packet and a previous error, as for a new connection. Settings are kept. Called
   * from onPacket, it also drops the rest of the chunk being decoded.
   */
  reset(): void {
    this.#generation++;
    this.#error = undefined;
    this.#headerLength = 0;
    this.#body = undefined;
    this.#parts = undefined;
    this.#bodyFill = 0;
    this.#leftover = undefined;
    this.#reader.release();
  }

  #fail(error: unknown): never {
    const e = asMalformed(error);
    this.#error = e;
    this.#body = undefined;
    this.#parts = undefined;
    this.#headerLength = 0;
    this.#leftover = undefined;
    this.#reader.release();
    throw e;
  }

  #process(chunk: Uint8Array): void {
    const len = chunk.length;
    let pos = 0;

    // 1. Continue a body that spans chunks.
    if (this.#body !== undefined || this.#parts !== undefined) {
      const need = this.#bodyLength - this.#bodyFill;
      const take = need < len ? need : len;
      if (this.#body !== undefined)
        this.#body.set(take === len ? chunk : chunk.subarray(0, take), this.#bodyFill);
      else (this.#parts as Uint8Array[]).push(chunk.subarray(0, take));
      this.#bodyFill += take;
      if (take < need) return;
      pos = take;
      const body = this.#takeBody();
      if (!this.#deliver(this.#first, body, 0, body.length, chunk, pos)) return;
    }

    // 2. Complete a fixed header that spans chunks.
    if (this.#headerLength > 0) {
      const header = this.#header;
      let bodyLength = -1;
      while (pos < len && bodyLength < 0) {
        header[this.#headerLength++] = chunk[pos++];
        bodyLength = this.#parseHeader(header, 0, this.#headerLength);
      }
      if (bodyLength < 0) return;
      this.#headerLength = 0;
      pos = this.#startBody(header[0], bodyLength, chunk, pos);
      if (pos < 0) return;
    }

    // 3. Whole packets within this chunk, decoded in place.
    while (pos < len) {
      const first = chunk[pos];
      const bodyLength = this.#parseHeader(chunk, pos, len);
      if (bodyLength < 0) {
        this.#header.set(chunk.subarray(pos, len));
        this.#headerLength = len - pos;
        return;
      }
      const bodyStart = pos + 1 + vbiLength(bodyLength);
      const bodyEnd = bodyStart + bodyLength;
      if (bodyEnd <= len) {
        pos = bodyEnd;
        if (!this.#deliver(first, chunk, bodyStart, bodyEnd, chunk, pos)) return;
      } else {
        pos = this.#startBody(first, bodyLength, chunk, bodyStart);
        if (pos < 0) return;
      }
    }
  }

  /**
   * Parses the fixed header in `buf[start..end)`. Returns the Remaining Length, or -1 if more bytes are
   * needed. Checks the flags and maximumPacketSize as soon as they are known.
   */
  #parseHeader(buf: Uint8Array, start: number, end: number): number {
    if (start + 1 >= end) {
      if (start < end) this.#checkFirst(buf[start]); // reject bad flags at the first byte
      return -1;
    }
    const first = buf[start];
    let value = 0;
    let multiplier = 1;
    for (let i = 1; i <= 4; i++) {
      if (start + i >= end) return -1;
      const byte = buf[start + i];
      value += (byte & 0x7f) * multiplier;
      if ((byte & 0x80) === 0) {
        if (byte === 0 && i > 1)
          this.#fail(malformed('the Remaining Length is not in its shortest form [MQTT-1.5.5-1]'));
        this.#checkFirst(first);
        const size = 1 + i + value;
        if (size > this.maximumPacketSize) {
          this.#fail(
            new MalformedPacketError(
              PACKET_TOO_LARGE,
              `a ${size}-byte packet exceeds the maximum packet size of ${this.maximumPacketSize} bytes`,
            ),
          );
        }
        return value;
      }
      multiplier *= 128;
    }
    return this.#fail(malformed('the Remaining Length is longer than four bytes'));
  }

  #checkFirst(first: number): void {
    try {
      checkFixedHeader(first, this.protocolVersion);
    } catch (error) {
      this.#fail(error);
    }
  }

  /**
   * Begins a body that is not wholly in `chunk` (`chunk[pos..]` is its start). Returns -1 when the chunk is
   * used up (or onPacket reset the decoder), else the position after the packet (only when a continuation
   * header completed a packet).
   */
  #startBody(first: number, bodyLength: number, chunk: Uint8Array, pos: number): number {
    const available = chunk.length - pos;
    if (available >= bodyLength) {
      const end = pos + bodyLength;
      return this.#deliver(first, chunk, pos, end, chunk, end) ? end : -1;
    }
    this.#first = first;
    this.#bodyLength = bodyLength;
    this.#bodyFill = available;
    if (bodyLength <= PREALLOCATE_LIMIT) {
      const body = new Uint8Array(bodyLength);
      body.set(chunk.subarray(pos));
      this.#body = body;
    } else {
      this.#parts = [chunk.subarray(pos)];
    }
    return -1;
  }

  #takeBody(): Uint8Array {
    let body = this.#body;
    if (body === undefined) {
      body = new Uint8Array(this.#bodyLength);
      let at = 0;
      for (const part of this.#parts as Uint8Array[]) {
        body.set(part, at);
        at += part.length;
      }
    }
    this.#body = undefined;
    this.#parts = undefined;
    this.#bodyFill = 0;
    return body;
  }

  /**
   * Decodes one packet and hands it to onPacket. `chunk[next..]` are the bytes after it, kept if onPacket
   * throws. Returns false if onPacket called reset(): the rest of the chunk belongs to the old stream.
   */
  #deliver(
    first: number,
    buf: Uint8Array,
    start: number,
    end: number,
    chunk: Uint8Array,
    next: number,
  ): boolean {
    const reader = this.#reader;
    let packet: Packet;
    try {
      reader.reset(buf, start, end);
      packet = decodeBody(first, reader, this.protocolVersion);
      reader.release();
    } catch (error) {
      this.#fail(error);
    }
    if (packet.type === PacketType.CONNECT) this.protocolVersion = packet.protocolVersion;
    const generation = this.#generation;
    try {
      this.#onPacket(packet, 1 + vbiLength(end - start) + end - start);
    } catch (error) {
      if (next < chunk.length && this.#generation === generation) this.#leftover = chunk.slice(next);
      throw error;
    }
    return this.#generation === generation;
  }
}

function vbiLength(n: number): number {
  return n < 0x80 ? 1 : n < 0x4000 ? 2 : n < 0x200000 ? 3 : 4;
}

/**
 * Decodes `bytes`, which must hold exactly one complete packet. Throws MalformedPacketError otherwise
 * (including for a truncated packet or trailing bytes). Convenient for tests and one-off parsing.
 */
export function decodePacket(
  bytes: Uint8Array,
  protocolVersion: ProtocolVersion,
  maximumPacketSize?: number,
): Packet {
  const packets: Packet[] = [];
  const decoder = new PacketDecoder({ protocolVersion, maximumPacketSize, onPacket: (p) => packets.push(p) });
  decoder.push(bytes);
  if (packets.length !== 1 || decoder.hasPartialPacket) {
    throw malformed(
      packets.length === 0 ? 'the bytes end before the packet does' : 'the bytes hold more than one packet',
    );
  }
  return packets[0];
}

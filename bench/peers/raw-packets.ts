/**
 * The few MQTT 3.1.1 packets the raw Node peer (`raw.ts`) sends, encoded by hand into `Buffer`s, and a reader
 * that cuts a byte stream into packets. Just enough for the benchmark: no properties, no validation beyond
 * what a well-behaved broker needs. It shows what Node itself costs, not how a client should be written.
 */

/** Packet types (the high nibble of the first byte). */
export const CONNACK = 2;
export const PUBLISH = 3;
export const PUBACK = 4;
export const PUBREC = 5;
export const PUBREL = 6;
export const PUBCOMP = 7;
export const SUBACK = 9;

function lengthBytes(length: number): number {
  return length < 128 ? 1 : length < 16_384 ? 2 : length < 2_097_152 ? 3 : 4;
}

/** Writes the fixed header (first byte, remaining length) at 0; returns the offset after it. */
function writeFixedHeader(out: Buffer, first: number, remaining: number): number {
  out[0] = first;
  let offset = 1;
  let n = remaining;
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    out[offset++] = byte;
  } while (n > 0);
  return offset;
}

function packet(first: number, body: Buffer): Buffer {
  const out = Buffer.allocUnsafe(1 + lengthBytes(body.length) + body.length);
  body.copy(out, writeFixedHeader(out, first, body.length));
  return out;
}

function utf8(text: string): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  const out = Buffer.allocUnsafe(2 + bytes.length);
  out.writeUInt16BE(bytes.length, 0);
  bytes.copy(out, 2);
  return out;
}

export function connectPacket(clientId: string, cleanSession: boolean, keepAlive: number): Buffer {
  const head = Buffer.from([
    0,
    4,
    0x4d,
    0x51,
    0x54,
    0x54,
    4,
    cleanSession ? 0x02 : 0,
    keepAlive >> 8,
    keepAlive & 0xff,
  ]);
  return packet(0x10, Buffer.concat([head, utf8(clientId)]));
}

export function subscribePacket(packetId: number, filter: string, qos: number): Buffer {
  return packet(
    0x82,
    Buffer.concat([Buffer.from([packetId >> 8, packetId & 0xff]), utf8(filter), Buffer.from([qos])]),
  );
}

/** PUBACK, PUBREC, PUBREL or PUBCOMP. */
export function ackPacket(type: number, packetId: number): Buffer {
  return Buffer.from([(type << 4) | (type === PUBREL ? 0x02 : 0), 2, packetId >> 8, packetId & 0xff]);
}

export const DISCONNECT = Buffer.from([0xe0, 0]);

/** A PUBLISH; `topic` is the topic name already encoded with its length prefix (`encodedTopic`). */
export function publishPacket(topic: Buffer, payload: Uint8Array, qos: number, packetId: number): Buffer {
  const remaining = topic.length + (qos > 0 ? 2 : 0) + payload.length;
  const out = Buffer.allocUnsafe(1 + lengthBytes(remaining) + remaining);
  let offset = writeFixedHeader(out, 0x30 | (qos << 1), remaining);
  offset += topic.copy(out, offset);
  if (qos > 0) offset = out.writeUInt16BE(packetId, offset);
  out.set(payload, offset);
  return out;
}

export const encodedTopic = utf8;

/** One packet as read: its first byte and its body (a view of the input where it arrived in one chunk). */
export interface RawPacket {
  first: number;
  body: Buffer;
}

/** The remaining length at `offset` and where the body starts; undefined while incomplete. */
function readFixedHeader(data: Buffer, offset: number): { remaining: number; bodyAt: number } | undefined {
  let remaining = 0;
  let multiplier = 1;
  for (let at = offset + 1; at < data.length && at <= offset + 4; at++) {
    const byte = data[at];
    remaining += (byte & 0x7f) * multiplier;
    if (byte < 0x80) return { remaining, bodyAt: at + 1 };
    multiplier *= 128;
  }
  return undefined;
}

/** Cuts a stream of chunks into packets. */
export class PacketReader {
  #pending: Buffer = Buffer.alloc(0);

  /** Appends `chunk` and calls `onPacket` for every complete packet. */
  push(chunk: Buffer, onPacket: (p: RawPacket) => void): void {
    const data = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
    let offset = 0;
    for (;;) {
      const header = readFixedHeader(data, offset);
      if (header === undefined || data.length - header.bodyAt < header.remaining) break;
      const end = header.bodyAt + header.remaining;
      onPacket({ first: data[offset], body: data.subarray(header.bodyAt, end) });
      offset = end;
    }
    this.#pending = offset === data.length ? Buffer.alloc(0) : Buffer.from(data.subarray(offset));
  }
}

/**
 * Write-side primitives for the encoder: sizes first (so a packet is written into one exact allocation),
 * then plain functions that write at a position and return the next one.
 */
import { InvalidArgumentError } from '../errors.js';
import { utf8Length, writeUtf8 } from './utf8.js';

/** The largest Remaining Length a Variable Byte Integer can carry (§1.5.5). */
export const MAX_VARIABLE_BYTE_INTEGER = 268_435_455;

/**
 * Small packets are carved out of a shared slab, as Node's `Buffer.allocUnsafe` does: allocating an
 * ArrayBuffer per packet costs more than encoding a small PUBLISH. A slab is never rewritten; a new one is
 * taken when it is full, so a view handed out stays valid (and keeps its slab alive while it is referenced).
 */
const SLAB_SIZE = 8192;
const SLAB_MAX = SLAB_SIZE >>> 1;
let slab = new Uint8Array(SLAB_SIZE);
let slabOffset = 0;

/** A zero-filled byte array of length `n`: a view into the current slab when small, else its own buffer. */
export function allocateBytes(n: number): Uint8Array {
  if (n > SLAB_MAX) return new Uint8Array(n);
  if (slabOffset + n > SLAB_SIZE) {
    slab = new Uint8Array(SLAB_SIZE);
    slabOffset = 0;
  }
  const bytes = slab.subarray(slabOffset, slabOffset + n);
  // No padding: packets encoded one after the other are adjacent in the slab, so a writer can send a burst of
  // them as one view without copying (`src/client/engine-driver.ts`, coalesce).
  slabOffset += n;
  return bytes;
}

/** Bytes a Variable Byte Integer takes for `n` (0 <= n <= 268,435,455). */
export function vbiSize(n: number): number {
  return n < 0x80 ? 1 : n < 0x4000 ? 2 : n < 0x200000 ? 3 : 4;
}

/** Writes `n` as a Variable Byte Integer in its shortest form [MQTT-1.5.5-1]. */
export function writeVbi(buf: Uint8Array, pos: number, n: number): number {
  while (n >= 0x80) {
    buf[pos++] = (n & 0x7f) | 0x80;
    n >>>= 7;
  }
  buf[pos++] = n;
  return pos;
}

export function writeU16(buf: Uint8Array, pos: number, n: number): number {
  buf[pos] = n >>> 8;
  buf[pos + 1] = n & 0xff;
  return pos + 2;
}

export function writeU32(buf: Uint8Array, pos: number, n: number): number {
  buf[pos] = n >>> 24;
  buf[pos + 1] = (n >>> 16) & 0xff;
  buf[pos + 2] = (n >>> 8) & 0xff;
  buf[pos + 3] = n & 0xff;
  return pos + 4;
}

/**
 * The UTF-8 byte length of `s`, checked: a string with U+0000 or a lone surrogate [MQTT-1.5.4-1]
 * [MQTT-1.5.4-2], or longer than 65,535 bytes, throws InvalidArgumentError.
 */
export function stringLength(s: string, what: string): number {
  if (typeof s !== 'string') throw new InvalidArgumentError(`${what} must be a string, got ${typeof s}`);
  const len = utf8Length(s);
  if (len < 0) {
    throw new InvalidArgumentError(
      `${what} is not a valid MQTT string: it contains U+0000 or a lone surrogate`,
    );
  }
  if (len > 0xffff)
    throw new InvalidArgumentError(`${what} is ${len} bytes of UTF-8; at most 65535 are allowed`);
  return len;
}

/** Writes a UTF-8 Encoded String: a two-byte length, then `byteLength` bytes. */
export function writeString(buf: Uint8Array, pos: number, s: string, byteLength: number): number {
  buf[pos] = byteLength >>> 8;
  buf[pos + 1] = byteLength & 0xff;
  return writeUtf8(buf, pos + 2, s, byteLength);
}

/** Checks Binary Data: at most 65,535 bytes. Returns its length. */
export function binaryLength(b: Uint8Array, what: string): number {
  if (!(b instanceof Uint8Array)) throw new InvalidArgumentError(`${what} must be a Uint8Array`);
  if (b.length > 0xffff)
    throw new InvalidArgumentError(`${what} is ${b.length} bytes; at most 65535 are allowed`);
  return b.length;
}

/** Writes Binary Data: a two-byte length, then the bytes. */
export function writeBinary(buf: Uint8Array, pos: number, b: Uint8Array): number {
  const n = b.length;
  buf[pos] = n >>> 8;
  buf[pos + 1] = n & 0xff;
  buf.set(b, pos + 2);
  return pos + 2 + n;
}

/** Checks an integer field against [min, max]; throws InvalidArgumentError otherwise. */
export function checkInt(n: number, min: number, max: number, what: string): void {
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new InvalidArgumentError(`${what} must be an integer from ${min} to ${max}, got ${String(n)}`);
  }
}

/** Checks a Packet Identifier: 1..65535 [MQTT-2.2.1-3]. */
export function checkPacketId(id: number | undefined, what: string): number {
  if (id === undefined || !Number.isInteger(id) || id < 1 || id > 0xffff) {
    throw new InvalidArgumentError(`${what} needs a packet identifier from 1 to 65535, got ${String(id)}`);
  }
  return id;
}

/** Shared helpers for the codec tests: hex, text bytes, and decoding a byte stream with a chosen split. */
import { PacketDecoder, type Packet, type ProtocolVersion } from '../../src/packet/index.js';

/** Bytes from hex, spaces allowed: `hex('30 07 00 03')`. */
export function hex(s: string): Uint8Array {
  const clean = s.replace(/\s+/g, '');
  if (clean.length % 2 !== 0) throw new Error(`odd hex: ${s}`);
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function toHex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ');
}

export function text(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Decodes `chunks` in order with a fresh decoder; returns the packets (throws what push throws). */
export function decodeChunks(
  chunks: Uint8Array[],
  version: ProtocolVersion,
  maximumPacketSize?: number,
): Packet[] {
  const out: Packet[] = [];
  const decoder = new PacketDecoder({
    protocolVersion: version,
    maximumPacketSize,
    onPacket: (p) => out.push(p),
  });
  for (const c of chunks) decoder.push(c);
  return out;
}

/** Decodes `bytes` one byte per push; each byte gets its own buffer. */
export function decodeByteByByte(bytes: Uint8Array, version: ProtocolVersion): Packet[] {
  return decodeChunks(
    Array.from(bytes, (b) => Uint8Array.of(b)),
    version,
  );
}

/** Copies of two slices of `bytes`, split at `at`. */
export function splitAt(bytes: Uint8Array, at: number): Uint8Array[] {
  return [bytes.slice(0, at), bytes.slice(at)];
}

/** Plain-data form of a packet for deep comparison: Uint8Array views become plain byte arrays. */
export function normalize(value: unknown): unknown {
  if (value instanceof Uint8Array) return { bytes: Array.from(value) };
  if (Array.isArray(value)) return value.map(normalize);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = normalize(v);
    return out;
  }
  return value;
}

/**
 * UTF-8 Encoded Strings as MQTT defines them (§1.5.4): well-formed UTF-8 without surrogates [MQTT-1.5.4-1],
 * no U+0000 [MQTT-1.5.4-2], U+FEFF kept wherever it appears [MQTT-1.5.4-3], at most 65,535 bytes.
 *
 * Topics and client ids are short and almost always ASCII, so both directions have a plain loop for that
 * case; `TextEncoder`/`TextDecoder` only see long or non-ASCII strings.
 */
import { MALFORMED_PACKET, MalformedPacketError, malformed } from './errors.js';

const textEncoder = new TextEncoder();
// fatal: invalid UTF-8 (including encoded surrogates, overlong forms) throws; ignoreBOM: U+FEFF is kept.
const textDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Below this many bytes the ASCII loop beats `TextDecoder` (measured on Node 20: about 2x at 4 bytes, even at
 * 12; from 16 bytes on the native decoder wins, 1.4x at 16 and 2.7x at 46).
 */
const SHORT_STRING = 12;

/**
 * The UTF-8 length of `s` in bytes, or -1 if `s` cannot be an MQTT string: it holds U+0000
 * [MQTT-1.5.4-2] or a lone surrogate, which has no UTF-8 encoding [MQTT-1.5.4-1].
 */
export function utf8Length(s: string): number {
  const n = s.length;
  let bytes = n;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) {
      if (c === 0) return -1;
    } else if (c < 0x800) {
      bytes += 1;
    } else if (c < 0xd800 || c > 0xdfff) {
      bytes += 2;
    } else if (c <= 0xdbff && i + 1 < n) {
      const d = s.charCodeAt(i + 1);
      if (d < 0xdc00 || d > 0xdfff) return -1;
      bytes += 2; // a pair: two UTF-16 units, four bytes
      i++;
    } else {
      return -1;
    }
  }
  return bytes;
}

/**
 * `utf8Length` for a Topic Name, in the same pass: -1 for U+0000 or a lone surrogate, -2 for a wildcard
 * character (+ or #), which a Topic Name must not contain [MQTT-3.3.2-2].
 */
export function topicNameLength(s: string): number {
  const n = s.length;
  let bytes = n;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) {
      if (c === 0x2b || c === 0x23) return -2;
      if (c === 0) return -1;
    } else if (c < 0x800) {
      bytes += 1;
    } else if (c < 0xd800 || c > 0xdfff) {
      bytes += 2;
    } else if (c <= 0xdbff && i + 1 < n) {
      const d = s.charCodeAt(i + 1);
      if (d < 0xdc00 || d > 0xdfff) return -1;
      bytes += 2;
      i++;
    } else {
      return -1;
    }
  }
  return bytes;
}

/** Writes `s`, whose UTF-8 length is `byteLength` (from `utf8Length`), at `pos`; returns the position after it. */
export function writeUtf8(buf: Uint8Array, pos: number, s: string, byteLength: number): number {
  const n = s.length;
  if (byteLength === n) {
    for (let i = 0; i < n; i++) buf[pos + i] = s.charCodeAt(i);
  } else {
    textEncoder.encodeInto(s, buf.subarray(pos, pos + byteLength));
  }
  return pos + byteLength;
}

/**
 * Decodes the UTF-8 bytes `buf[start..end)` as an MQTT string. Throws a MalformedPacketError (0x81) for
 * ill-formed UTF-8 or U+0000.
 */
export function readUtf8(buf: Uint8Array, start: number, end: number): string {
  if (end - start < SHORT_STRING) {
    let s = '';
    for (let i = start; i < end; i++) {
      const c = buf[i];
      if (c >= 0x80) return readUtf8Slow(buf, start, end);
      if (c === 0) throw malformed('a UTF-8 string contains U+0000 [MQTT-1.5.4-2]');
      s += String.fromCharCode(c);
    }
    return s;
  }
  return readUtf8Slow(buf, start, end);
}

function readUtf8Slow(buf: Uint8Array, start: number, end: number): string {
  let s: string;
  try {
    s = textDecoder.decode(buf.subarray(start, end));
  } catch (cause) {
    throw new MalformedPacketError(MALFORMED_PACKET, 'a string is not well-formed UTF-8 [MQTT-1.5.4-1]', {
      cause,
    });
  }
  if (s.indexOf('\u0000') !== -1) throw malformed('a UTF-8 string contains U+0000 [MQTT-1.5.4-2]');
  return s;
}

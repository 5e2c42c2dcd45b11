/**
 * What an encoded packet says about itself in its first bytes, read without decoding it: its type, its size on
 * the wire, its packet identifier and where a PUBLISH payload starts. The client's diagnostics channels use it
 * on the bytes the engine emits (only while someone listens), so the engine keeps no second description of
 * what it sent.
 */
import { PacketType, type ProtocolVersion } from './types.js';

export interface FrameInfo {
  type: PacketType;
  /** Bytes of the whole packet, fixed header included (may be more than the bytes given: a split PUBLISH). */
  size: number;
  /** The packet identifier, for the packets that carry one (PUBLISH only at QoS 1 and 2). */
  packetId: number | undefined;
  /** PUBLISH: the offset of the payload in the bytes given (their length when it follows them); else -1. */
  payloadOffset: number;
}

/** Reads a Variable Byte Integer at `at`: its value and the offset after it (1.5.5). */
function readVbi(bytes: Uint8Array, at: number): [value: number, next: number] {
  let value = 0;
  let multiplier = 1;
  let i = at;
  for (; i < bytes.length && i < at + 4; i++) {
    value += (bytes[i] & 0x7f) * multiplier;
    if ((bytes[i] & 0x80) === 0) return [value, i + 1];
    multiplier *= 128;
  }
  return [value, i];
}

/** Reads a two-byte integer at `at`, or undefined past the end. */
function readUint16(bytes: Uint8Array, at: number): number | undefined {
  return at + 1 < bytes.length ? (bytes[at] << 8) | bytes[at + 1] : undefined;
}

/**
 * Describes the packet whose encoding starts `bytes` (a whole packet as the encoder made it, or the header
 * part of a PUBLISH sent with its payload apart). Trusts the bytes: they come from our own encoder.
 */
export function readFrame(bytes: Uint8Array, version: ProtocolVersion): FrameInfo {
  const type = (bytes[0] >> 4) as PacketType;
  const [remaining, body] = readVbi(bytes, 1);
  const info: FrameInfo = { type, size: body + remaining, packetId: undefined, payloadOffset: -1 };
  switch (type) {
    case PacketType.PUBLISH: {
      const qos = (bytes[0] >> 1) & 3;
      let at = body + 2 + (readUint16(bytes, body) ?? 0); // after the topic name
      if (qos > 0) {
        info.packetId = readUint16(bytes, at);
        at += 2;
      }
      if (version === 5) {
        const [propertiesLength, next] = readVbi(bytes, at);
        at = next + propertiesLength;
      }
      info.payloadOffset = Math.min(at, bytes.length);
      break;
    }
    case PacketType.PUBACK:
    case PacketType.PUBREC:
    case PacketType.PUBREL:
    case PacketType.PUBCOMP:
    case PacketType.SUBSCRIBE:
    case PacketType.SUBACK:
    case PacketType.UNSUBSCRIBE:
    case PacketType.UNSUBACK:
      info.packetId = readUint16(bytes, body);
      break;
    default:
      break;
  }
  return info;
}

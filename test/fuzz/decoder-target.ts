/**
 * Fuzz target: `PacketDecoder` on every protocol level, with the stream split at arbitrary points.
 *
 * Input: [level selector, chunking seed, stream bytes...]. Invariants:
 * - `push` throws nothing but `MalformedPacketError`, and after one it keeps throwing that same error;
 * - no packet larger than the configured Maximum Packet Size is delivered;
 * - every delivered packet encodes, and its bytes decode (whole, on a fresh decoder) to the same packet.
 */
import { PacketDecoder, decodePacket } from '../../src/packet/decoder.js';
import { encode } from '../../src/packet/encode.js';
import { MalformedPacketError } from '../../src/packet/errors.js';
import type { Packet, ProtocolVersion } from '../../src/packet/types.js';
import { VECTORS } from '../packet/golden-vectors.js';
import {
  chunks,
  InvariantError,
  samePacket,
  unexpected,
  versionByte,
  versionOf,
  type FuzzTarget,
} from './target.js';

/** Small, so the fuzzer reaches "packet too large" (0x95) easily. */
const MAXIMUM_PACKET_SIZE = 2048;

function run(input: Uint8Array): void {
  const version = versionOf(input[0]);
  const seed = input[1] ?? 0;
  const stream = input.subarray(2);
  const delivered: { packet: Packet; version: ProtocolVersion }[] = [];
  const decoder: PacketDecoder = new PacketDecoder({
    protocolVersion: version,
    maximumPacketSize: MAXIMUM_PACKET_SIZE,
    // A decoded CONNECT sets the decoder's level: the packet after it is read at that level.
    onPacket: (packet) => delivered.push({ packet, version: decoder.protocolVersion }),
  });
  let failure: MalformedPacketError | undefined;
  for (const chunk of chunks(stream, seed)) {
    try {
      decoder.push(chunk);
    } catch (err) {
      if (!(err instanceof MalformedPacketError)) throw unexpected('PacketDecoder.push', err);
      if (failure !== undefined && err !== failure)
        throw new InvariantError('a failed decoder threw a different error on the next push');
      failure = err;
    }
  }
  for (const { packet, version: v } of delivered) checkRoundTrip(packet, v);
}

function checkRoundTrip(packet: Packet, version: ProtocolVersion): void {
  let bytes: Uint8Array;
  try {
    bytes = encode(packet, version);
  } catch (err) {
    throw unexpected(`encode of a decoded packet (type ${packet.type}, v${version})`, err);
  }
  if (bytes.length > MAXIMUM_PACKET_SIZE)
    throw new InvariantError(`a ${bytes.length}-byte packet passed a ${MAXIMUM_PACKET_SIZE}-byte limit`);
  let again: Packet;
  try {
    again = decodePacket(bytes, version);
  } catch (err) {
    throw unexpected(`decode of a re-encoded packet (type ${packet.type}, v${version})`, err);
  }
  if (!samePacket(packet, again))
    throw new InvariantError(
      `re-encoding changed a packet: ${JSON.stringify(plainJson(packet))} -> ${JSON.stringify(plainJson(again))}`,
    );
}

function plainJson(p: Packet): unknown {
  return JSON.parse(
    JSON.stringify(p, (_k, v: unknown) => (v instanceof Uint8Array ? Array.from(v) : v)),
  ) as unknown;
}

function seeds(): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const v of VECTORS) {
    for (const seed of [0, 1, 7]) out.push(Uint8Array.from([versionByte(v.version), seed, ...v.bytes]));
  }
  // Streams of several packets of one level, so splicing starts from realistic sequences.
  for (const version of [3, 4, 5] as const) {
    const same = VECTORS.filter((v) => v.version === version && v.packet.type !== 1);
    const stream = same.flatMap((v) => Array.from(v.bytes));
    out.push(Uint8Array.from([versionByte(version), 3, ...stream.slice(0, 2000)]));
  }
  return out;
}

export const decoderTarget: FuzzTarget = { name: 'decoder', seeds, run };

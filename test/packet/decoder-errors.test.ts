/**
 * Malformed input: each rule that makes a packet malformed, one test each, with the reason code the
 * specification calls for. Every case is checked from one chunk and byte by byte.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  encode,
  MalformedPacketError,
  PacketDecoder,
  type Packet,
  type ProtocolVersion,
} from '../../src/packet/index.js';
import { packetArb } from './arbitraries.js';
import { decodeByteByByte, decodeChunks, hex } from './helpers.js';

const MALFORMED = 0x81;
const PROTOCOL = 0x82;
const UNSUPPORTED = 0x84;
const TOO_LARGE = 0x95;

function expectMalformed(bytes: Uint8Array, version: ProtocolVersion, reasonCode: number): void {
  for (const [how, run] of [
    ['one chunk', () => decodeChunks([bytes], version)],
    ['byte by byte', () => decodeByteByByte(bytes, version)],
  ] as const) {
    assert.throws(run, (e: unknown) => {
      assert.ok(e instanceof MalformedPacketError, `${how}: ${String(e)}`);
      assert.equal(e.code, 'ERR_MQTT_MALFORMED_PACKET');
      assert.equal(e.reasonCode, reasonCode, `${how}: ${e.message}`);
      return true;
    });
  }
}

/** [name, version, hex, reason code] */
const CASES: [string, ProtocolVersion, string, number][] = [
  // Fixed header [MQTT-2.1.3-1] / 3.1.1 [MQTT-2.2.2-1] [MQTT-2.2.2-2]
  ['packet type 0 is reserved', 4, '00 00', MALFORMED],
  ['CONNECT with a reserved fixed-header flag set', 4, '11 00', MALFORMED],
  ['PUBREL with flags 0000 instead of 0010 [MQTT-3.6.1-1]', 4, '60 02 00 01', MALFORMED],
  ['SUBSCRIBE with flags 0000 [MQTT-3.8.1-1]', 4, '80 06 00 01 00 01 61 00', MALFORMED],
  ['UNSUBSCRIBE with flags 0000 [MQTT-3.10.1-1]', 4, 'a0 05 00 01 00 01 61', MALFORMED],
  ['PINGREQ with a flag set', 4, 'c1 00', MALFORMED],
  ['PUBACK with a flag set', 5, '48 02 00 01', MALFORMED],
  ['PUBLISH with QoS 3 [MQTT-3.3.1-4]', 4, '36 07 00 03 61 2f 62 00 01', MALFORMED],
  ['QoS 0 PUBLISH with DUP [MQTT-3.3.1-2]', 4, '38 05 00 03 61 2f 62', MALFORMED],
  ['AUTH on MQTT 3.1.1 (type 15 is reserved)', 4, 'f0 00', MALFORMED],
  ['Remaining Length longer than four bytes', 4, '30 ff ff ff ff 7f', MALFORMED],
  ['Remaining Length not in its shortest form [MQTT-1.5.5-1]', 4, 'c0 80 00', MALFORMED],
  // Remaining Length against content
  ['PUBACK too short for its packet identifier', 4, '40 01 00', MALFORMED],
  ['MQTT 3.1.1 PUBACK with a byte left over', 4, '40 03 00 01 00', MALFORMED],
  ['PINGREQ with a body', 4, 'c0 01 00', MALFORMED],
  ['MQTT 3.1.1 DISCONNECT with a body', 4, 'e0 01 00', MALFORMED],
  ['a string running past the end of the packet', 4, '30 05 00 0a 61 62 63', MALFORMED],
  ['CONNACK with a byte left over', 4, '20 03 00 00 00', MALFORMED],
  ['MQTT 5 Property Length running past the end of the packet', 5, '40 04 00 01 00 05', MALFORMED],
  ['a property value running past its Property Length', 5, '40 07 00 01 00 02 23 00 05', MALFORMED],
  // Packet identifiers [MQTT-2.2.1-3] / 3.1.1 [MQTT-2.3.1-1]
  ['QoS 1 PUBLISH with packet identifier 0', 4, '32 07 00 03 61 2f 62 00 00', PROTOCOL],
  ['PUBACK with packet identifier 0', 4, '40 02 00 00', PROTOCOL],
  ['SUBSCRIBE with packet identifier 0', 4, '82 06 00 00 00 01 61 00', PROTOCOL],
  ['UNSUBACK with packet identifier 0', 5, 'b0 04 00 00 00 00', PROTOCOL],
  // SUBSCRIBE / UNSUBSCRIBE
  ['SUBSCRIBE without a subscription [MQTT-3.8.3-3]', 4, '82 02 00 01', PROTOCOL],
  ['MQTT 5 SUBSCRIBE without a subscription [MQTT-3.8.3-2]', 5, '82 03 00 01 00', PROTOCOL],
  [
    'MQTT 3.1.1 subscription options with reserved bits [MQTT-3-8.3-4]',
    4,
    '82 06 00 01 00 01 61 04',
    MALFORMED,
  ],
  [
    'MQTT 5 subscription options with reserved bits [MQTT-3.8.3-5]',
    5,
    '82 07 00 01 00 00 01 61 c0',
    MALFORMED,
  ],
  ['a subscription asking for QoS 3', 5, '82 07 00 01 00 00 01 61 03', MALFORMED],
  ['Retain Handling 3', 5, '82 07 00 01 00 00 01 61 30', PROTOCOL],
  [
    'No Local on a shared subscription [MQTT-3.8.3-4]',
    5,
    '82 10 00 01 00 00 0a 24 73 68 61 72 65 2f 67 2f 74 04',
    PROTOCOL,
  ],
  ['an empty topic filter [MQTT-4.7.3-1]', 4, '82 05 00 01 00 00 00', PROTOCOL],
  ['UNSUBSCRIBE without a topic filter [MQTT-3.10.3-2]', 4, 'a2 02 00 01', PROTOCOL],
  // CONNECT
  ['CONNECT reserved flag set [MQTT-3.1.2-3]', 4, '10 0d 00 04 4d 51 54 54 04 03 00 3c 00 01 63', MALFORMED],
  [
    'Will QoS without the Will Flag [MQTT-3.1.2-11]',
    4,
    '10 0d 00 04 4d 51 54 54 04 0a 00 3c 00 01 63',
    MALFORMED,
  ],
  [
    'Will Retain without the Will Flag [MQTT-3.1.2-13]',
    5,
    '10 0e 00 04 4d 51 54 54 05 22 00 3c 00 00 01 63',
    MALFORMED,
  ],
  ['Will QoS 3 [MQTT-3.1.2-12]', 4, '10 0d 00 04 4d 51 54 54 04 1e 00 3c 00 01 63', MALFORMED],
  [
    'MQTT 3.1.1 password without a user name [MQTT-3.1.2-22]',
    4,
    '10 10 00 04 4d 51 54 54 04 42 00 3c 00 01 63 00 01 70',
    MALFORMED,
  ],
  ['an unknown protocol name [MQTT-3.1.2-1]', 4, '10 0d 00 04 4d 51 54 58 04 02 00 3c 00 01 63', UNSUPPORTED],
  [
    'an unknown protocol level [MQTT-3.1.2-2]',
    4,
    '10 0d 00 04 4d 51 54 54 06 02 00 3c 00 01 63',
    UNSUPPORTED,
  ],
  ['MQIsdp with level 4', 4, '10 0f 00 06 4d 51 49 73 64 70 04 02 00 3c 00 01 63', UNSUPPORTED],
  [
    'a Will Topic with a wildcard',
    4,
    '10 13 00 04 4d 51 54 54 04 06 00 3c 00 01 63 00 01 23 00 01 78',
    MALFORMED,
  ],
  // CONNACK
  ['CONNACK reserved flag bits [MQTT-3.2.2-1]', 4, '20 02 02 00', MALFORMED],
  ['MQTT 5 CONNACK with a reason code not defined for CONNACK', 5, '20 03 00 10 00', PROTOCOL],
  // Reason codes and return codes
  ['MQTT 5 PUBACK with a DISCONNECT-only reason code', 5, '40 03 00 01 04', PROTOCOL],
  ['MQTT 5 SUBACK with an undefined reason code', 5, '90 04 00 01 00 03', PROTOCOL],
  ['MQTT 3.1.1 SUBACK return code 3 [MQTT-3.9.3-2]', 4, '90 03 00 01 03', MALFORMED],
  ['MQTT 5 DISCONNECT with an undefined reason code', 5, 'e0 01 03', PROTOCOL],
  // Properties (MQTT 5, §2.2.2.2 and each property's section)
  ['an unknown property identifier', 5, '30 08 00 03 61 2f 62 02 05 00', MALFORMED],
  [
    'a property not allowed in the packet (Session Expiry in PUBLISH)',
    5,
    '30 0b 00 03 61 2f 62 05 11 00 00 00 01',
    MALFORMED,
  ],
  [
    'a Will Property in CONNECT properties (Will Delay Interval)',
    5,
    '10 13 00 04 4d 51 54 54 05 02 00 3c 05 18 00 00 00 01 00 01 63',
    MALFORMED,
  ],
  ['a single-valued property twice (Topic Alias)', 5, '30 0c 00 03 61 2f 62 06 23 00 01 23 00 02', PROTOCOL],
  ['Receive Maximum 0', 5, '20 06 00 00 03 21 00 00', PROTOCOL],
  ['Maximum Packet Size 0', 5, '20 08 00 00 05 27 00 00 00 00', PROTOCOL],
  ['Topic Alias 0 [MQTT-3.3.2-8]: 0x94 Topic Alias invalid', 5, '30 09 00 03 61 2f 62 03 23 00 00', 0x94],
  ['Subscription Identifier 0', 5, '30 08 00 03 61 2f 62 02 0b 00', PROTOCOL],
  ['a 0/1 flag with the value 2 (Payload Format Indicator)', 5, '30 08 00 03 61 2f 62 02 01 02', PROTOCOL],
  ['Maximum QoS 2', 5, '20 05 00 00 02 24 02', PROTOCOL],
  ['Request Problem Information 2', 5, '10 0f 00 04 4d 51 54 54 05 02 00 3c 02 17 02 00 00', PROTOCOL],
  ['two Subscription Identifiers in SUBSCRIBE', 5, '82 0b 00 01 04 0b 01 0b 02 00 01 61 00', PROTOCOL],
  // UTF-8 strings [MQTT-1.5.4-1] [MQTT-1.5.4-2]
  ['U+0000 in a topic [MQTT-1.5.4-2]', 4, '30 05 00 03 61 00 62', MALFORMED],
  ['ill-formed UTF-8 (0xFF) [MQTT-1.5.4-1]', 4, '30 05 00 03 61 ff 62', MALFORMED],
  ['an encoded surrogate (ED A0 80) [MQTT-1.5.4-1]', 4, '30 05 00 03 ed a0 80', MALFORMED],
  ['an overlong encoding (C0 AF)', 4, '30 04 00 02 c0 af', MALFORMED],
  ['a truncated multi-byte sequence', 4, '30 04 00 02 61 e2', MALFORMED],
  ['U+0000 in a long non-ASCII string', 4, `30 44 00 42 c3 a9 ${'61 '.repeat(63)} 00`, MALFORMED],
  ['U+0000 in a long ASCII string', 4, `30 44 00 42 ${'61 '.repeat(65)} 00`, MALFORMED],
  ['ill-formed UTF-8 in a long string', 4, `30 44 00 42 ${'61 '.repeat(65)} 80`, MALFORMED],
  ['ill-formed UTF-8 in a user property', 5, '40 0b 00 01 00 07 26 00 01 ff 00 01 61', MALFORMED],
  // Topic Names [MQTT-3.3.2-2] [MQTT-4.7.3-1]
  ['a PUBLISH Topic Name with + [MQTT-3.3.2-2]', 4, '30 05 00 03 61 2f 2b', MALFORMED],
  ['a PUBLISH Topic Name with # [MQTT-3.3.2-2]', 4, '30 05 00 03 61 2f 23', MALFORMED],
  ['an empty PUBLISH Topic Name on MQTT 3.1.1 [MQTT-4.7.3-1]', 4, '30 02 00 00', PROTOCOL],
  ['an empty PUBLISH Topic Name without a Topic Alias on MQTT 5', 5, '30 03 00 00 00', PROTOCOL],
];

void describe('malformed packets', () => {
  for (const [name, version, bytes, reasonCode] of CASES) {
    void test(`${name} → 0x${reasonCode.toString(16)}`, () =>
      expectMalformed(hex(bytes), version, reasonCode));
  }

  void test('a packet larger than maximumPacketSize → 0x95, before its body arrives', () => {
    const bytes = encode(
      { type: 3, topic: 't', payload: new Uint8Array(100), qos: 0, retain: false, dup: false },
      4,
    );
    assert.equal(bytes.length, 105);
    assert.deepEqual(decodeChunks([bytes], 4, 105).length, 1);
    assert.throws(
      () => decodeChunks([bytes.subarray(0, 2)], 4, 104),
      (e: unknown) => e instanceof MalformedPacketError && e.reasonCode === TOO_LARGE,
    );
  });

  void test('a 256 MB Remaining Length with maximumPacketSize set is rejected from the header, allocating nothing', () => {
    const before = process.memoryUsage().arrayBuffers;
    const decoder = new PacketDecoder({ protocolVersion: 5, maximumPacketSize: 1 << 20, onPacket: () => {} });
    assert.throws(
      () => decoder.push(hex('30 ff ff ff 7f 00 01 61')),
      (e: unknown) => e instanceof MalformedPacketError && e.reasonCode === TOO_LARGE,
    );
    assert.ok(process.memoryUsage().arrayBuffers - before < 1 << 20);
  });

  void test('a 256 MB Remaining Length without a maximum buffers only the bytes that arrived', () => {
    const before = process.memoryUsage().arrayBuffers;
    const decoder = new PacketDecoder({ protocolVersion: 4, onPacket: () => {} });
    decoder.push(hex('30 ff ff ff 7f 00 01 61'));
    decoder.push(new Uint8Array(1000));
    assert.ok(decoder.hasPartialPacket);
    assert.ok(process.memoryUsage().arrayBuffers - before < 1 << 20);
  });

  void test('maximumPacketSize can be changed after construction', () => {
    const decoder = new PacketDecoder({ protocolVersion: 4, onPacket: () => {} });
    decoder.push(hex('30 05 00 03 61 2f 62'));
    decoder.maximumPacketSize = 6;
    assert.throws(
      () => decoder.push(hex('30 05 00 03 61 2f 62')),
      (e: unknown) => e instanceof MalformedPacketError && e.reasonCode === TOO_LARGE,
    );
  });

  void test('packets before the bad one are delivered; later pushes throw the same error until reset()', () => {
    const seen: Packet[] = [];
    const decoder = new PacketDecoder({ protocolVersion: 4, onPacket: (p) => seen.push(p) });
    let first: unknown;
    try {
      decoder.push(hex('c0 00 d0 00 00 00 c0 00'));
    } catch (e) {
      first = e;
    }
    assert.ok(first instanceof MalformedPacketError);
    assert.deepEqual(seen, [{ type: 12 }, { type: 13 }]);
    assert.throws(
      () => decoder.push(hex('c0 00')),
      (e: unknown) => e === first,
    );
    assert.equal(seen.length, 2);
    decoder.reset();
    decoder.push(hex('c0 00'));
    assert.deepEqual(seen, [{ type: 12 }, { type: 13 }, { type: 12 }]);
  });

  void test('random garbage throws nothing but MalformedPacketError, in any chunking', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<ProtocolVersion>(3, 4, 5),
        fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 6 }),
        (version, chunks) => {
          try {
            decodeChunks(chunks, version);
          } catch (e) {
            assert.ok(e instanceof MalformedPacketError, String(e));
          }
        },
      ),
      { numRuns: 1500 },
    );
  });

  void test('valid packets with random bytes changed throw nothing but MalformedPacketError', () => {
    const version = fc.constantFrom<ProtocolVersion>(3, 4, 5);
    fc.assert(
      fc.property(
        version.chain((v) => fc.tuple(fc.constant(v), packetArb(v))),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
        ([v, packet], edits) => {
          const bytes = encode(packet, v).slice();
          for (const [at, value] of edits) bytes[at % bytes.length] = value;
          try {
            decodeChunks([bytes], v);
            decodeByteByByte(bytes, v);
          } catch (e) {
            assert.ok(e instanceof MalformedPacketError, String(e));
          }
        },
      ),
      { numRuns: 600 },
    );
  });
});

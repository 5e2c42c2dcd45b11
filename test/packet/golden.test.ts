/**
 * Golden vectors: every packet type in every protocol version, encoded to the spec's bytes and decoded back
 * from one chunk, byte by byte, and split at every boundary.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { encode, PacketType, type ProtocolVersion } from '../../src/packet/index.js';
import { VECTORS } from './golden-vectors.js';
import { concat, decodeByteByByte, decodeChunks, normalize, splitAt, toHex } from './helpers.js';

void describe('golden vectors', () => {
  for (const v of VECTORS) {
    void describe(v.name, () => {
      void test('encode gives the bytes', () => {
        assert.equal(toHex(encode(v.packet, v.version)), toHex(v.bytes));
      });
      void test('decode from one chunk', () => {
        const packets = decodeChunks([v.bytes], v.version);
        assert.deepEqual(normalize(packets), normalize([v.packet]));
      });
      void test('decode byte by byte', () => {
        assert.deepEqual(normalize(decodeByteByByte(v.bytes, v.version)), normalize([v.packet]));
      });
      void test('decode split at every boundary', () => {
        for (let at = 1; at < v.bytes.length; at++) {
          const packets = decodeChunks(splitAt(v.bytes, at), v.version);
          assert.deepEqual(normalize(packets), normalize([v.packet]), `split at ${at}`);
        }
      });
    });
  }

  void test('every packet type has a vector in every version', () => {
    for (const version of [3, 4, 5] as ProtocolVersion[]) {
      const types = new Set(VECTORS.filter((v) => v.version === version).map((v) => v.packet.type));
      const expected = Object.values(PacketType).filter((t) => version === 5 || t !== PacketType.AUTH);
      assert.deepEqual(
        [...types].sort((a, b) => a - b),
        expected,
        `version ${version}`,
      );
    }
  });

  for (const version of [3, 4, 5] as ProtocolVersion[]) {
    void test(`v${version}: all vectors as one stream, in one chunk and byte by byte`, () => {
      // CONNECT vectors switch the decoder's version to their own; keep only this version's.
      const list = VECTORS.filter((v) => v.version === version);
      const stream = concat(list.map((v) => v.bytes));
      const expected = normalize(list.map((v) => v.packet));
      assert.deepEqual(normalize(decodeChunks([stream], version)), expected);
      assert.deepEqual(normalize(decodeByteByByte(stream, version)), expected);
    });
  }

  void test('a PUBLISH decoded from one chunk has its payload as a view of that chunk (no copy)', () => {
    const v = VECTORS.find((x) => x.name === 'v4 PUBLISH QoS 2');
    assert.ok(v);
    const chunk = concat([v.bytes, v.bytes]);
    const packets = decodeChunks([chunk], 4);
    assert.equal(packets.length, 2);
    for (const p of packets) {
      assert.equal(p.type, PacketType.PUBLISH);
      if (p.type === PacketType.PUBLISH) assert.equal(p.payload.buffer, chunk.buffer);
    }
  });
});

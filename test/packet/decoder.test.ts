/** PacketDecoder behaviour beyond single packets: versions, chunking, large packets, callbacks that throw. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  decodePacket,
  encode,
  MalformedPacketError,
  PacketType,
  PacketDecoder,
  type Packet,
  type PublishPacket,
} from '../../src/packet/index.js';
import { concat, hex, normalize } from './helpers.js';

function collect(decoder: (onPacket: (p: Packet) => void) => PacketDecoder): {
  seen: Packet[];
  d: PacketDecoder;
} {
  const seen: Packet[] = [];
  return { seen, d: decoder((p) => seen.push(p)) };
}

void describe('PacketDecoder', () => {
  void test('a decoded CONNECT sets protocolVersion for the packets after it (fake broker use)', () => {
    const { seen, d } = collect((onPacket) => new PacketDecoder({ protocolVersion: 4, onPacket }));
    const connect = encode({ type: 1, protocolVersion: 5, cleanStart: true, keepalive: 0, clientId: 'x' }, 5);
    const puback = hex('40 03 00 01 10'); // a v5 PUBACK with a reason code: malformed on 3.1.1
    d.push(concat([connect, puback]));
    assert.equal(d.protocolVersion, 5);
    assert.deepEqual(seen[1], { type: 4, packetId: 1, reasonCode: 0x10 });
  });

  void test('protocolVersion can be set by the user', () => {
    const { seen, d } = collect((onPacket) => new PacketDecoder({ protocolVersion: 4, onPacket }));
    d.protocolVersion = 5;
    d.push(hex('e0 01 04'));
    assert.deepEqual(seen, [{ type: 14, reasonCode: 4 }]);
  });

  void test('empty chunks are fine anywhere', () => {
    const { seen, d } = collect((onPacket) => new PacketDecoder({ protocolVersion: 4, onPacket }));
    d.push(new Uint8Array(0));
    d.push(hex('30'));
    d.push(new Uint8Array(0));
    d.push(hex('03 00 01 61'));
    d.push(new Uint8Array(0));
    assert.equal(seen.length, 1);
    assert.equal(d.hasPartialPacket, false);
  });

  void test('a fixed header split inside its Remaining Length', () => {
    const publish: PublishPacket = {
      type: 3,
      topic: 't',
      payload: new Uint8Array(20_000).fill(7),
      qos: 0,
      retain: false,
      dup: false,
    };
    const bytes = encode(publish, 4);
    assert.equal(bytes[1] & 0x80, 0x80); // a three-byte Remaining Length
    for (const at of [1, 2, 3, 4]) {
      const { seen, d } = collect((onPacket) => new PacketDecoder({ protocolVersion: 4, onPacket }));
      d.push(bytes.slice(0, at));
      assert.equal(d.hasPartialPacket, true);
      d.push(bytes.slice(at));
      assert.deepEqual(normalize(seen), normalize([publish]));
    }
  });

  void test('a packet above 64 KiB spanning many chunks is assembled once, as a copy', () => {
    const payload = new Uint8Array(300_000);
    for (let i = 0; i < payload.length; i++) payload[i] = i & 0xff;
    const publish: PublishPacket = {
      type: 3,
      topic: 'big',
      payload,
      qos: 1,
      retain: false,
      dup: false,
      packetId: 9,
    };
    const bytes = encode(publish, 5);
    const { seen, d } = collect((onPacket) => new PacketDecoder({ protocolVersion: 5, onPacket }));
    const chunks: Uint8Array[] = [];
    for (let at = 0; at < bytes.length; at += 65_536) chunks.push(bytes.slice(at, at + 65_536));
    for (const c of chunks) d.push(c);
    assert.equal(seen.length, 1);
    const got = seen[0] as PublishPacket;
    assert.deepEqual(normalize(got), normalize(publish));
    assert.ok(chunks.every((c) => c.buffer !== got.payload.buffer));
    assert.equal(got.payload.buffer.byteLength, bytes.length - 4); // exactly the body: the header is 4 bytes
  });

  void test('an exception from onPacket propagates; the packets after it come with the next push', () => {
    const seen: Packet[] = [];
    let fail = true;
    const d = new PacketDecoder({
      protocolVersion: 4,
      onPacket: (p) => {
        seen.push(p);
        if (fail && p.type === 12) {
          fail = false;
          throw new Error('user callback failed');
        }
      },
    });
    assert.throws(() => d.push(hex('c0 00 d0 00 e0')), /user callback failed/);
    assert.deepEqual(seen, [{ type: 12 }]);
    assert.equal(d.hasPartialPacket, true);
    d.push(hex('00'));
    assert.deepEqual(seen, [{ type: 12 }, { type: 13 }, { type: 14, reasonCode: 0 }]);
  });

  void test('reset() drops a partial packet', () => {
    const { seen, d } = collect((onPacket) => new PacketDecoder({ protocolVersion: 4, onPacket }));
    d.push(hex('30 05 00 03'));
    d.reset();
    assert.equal(d.hasPartialPacket, false);
    d.push(hex('c0 00'));
    assert.deepEqual(seen, [{ type: 12 }]);
  });

  void test('reset() from inside onPacket drops the rest of the chunk', () => {
    const seen: Packet[] = [];
    const d: PacketDecoder = new PacketDecoder({
      protocolVersion: 4,
      onPacket: (p) => {
        seen.push(p);
        if (p.type === 14) d.reset();
      },
    });
    d.push(hex('c0 00 e0 00 d0 00 30'));
    assert.deepEqual(seen, [{ type: 12 }, { type: 14, reasonCode: 0 }]);
    assert.equal(d.hasPartialPacket, false);
    d.push(hex('d0 00'));
    assert.deepEqual(seen.at(-1), { type: 13 });
  });

  void test('decodePacket decodes exactly one packet', () => {
    assert.deepEqual(decodePacket(hex('40 02 00 07'), 4), { type: 4, packetId: 7, reasonCode: 0 });
    assert.throws(() => decodePacket(hex('40 02 00'), 4), MalformedPacketError);
    assert.throws(() => decodePacket(hex('40 02 00 07 c0'), 4), MalformedPacketError);
    assert.throws(() => decodePacket(hex('40 02 00 07 c0 00'), 4), MalformedPacketError);
  });
});

void describe('PUBLISH topics decoded one after another (the last-topic cache)', () => {
  void test('repeated, changed, same-length and non-ASCII topics all come out right', () => {
    const topics = ['a/b', 'a/b', 'a/c', 'a/b', 'x', 'été/ü', 'été/ü', 'a/b', 'a/bc', 'a/b'];
    const seen: string[] = [];
    const d = new PacketDecoder({
      protocolVersion: 4,
      onPacket: (p) => {
        if (p.type === PacketType.PUBLISH) seen.push(p.topic);
      },
    });
    const publish = (topic: string): Uint8Array =>
      encode(
        { type: PacketType.PUBLISH, topic, payload: new Uint8Array([1]), qos: 0, retain: false, dup: false },
        4,
      );
    d.push(concat(topics.map(publish)));
    for (const topic of topics) d.push(publish(topic));
    assert.deepEqual(seen, [...topics, ...topics]);
  });

  void test('a topic with a wildcard is refused even right after a valid one of the same length', () => {
    const d = new PacketDecoder({ protocolVersion: 4, onPacket: () => undefined });
    d.push(hex('30 06 00 03 61 2f 62 01')); // "a/b"
    assert.throws(() => d.push(hex('30 06 00 03 61 2f 23 01')), MalformedPacketError); // "a/#"
  });
});

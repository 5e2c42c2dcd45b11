/** `readFrame()`: the type, size, packet id and payload offset of packets our encoder made, on every version. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { encode, encodePublishHeader } from '../../src/packet/encode.js';
import { readFrame } from '../../src/packet/frame.js';
import { PacketType, type Packet, type ProtocolVersion, type PublishPacket } from '../../src/packet/types.js';

const VERSIONS: ProtocolVersion[] = [3, 4, 5];
const payload = new TextEncoder().encode('the payload');

function publish(qos: 0 | 1 | 2, version: ProtocolVersion): PublishPacket {
  const p: PublishPacket = {
    type: PacketType.PUBLISH,
    topic: 'a/b',
    payload,
    qos,
    retain: false,
    dup: false,
  };
  if (qos > 0) p.packetId = 300 + qos;
  if (version === 5) p.properties = { contentType: 'text/plain', userProperties: [['k', 'v']] };
  return p;
}

void describe('readFrame', () => {
  for (const version of VERSIONS) {
    void test(`PUBLISH at QoS 0, 1 and 2 (level ${version}): size, packet id, payload`, () => {
      for (const qos of [0, 1, 2] as const) {
        const bytes = encode(publish(qos, version), version);
        const frame = readFrame(bytes, version);
        assert.equal(frame.type, PacketType.PUBLISH);
        assert.equal(frame.size, bytes.length);
        assert.equal(frame.packetId, qos === 0 ? undefined : 300 + qos);
        assert.deepEqual(bytes.subarray(frame.payloadOffset), payload);
      }
    });

    void test(`a PUBLISH header sent apart from its payload (level ${version})`, () => {
      const header = encodePublishHeader(publish(1, version), version);
      const frame = readFrame(header, version);
      assert.equal(frame.size, header.length + payload.length);
      assert.equal(frame.payloadOffset, header.length);
      assert.equal(frame.packetId, 301);
    });

    void test(`acks, SUBSCRIBE, UNSUBSCRIBE carry their packet id; the others none (level ${version})`, () => {
      const withId: Packet[] = [
        { type: PacketType.PUBACK, packetId: 7, reasonCode: 0 },
        { type: PacketType.PUBREC, packetId: 8, reasonCode: 0 },
        { type: PacketType.PUBREL, packetId: 9, reasonCode: 0 },
        { type: PacketType.PUBCOMP, packetId: 10, reasonCode: 0 },
        { type: PacketType.SUBSCRIBE, packetId: 11, subscriptions: [{ topicFilter: 'a/#', qos: 1 }] },
        { type: PacketType.UNSUBSCRIBE, packetId: 12, topicFilters: ['a/#'] },
      ];
      for (const packet of withId) {
        const bytes = encode(packet, version);
        const frame = readFrame(bytes, version);
        assert.equal(frame.type, packet.type);
        assert.equal(frame.size, bytes.length);
        assert.equal(frame.packetId, (packet as { packetId: number }).packetId);
        assert.equal(frame.payloadOffset, -1);
      }
      for (const packet of [{ type: PacketType.PINGREQ }, { type: PacketType.DISCONNECT }] as Packet[]) {
        const frame = readFrame(encode(packet, version), version);
        assert.equal(frame.type, packet.type);
        assert.equal(frame.packetId, undefined);
      }
    });
  }

  void test('a size that needs a multi-byte Remaining Length', () => {
    const large: PublishPacket = { ...publish(0, 4), payload: new Uint8Array(200_000) };
    const bytes = encode(large, 4);
    assert.equal(readFrame(bytes, 4).size, bytes.length);
  });
});

/** `encodePublishHeader`: the PUBLISH without its payload, so a large payload is sent as it is after it. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { encode, encodePublishHeader } from '../../src/packet/encode.js';
import { InvalidArgumentError } from '../../src/errors.js';
import { PacketType, type PublishPacket } from '../../src/packet/types.js';

void describe('encodePublishHeader', () => {
  void it('header + payload are exactly the bytes of encode(), for every version, QoS and size', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(3 as const, 4 as const, 5 as const),
        fc.constantFrom(0 as const, 1 as const, 2 as const),
        fc.integer({ min: 0, max: 70_000 }),
        fc.boolean(),
        (version, qos, size, withProperties) => {
          const packet: PublishPacket = {
            type: PacketType.PUBLISH,
            topic: 'a/b/c',
            payload: new Uint8Array(size).fill(0x5a),
            qos,
            retain: qos === 1,
            dup: qos === 2,
          };
          if (qos !== 0) packet.packetId = 42;
          if (withProperties && version === 5)
            packet.properties = { contentType: 'x', messageExpiryInterval: 9 };
          const header = encodePublishHeader(packet, version);
          const whole = encode(packet, version);
          assert.equal(header.length + size, whole.length);
          assert.deepEqual(header, whole.subarray(0, header.length));
        },
      ),
      { numRuns: 200 },
    );
  });

  void it('applies the same checks as encode()', () => {
    const bad: PublishPacket = {
      type: PacketType.PUBLISH,
      topic: 'a',
      payload: new Uint8Array(1),
      qos: 1,
      retain: false,
      dup: false,
    };
    assert.throws(() => encodePublishHeader(bad, 4), InvalidArgumentError); // no packet id
    assert.throws(() => encodePublishHeader({ ...bad, packetId: 1 }, 6 as never), InvalidArgumentError);
  });
});

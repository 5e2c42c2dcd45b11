/** encode() refuses packets that cannot be sent, with InvalidArgumentError, and writes nothing. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InvalidArgumentError } from '../../src/errors.js';
import { encode, type Packet, type ProtocolVersion } from '../../src/packet/index.js';

const pub = (extra: Partial<Packet & { type: 3 }>): Packet => ({
  type: 3,
  topic: 'a',
  payload: new Uint8Array(0),
  qos: 0,
  retain: false,
  dup: false,
  ...extra,
});

const huge = (): Uint8Array => {
  const b = new Uint8Array(0);
  Object.defineProperty(b, 'length', { value: 268_435_456 });
  return b;
};

const CASES: [string, Packet, ProtocolVersion][] = [
  ['QoS 1 PUBLISH without a packet identifier', pub({ qos: 1 }), 4],
  ['QoS 1 PUBLISH with packet identifier 0', pub({ qos: 1, packetId: 0 }), 4],
  ['QoS 2 PUBLISH with packet identifier 65536', pub({ qos: 2, packetId: 65_536 }), 5],
  ['PUBLISH with QoS 3', pub({ qos: 3 as 0 }), 4],
  ['QoS 0 PUBLISH with DUP [MQTT-3.3.1-2]', pub({ dup: true }), 4],
  ['PUBLISH topic over 65535 bytes', pub({ topic: 'é'.repeat(32_768) }), 4],
  ['PUBLISH topic with U+0000 [MQTT-1.5.4-2]', pub({ topic: 'a\u0000b' }), 4],
  ['PUBLISH topic with a lone surrogate [MQTT-1.5.4-1]', pub({ topic: 'a\uD800b' }), 4],
  ['PUBLISH topic with a wildcard [MQTT-3.3.2-2]', pub({ topic: 'a/+' }), 4],
  ['empty PUBLISH topic on MQTT 3.1.1 [MQTT-4.7.3-1]', pub({ topic: '' }), 4],
  ['empty PUBLISH topic on MQTT 5 without a Topic Alias', pub({ topic: '' }), 5],
  ['a Remaining Length over 268,435,455', pub({ payload: huge() }), 4],
  ['PUBACK with packet identifier 0', { type: 4, packetId: 0, reasonCode: 0 }, 4],
  ['MQTT 5 PUBACK with a reason code not defined for PUBACK', { type: 4, packetId: 1, reasonCode: 0x04 }, 5],
  ['a property not allowed in the packet', pub({ properties: { receiveMaximum: 5 } }), 5],
  ['an unknown property', pub({ properties: { bogus: 1 } as never }), 5],
  ['Topic Alias 0', pub({ properties: { topicAlias: 0 } }), 5],
  ['a 0/1 flag set to 2', pub({ properties: { payloadFormatIndicator: 2 } }), 5],
  ['Message Expiry Interval over 32 bits', pub({ properties: { messageExpiryInterval: 2 ** 32 } }), 5],
  [
    'two Subscription Identifiers in SUBSCRIBE',
    {
      type: 8,
      packetId: 1,
      subscriptions: [{ topicFilter: 'a', qos: 0 }],
      properties: { subscriptionIdentifiers: [1, 2] },
    },
    5,
  ],
  ['SUBSCRIBE without subscriptions', { type: 8, packetId: 1, subscriptions: [] }, 4],
  [
    'SUBSCRIBE with an empty filter',
    { type: 8, packetId: 1, subscriptions: [{ topicFilter: '', qos: 0 }] },
    4,
  ],
  ['UNSUBSCRIBE without filters', { type: 10, packetId: 1, topicFilters: [] }, 4],
  ['MQTT 3.1.1 SUBACK return code 3', { type: 9, packetId: 1, reasonCodes: [3] }, 4],
  ['AUTH on MQTT 3.1.1', { type: 15, reasonCode: 0 }, 4],
  [
    'CONNECT with keepalive 65536',
    { type: 1, protocolVersion: 4, cleanStart: true, keepalive: 65_536, clientId: 'c' },
    4,
  ],
  [
    'CONNECT with protocol level 6',
    { type: 1, protocolVersion: 6 as 5, cleanStart: true, keepalive: 0, clientId: 'c' },
    5,
  ],
  [
    'MQTT 3.1.1 CONNECT with a password but no user name [MQTT-3.1.2-22]',
    {
      type: 1,
      protocolVersion: 4,
      cleanStart: true,
      keepalive: 0,
      clientId: 'c',
      password: new Uint8Array(1),
    },
    4,
  ],
  [
    'a will payload over 65535 bytes',
    {
      type: 1,
      protocolVersion: 4,
      cleanStart: true,
      keepalive: 0,
      clientId: 'c',
      will: { topic: 'w', payload: new Uint8Array(65_536), qos: 0, retain: false },
    },
    4,
  ],
  ['an unknown packet type', { type: 0 } as unknown as Packet, 4],
  ['protocol version 6', { type: 12 }, 6 as 5],
];

void describe('encode refuses invalid packets', () => {
  for (const [name, packet, version] of CASES) {
    void test(name, () => {
      assert.throws(() => encode(packet, version), InvalidArgumentError);
    });
  }

  void test('MQTT 5 allows a password without a user name', () => {
    const p: Packet = {
      type: 1,
      protocolVersion: 5,
      cleanStart: true,
      keepalive: 0,
      clientId: 'c',
      password: new Uint8Array(1),
    };
    assert.ok(encode(p, 5).length > 0);
  });

  void test('MQTT 3.x ignores properties and ack reason codes', () => {
    assert.deepEqual(
      Array.from(encode({ type: 4, packetId: 1, reasonCode: 0x10, properties: { reasonString: 'x' } }, 4)),
      [0x40, 2, 0, 1],
    );
    assert.deepEqual(Array.from(encode({ type: 14, reasonCode: 0x04 }, 3)), [0xe0, 0]);
    assert.deepEqual(Array.from(encode(pub({ properties: { topicAlias: 0 } }), 4)), [0x30, 3, 0, 1, 0x61]);
  });
});

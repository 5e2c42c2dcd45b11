/**
 * A broker that sends what the specification forbids it: reason codes a packet type does not allow,
 * properties a server must not send, a second CONNACK, packet types only a client sends, reserved flag bits,
 * a remaining length over the limit announced a byte at a time, a Maximum Packet Size too small to answer.
 * Each time the client closes with the right reason (a DISCONNECT carrying it on MQTT 5), tells the
 * application, reconnects on its back-off policy and works again; memory stays where it was.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MQTTProtocolVersion, type ClientOptions } from '../../src/index.js';
import { PacketType } from '../../src/packet/types.js';
import { FakeBroker, type FakeConnection } from '../support/fake-broker.js';
import {
  assertBounded,
  assertClientClosed,
  assertReconnectsAndWorks,
  connectTo,
  hostileClient,
  HOSTILE_PROTOCOLS,
  memory,
  stop,
  type ExpectedClose,
} from './helpers.js';

const PROTOCOL_ERROR = 0x82;
const MALFORMED_PACKET = 0x81;
const PACKET_TOO_LARGE = 0x95;

interface Scenario {
  name: string;
  /** Only on these protocol versions (both when absent). */
  only?: MQTTProtocolVersion;
  options?: ClientOptions<unknown>;
  /** What the first CONNACK carries (the violation, for CONNACK scenarios; the client sees no onConnect). */
  connack?: Parameters<FakeConnection['accept']>[0];
  /** What the broker does once connected (nothing for CONNACK scenarios). */
  provoke?: (connection: FakeConnection) => Promise<unknown> | void;
  expected: ExpectedClose;
}

const V5 = MQTTProtocolVersion.MQTTv5;

const SCENARIOS: Scenario[] = [
  {
    name: 'a PUBACK with reason 0x04, which only DISCONNECT allows',
    only: V5,
    provoke: (c) => c.sendRaw([0x40, 0x03, 0x00, 0x01, 0x04]),
    expected: { reasonCode: PROTOCOL_ERROR, message: /reason code 0x4 is not defined for PUBACK/ },
  },
  {
    name: 'a SUBACK with reason 0x8e (Session taken over)',
    only: V5,
    provoke: (c) => c.sendRaw([0x90, 0x04, 0x00, 0x01, 0x00, 0x8e]),
    expected: { reasonCode: PROTOCOL_ERROR, message: /reason code 0x8e is not defined for SUBACK/ },
  },
  {
    name: 'an Assigned Client Identifier for a client that gave its own id',
    only: V5,
    connack: { properties: { assignedClientIdentifier: 'someone-else' } },
    expected: { reasonCode: PROTOCOL_ERROR, message: /Assigned Client Identifier 'someone-else'/ },
  },
  {
    name: 'a Topic Alias above the Topic Alias Maximum the client allowed',
    only: V5,
    options: { topicAliasMaximum: 5 },
    // PUBLISH QoS 0 topic 'a', Topic Alias 6 (raw: our encoder refuses it).
    provoke: (c) => c.sendRaw([0x30, 0x08, 0x00, 0x01, 0x61, 0x03, 0x23, 0x00, 0x06, 0x31]),
    expected: { reasonCode: 0x94, message: /topic alias 6/ },
  },
  {
    name: 'a Subscription Identifier on a PUBLISH to a client that never set one',
    only: V5,
    provoke: (c) =>
      c.send({
        type: PacketType.PUBLISH,
        topic: 'a',
        payload: new Uint8Array(1),
        qos: 0,
        retain: false,
        dup: false,
        properties: { subscriptionIdentifiers: [1] },
      }),
    expected: { reasonCode: PROTOCOL_ERROR, message: /Subscription Identifier, but no SUBSCRIBE/ },
  },
  {
    name: 'a CONNACK Maximum Packet Size (3) below an acknowledgement',
    only: V5,
    connack: { properties: { maximumPacketSize: 3 } },
    expected: { reasonCode: PACKET_TOO_LARGE, message: /Maximum Packet Size 3/ },
  },
  {
    name: 'a CONNACK Maximum Packet Size (2) that not even the DISCONNECT fits',
    only: V5,
    connack: { properties: { maximumPacketSize: 2 } },
    expected: { reasonCode: PACKET_TOO_LARGE, sent: null, message: /Maximum Packet Size 2/ },
  },
  {
    name: 'a second CONNACK',
    provoke: (c) => c.send({ type: PacketType.CONNACK, sessionPresent: false, reasonCode: 0 }),
    expected: { reasonCode: PROTOCOL_ERROR, message: /unexpected CONNACK from the broker/ },
  },
  {
    name: 'a SUBSCRIBE from the broker',
    provoke: (c) =>
      c.send({ type: PacketType.SUBSCRIBE, packetId: 1, subscriptions: [{ topicFilter: 'a', qos: 0 }] }),
    expected: { reasonCode: PROTOCOL_ERROR, message: /SUBSCRIBE/ },
  },
  {
    name: 'a CONNECT from the broker',
    // A 3.1.1 CONNECT (client id 'x').
    provoke: (c) =>
      c.sendRaw([0x10, 0x0d, 0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x04, 0x02, 0x00, 0x3c, 0x00, 0x01, 0x78]),
    expected: { reasonCode: PROTOCOL_ERROR, message: /unexpected CONNECT from the broker/ },
  },
  {
    name: 'an UNSUBSCRIBE from the broker',
    provoke: (c) => c.send({ type: PacketType.UNSUBSCRIBE, packetId: 1, topicFilters: ['a'] }),
    expected: { reasonCode: PROTOCOL_ERROR, message: /unexpected UNSUBSCRIBE from the broker/ },
  },
  {
    name: 'a PINGREQ from the broker',
    provoke: (c) => c.sendRaw([0xc0, 0x00]),
    expected: { reasonCode: PROTOCOL_ERROR, message: /unexpected PINGREQ from the broker/ },
  },
  {
    name: 'a PUBACK with reserved flag bits set',
    provoke: (c) => c.sendRaw([0x42, 0x02, 0x00, 0x01]),
    expected: { reasonCode: MALFORMED_PACKET, message: /flags/ },
  },
  {
    name: 'a remaining length over the client’s Maximum Packet Size, announced a byte every 100 ms',
    options: { maximumPacketSize: 1024 },
    // PUBLISH, remaining length 65,535 (0xff 0xff 0x03): refused once the length is complete, before any body.
    provoke: (c) => c.trickle([0x30, 0xff, 0xff, 0x03, 0x00, 0x01, 0x61, 0x00, 0x00, 0x00], 100),
    expected: { reasonCode: PACKET_TOO_LARGE, message: /exceeds the maximum packet size of 1024 bytes/ },
  },
];

for (const protocol of HOSTILE_PROTOCOLS) {
  void describe(`a broker that breaks the rules (${protocol.name})`, () => {
    for (const s of SCENARIOS.filter((x) => x.only === undefined || x.only === protocol.version)) {
      void it(`${s.name}: the client closes, tells the application, reconnects and works`, async () => {
        const start = memory();
        const broker = await FakeBroker.start();
        const r = hostileClient(protocol.version, s.options);
        try {
          const first = await connectTo(r, broker, {
            connack: s.connack,
            waitForConnack: s.connack === undefined,
          });
          await s.provoke?.(first);
          await assertClientClosed(r, first, s.expected, 0);
          await assertReconnectsAndWorks(r, broker);
        } finally {
          await stop(r);
          await broker.close();
        }
        assertBounded(start, 16 * 1024 * 1024, s.name);
      });
    }
  });
}

void describe('a large packet announced and then trickled', () => {
  void it('memory is not reserved ahead of the bytes: a 16 MiB PUBLISH whose body comes slowly', async () => {
    const broker = await FakeBroker.start();
    const r = hostileClient(MQTTProtocolVersion.MQTTv311);
    try {
      const connection = await connectTo(r, broker);
      const start = memory();
      // PUBLISH QoS 0, Remaining Length 16 MiB (0x80 0x80 0x80 0x08), topic 'a', then 2 KiB of payload in
      // 64-byte pieces: the rest never comes.
      connection.sendRaw([0x30, 0x80, 0x80, 0x80, 0x08, 0x00, 0x01, 0x61]);
      for (let i = 0; i < 32; i++) {
        connection.sendRaw(new Uint8Array(64).fill(0x62));
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      assertBounded(start, 4 * 1024 * 1024, 'a 16 MiB packet announced');
      assert.equal(r.disconnects.length, 0, 'still waiting for the rest, within the default limit');
    } finally {
      await stop(r);
      await broker.close();
    }
  });
});

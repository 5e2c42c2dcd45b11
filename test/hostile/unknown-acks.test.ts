/**
 * Acknowledgements for packet ids the session does not use (PUBACK, PUBREC, PUBCOMP, SUBACK, UNSUBACK), with
 * success and failure reason codes: none is a reason to drop a healthy connection. An unknown PUBREC with a
 * success code is answered with PUBREL (0x92 on MQTT 5), on 3.1.1 too, so a broker that kept a session the
 * client lost frees the id; the rest are logged and ignored. See docs/reliability.md, "Hostile brokers".
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MQTTProtocolVersion } from '../../src/index.js';
import { PacketType, type Packet } from '../../src/packet/types.js';
import { FakeBroker } from '../support/fake-broker.js';
import { sleep, waitUntil } from '../client/helpers.js';
import {
  assertBounded,
  connectTo,
  expectSkipping,
  hostileClient,
  HOSTILE_PROTOCOLS,
  memory,
  stop,
} from './helpers.js';

/** A packet id the client never used in these tests (its ids start at 1). */
const UNKNOWN_ID = 4242;

interface UnknownAck {
  name: string;
  packet: (v5: boolean) => Packet;
  /** What the client answers: PUBREL for a successful PUBREC, nothing otherwise. */
  answer?: { reasonCode: number };
  log: RegExp;
}

function acks(v5: boolean): UnknownAck[] {
  const id = UNKNOWN_ID;
  const list: UnknownAck[] = [];
  for (const reasonCode of v5 ? [0x00, 0x80] : [0x00]) {
    const how = reasonCode === 0 ? 'success' : `failure 0x${reasonCode.toString(16)}`;
    list.push(
      {
        name: `PUBACK (${how})`,
        packet: () => ({ type: PacketType.PUBACK, packetId: id, reasonCode }),
        log: /PUBACK for unknown packet id 4242/,
      },
      {
        name: `PUBREC (${how})`,
        packet: () => ({ type: PacketType.PUBREC, packetId: id, reasonCode }),
        answer: reasonCode === 0 ? { reasonCode: 0x92 } : undefined,
        log: /PUBREC for unknown packet id 4242/,
      },
      {
        name: `PUBCOMP (${reasonCode === 0 ? 'success' : 'failure 0x92'})`,
        packet: () => ({ type: PacketType.PUBCOMP, packetId: id, reasonCode: reasonCode === 0 ? 0 : 0x92 }),
        log: /PUBCOMP for unknown packet id 4242/,
      },
      {
        name: `SUBACK (${how})`,
        packet: () => ({ type: PacketType.SUBACK, packetId: id, reasonCodes: [reasonCode] }),
        log: /SUBACK for unknown packet id 4242/,
      },
    );
  }
  list.push({
    name: 'UNSUBACK',
    packet: () => ({ type: PacketType.UNSUBACK, packetId: id, reasonCodes: v5 ? [0x11] : [] }),
    log: /UNSUBACK for unknown packet id 4242/,
  });
  return list;
}

for (const protocol of HOSTILE_PROTOCOLS) {
  const v5 = protocol.version === MQTTProtocolVersion.MQTTv5;
  void describe(`acknowledgements for unknown packet ids (${protocol.name})`, () => {
    for (const ack of acks(v5)) {
      void it(`${ack.name}: ${ack.answer ? 'answered with PUBREL' : 'logged and ignored'}, the connection stays up`, async () => {
        const broker = await FakeBroker.start();
        const r = hostileClient(protocol.version);
        try {
          const connection = await connectTo(r, broker);
          connection.send(ack.packet(v5));
          if (ack.answer !== undefined) {
            const pubrel = await connection.expect(PacketType.PUBREL);
            assert.equal(pubrel.packetId, UNKNOWN_ID);
            if (v5) assert.equal(pubrel.reasonCode, ack.answer.reasonCode);
          }
          await waitUntil(() => r.logs.some((l) => ack.log.test(l.message)), 5000, 'the log line');
          // Still connected and working: a QoS 1 publish on the same connection is acknowledged.
          const info = r.client.publish('still/up', 'yes', 1);
          const publish = await expectSkipping(connection, PacketType.PUBLISH);
          connection.send({ type: PacketType.PUBACK, packetId: publish.packetId ?? 0, reasonCode: 0 });
          await waitUntil(() => r.published.some((p) => p.mid === info.mid), 5000, 'onPublish');
          assert.equal(r.disconnects.length, 0);
          assert.equal(connection.isClosed, false);
          assert.ok(!connection.received.some((p) => p.type === PacketType.DISCONNECT));
        } finally {
          await stop(r);
          await broker.close();
        }
      });
    }

    void it('2,000 unknown acknowledgements of every kind: the connection stays up, memory stays bounded', async () => {
      const broker = await FakeBroker.start();
      const r = hostileClient(protocol.version);
      try {
        const connection = await connectTo(r, broker);
        const start = memory();
        const kinds = acks(v5);
        for (let i = 0; i < 2000; i++) {
          connection.send(kinds[i % kinds.length].packet(v5));
          if (i % 200 === 199) await sleep(5);
        }
        const pubrecs = kinds.filter((k) => k.answer !== undefined).length;
        const expected = Math.floor(2000 / kinds.length) * pubrecs;
        await waitUntil(
          () => connection.received.filter((p) => p.type === PacketType.PUBREL).length >= expected,
          10_000,
          `${expected} PUBRELs`,
        );
        assert.equal(r.disconnects.length, 0);
        // The log lines are kept by the test's recorder; the client itself must hold nothing per ack.
        r.logs.length = 0;
        assertBounded(start, 8 * 1024 * 1024, 'unknown acknowledgements');
      } finally {
        await stop(r);
        await broker.close();
      }
    });
  });
}

/**
 * A broker that never answers, and one that answers a byte a second: every waiting operation ends by its
 * timeout or the keepalive, the queue keeps its limits meanwhile, and after the reconnect everything proceeds.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MQTTErrorCode, TimeoutError } from '../../src/index.js';
import { encode } from '../../src/packet/encode.js';
import { PacketType } from '../../src/packet/types.js';
import { FakeBroker, type FakeConnection } from '../support/fake-broker.js';
import { waitUntil, within, type Recorder } from '../client/helpers.js';
import {
  assertBounded,
  assertClientClosed,
  assertReconnectsAndWorks,
  disconnectedAt,
  hostileClient,
  HOSTILE_PROTOCOLS,
  memory,
  RECONNECT_DELAY_MS,
  stop,
} from './helpers.js';

const KEEP_ALIVE_TIMEOUT = 0x8d;

/**
 * Answers everything the client sends (PUBACK, PUBREC/PUBCOMP, SUBACK, UNSUBACK, PINGRESP) until `done()`,
 * for at most `maxPackets` packets.
 */
async function answerUntil(
  connection: FakeConnection,
  done: () => boolean,
  maxPackets: number,
): Promise<void> {
  for (let i = 0; i < maxPackets && !done(); i++) {
    const p = await connection.next();
    switch (p.type) {
      case PacketType.PUBLISH:
        if (p.qos === 1)
          connection.send({ type: PacketType.PUBACK, packetId: p.packetId ?? 0, reasonCode: 0 });
        if (p.qos === 2)
          connection.send({ type: PacketType.PUBREC, packetId: p.packetId ?? 0, reasonCode: 0 });
        break;
      case PacketType.PUBREL:
        connection.send({ type: PacketType.PUBCOMP, packetId: p.packetId, reasonCode: 0 });
        break;
      case PacketType.SUBSCRIBE:
        connection.send({
          type: PacketType.SUBACK,
          packetId: p.packetId,
          reasonCodes: p.subscriptions.map((s) => s.qos),
        });
        break;
      case PacketType.UNSUBSCRIBE:
        connection.send({
          type: PacketType.UNSUBACK,
          packetId: p.packetId,
          reasonCodes: connection.protocolVersion === 5 ? p.topicFilters.map(() => 0) : [],
        });
        break;
      case PacketType.PINGREQ:
        connection.send({ type: PacketType.PINGRESP });
        break;
      default:
        break;
    }
  }
}

function published(r: Recorder, mids: number[]): boolean {
  return mids.every((mid) => r.published.some((p) => p.mid === mid));
}

for (const protocol of HOSTILE_PROTOCOLS) {
  void describe(`a broker that never answers (${protocol.name})`, () => {
    void it('publishes, SUBSCRIBE, UNSUBSCRIBE and PINGREQ unanswered: timeouts, queue limits, keepalive close, then all proceeds', async () => {
      const start = memory();
      const broker = await FakeBroker.start();
      const r = hostileClient(protocol.version, {
        pingTimeoutMs: 500,
        queueFullPolicy: 'reject',
        cleanSession: protocol.version === 5 ? undefined : false,
      });
      r.client.maxInflightMessagesSet(2);
      r.client.maxQueuedMessagesSet(3);
      try {
        const unsubacks: number[] = [];
        r.client.onUnsubscribe = (_c, _u, mid) => {
          unsubacks.push(mid);
        };
        void r.client.connect(broker.host, broker.port, 1);
        const silent = await broker.nextConnection();
        await silent.accept();
        await waitUntil(() => r.connacks.length === 1, 5000, 'CONNACK');

        const [subRc, subMid] = r.client.subscribe('silent/sub', 1);
        const [unsubRc, unsubMid] = r.client.unsubscribe('silent/unsub');
        assert.equal(subRc, MQTTErrorCode.MQTT_ERR_SUCCESS);
        assert.equal(unsubRc, MQTTErrorCode.MQTT_ERR_SUCCESS);
        // Two in flight (the window), three queued (the limit), the sixth refused by the queue.
        const infos = [1, 2, 1, 2, 1].map((qos, i) => r.client.publish(`silent/${i}`, `m${i}`, qos));
        for (const info of infos) assert.equal(info.rc, MQTTErrorCode.MQTT_ERR_SUCCESS);
        const refused = r.client.publish('silent/over', 'over', 1);
        assert.equal(refused.rc, MQTTErrorCode.MQTT_ERR_QUEUE_SIZE);
        await assert.rejects(infos[0].waitForPublish(300), TimeoutError);

        // The keepalive (1 s) sends PINGREQ; no PINGRESP within pingTimeoutMs closes the connection.
        await assertClientClosed(
          r,
          silent,
          // No DISCONNECT: a client may not send 0x8D (3.14.2.1), and a silent broker would not read it.
          { reasonCode: KEEP_ALIVE_TIMEOUT, sent: null, message: /no answer within 500 ms after PINGREQ/ },
          0,
        );
        const types = new Set(silent.received.map((p) => p.type));
        for (const t of [
          PacketType.SUBSCRIBE,
          PacketType.UNSUBSCRIBE,
          PacketType.PUBLISH,
          PacketType.PINGREQ,
        ])
          assert.ok(types.has(t), `packet type ${t} was sent to the silent broker`);

        // The next broker answers: the publishes (resent, then the queued ones), SUBSCRIBE and UNSUBSCRIBE go
        // through on the new connection, in the session the broker kept.
        const answering = await broker.nextConnection();
        assert.ok(Date.now() - disconnectedAt(r) >= RECONNECT_DELAY_MS - 20, 'the back-off delay was kept');
        await answering.accept({ sessionPresent: true });
        const mids = infos.map((i) => i.mid);
        await within(
          answerUntil(
            answering,
            () =>
              published(r, mids) && r.subacks.some((s) => s.mid === subMid) && unsubacks.includes(unsubMid),
            200,
          ),
          10_000,
          'everything answered',
        );
        for (const info of infos) await info.waitForPublish(1000);
        assert.equal(r.disconnects.length, 1);
      } finally {
        await stop(r);
        await broker.close();
      }
      assertBounded(start, 16 * 1024 * 1024, 'a silent broker');
    });
  });

  void describe(`a slowloris broker (${protocol.name})`, () => {
    void it('CONNACK one byte a second: the connect timeout fires, the client reconnects and works', async () => {
      const start = memory();
      const broker = await FakeBroker.start();
      const r = hostileClient(protocol.version, { connackTimeoutMs: 1500 });
      try {
        void r.client.connect(broker.host, broker.port);
        const slow = await broker.nextConnection();
        await slow.expect(PacketType.CONNECT);
        const connack = encode(
          { type: PacketType.CONNACK, sessionPresent: false, reasonCode: 0 },
          slow.protocolVersion,
        );
        const trickled = slow.trickle(connack.subarray(0, connack.length - 1), 1000);
        await assertClientClosed(
          r,
          slow,
          { reasonCode: KEEP_ALIVE_TIMEOUT, sent: null, message: /no CONNACK within 1500 ms/ },
          0,
        );
        assert.ok((await trickled) < connack.length, 'the CONNACK never completed');
        assert.equal(r.connacks.length, 0);
        await assertReconnectsAndWorks(r, broker);
      } finally {
        await stop(r);
        await broker.close();
      }
      assertBounded(start, 16 * 1024 * 1024, 'a slowloris broker');
    });
  });
}

/**
 * What a real broker will not do on demand, through the scripted fake broker: a server DISCONNECT, a negative
 * PUBACK, a PUBACK for a QoS 2 PUBLISH, a CONNACK that never comes, and a slow callback around a keepalive deadline.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MQTTProtocolVersion, PublishError } from '../../src/index.js';
import { PacketType } from '../../src/packet/types.js';
import { FakeBroker } from '../support/fake-broker.js';
import { recordingClient, sleep, waitUntil, within } from './helpers.js';

let broker: FakeBroker;
void before(async () => {
  broker = await FakeBroker.start();
});
void after(async () => {
  await broker.close();
});

void describe('against a scripted broker (MQTT 5)', () => {
  void it('a server DISCONNECT reaches onDisconnect with its reason code and properties', async () => {
    const r = recordingClient(MQTTProtocolVersion.MQTTv5, { reconnectOnFailure: false });
    let reasonString: string | undefined;
    r.client.onDisconnect = (_c, _u, flags, rc, properties) => {
      r.disconnects.push({ rc: rc.value, fromServer: flags.isDisconnectPacketFromServer });
      reasonString = properties.reasonString;
    };
    r.client.loopStart();
    void r.client.connect(broker.host, broker.port);
    const connection = await broker.nextConnection();
    await connection.accept();
    await waitUntil(() => r.connacks.length === 1, 5000, 'CONNACK');
    connection.send({
      type: PacketType.DISCONNECT,
      reasonCode: 0x8b,
      properties: { reasonString: 'maintenance' },
    });
    await waitUntil(() => r.disconnects.length === 1, 5000, 'onDisconnect');
    assert.deepEqual(r.disconnects[0], { rc: 0x8b, fromServer: true });
    assert.equal(reasonString, 'maintenance');
    assert.equal(r.client.loopMode, 'none');
  });

  void it('a negative PUBACK rejects waitForPublish() with the broker reason code', async () => {
    const r = recordingClient(MQTTProtocolVersion.MQTTv5);
    r.client.loopStart();
    void r.client.connect(broker.host, broker.port);
    const connection = await broker.nextConnection();
    await connection.accept();
    await waitUntil(() => r.connacks.length === 1, 5000, 'CONNACK');
    const info = r.client.publish('secret/topic', 'x', 1);
    const publish = await connection.expect(PacketType.PUBLISH);
    assert.equal(publish.packetId, info.mid);
    connection.send({ type: PacketType.PUBACK, packetId: info.mid, reasonCode: 0x87 });
    await assert.rejects(info.waitForPublish(5000), (error: unknown) => {
      assert.ok(error instanceof PublishError);
      assert.equal(error.reasonCode?.getName(), 'Not authorized');
      return true;
    });
    assert.deepEqual(r.published, [{ mid: info.mid, rc: 0x87 }]);
    r.client.disconnect();
    await connection.expect(PacketType.DISCONNECT);
    r.client.loopStop();
  });

  void it('a PUBACK for a QoS 2 message (RabbitMQ 3.10) completes it, downgraded, with a warning', async () => {
    const r = recordingClient(MQTTProtocolVersion.MQTTv311, { cleanSession: false });
    r.client.loopStart();
    void r.client.connect(broker.host, broker.port);
    const connection = await broker.nextConnection();
    await connection.accept();
    await waitUntil(() => r.connacks.length === 1, 5000, 'CONNACK');
    const info = r.client.publish('jobs/1', 'x', 2);
    const publish = await connection.expect(PacketType.PUBLISH);
    assert.equal(publish.qos, 2);
    connection.send({ type: PacketType.PUBACK, packetId: info.mid, reasonCode: 0 });
    await info.waitForPublish(5000);
    assert.equal(info.downgraded, true);
    assert.equal(info.isPublished(), true);
    assert.equal(info.reasonCode?.packetType, PacketType.PUBACK);
    assert.deepEqual(r.published, [{ mid: info.mid, rc: 0 }]);
    assert.ok(r.logs.some((l) => /PUBACK for QoS 2 message/.test(l.message)));
    // No PUBREL follows, and after a reconnect nothing is resent for it.
    connection.destroy();
    const again = await broker.nextConnection();
    await again.accept({ sessionPresent: true });
    await waitUntil(() => r.connacks.length === 2, 5000, 'second CONNACK');
    const second = r.client.publish('jobs/2', 'y', 1);
    const next = await again.expect(PacketType.PUBLISH);
    assert.equal(next.packetId, second.mid);
    assert.ok(!connection.received.some((p) => p.type === PacketType.PUBREL));
    r.client.disconnect();
    await again.expect(PacketType.DISCONNECT);
    r.client.loopStop();
  });

  void it('gives up on a CONNACK that never comes (connackTimeoutMs), then retries', async () => {
    const r = recordingClient(MQTTProtocolVersion.MQTTv5, { connackTimeoutMs: 200 });
    r.client.reconnectDelaySet(0.05, 0.05);
    r.client.loopStart();
    void r.client.connect(broker.host, broker.port);
    const silent = await broker.nextConnection();
    await silent.expect(PacketType.CONNECT);
    await waitUntil(() => r.disconnects.length === 1, 5000, 'CONNACK timeout');
    const retry = await broker.nextConnection();
    await retry.accept();
    await waitUntil(() => r.connacks.length === 1, 5000, 'CONNACK on the retry');
    r.client.disconnect();
    r.client.loopStop();
  });

  void it('manual ack of QoS 2: PUBREC waits for ack(), the message is handed over once', async () => {
    const r = recordingClient(MQTTProtocolVersion.MQTTv5, { manualAck: true });
    r.client.loopStart();
    void r.client.connect(broker.host, broker.port);
    const connection = await broker.nextConnection();
    await connection.accept();
    await waitUntil(() => r.connacks.length === 1, 5000, 'CONNACK');
    const publish = {
      type: PacketType.PUBLISH,
      topic: 'q2',
      payload: new TextEncoder().encode('once'),
      qos: 2,
      retain: false,
      dup: false,
      packetId: 7,
    } as const;
    connection.send(publish);
    await waitUntil(() => r.messages.length === 1, 5000, 'the message');
    await sleep(100);
    assert.equal(connection.pending().length, 0, 'no PUBREC before ack()');
    connection.send({ ...publish, dup: true }); // a resend before the ack: not handed over again
    await sleep(100);
    assert.equal(r.client.ack(7, 2), 0);
    const pubrec = await connection.expect(PacketType.PUBREC);
    assert.equal(pubrec.packetId, 7);
    connection.send({ type: PacketType.PUBREL, packetId: 7, reasonCode: 0 });
    await connection.expect(PacketType.PUBCOMP);
    assert.equal(r.messages.length, 1);
    r.client.disconnect();
    r.client.loopStop();
  });

  for (const alias of [0, 6]) {
    void it(`an incoming Topic Alias ${alias} closes with DISCONNECT 0x94 Topic Alias invalid`, async () => {
      const r = recordingClient(MQTTProtocolVersion.MQTTv5, {
        reconnectOnFailure: false,
        topicAliasMaximum: 5,
      });
      r.client.loopStart();
      void r.client.connect(broker.host, broker.port);
      const connection = await broker.nextConnection();
      await connection.accept();
      await waitUntil(() => r.connacks.length === 1, 5000, 'CONNACK');
      // PUBLISH QoS 0 'a' with Topic Alias `alias` (raw: our encoder refuses alias 0) [MQTT-3.3.2-8].
      connection.sendRaw([0x30, 0x08, 0x00, 0x01, 0x61, 0x03, 0x23, 0x00, alias, 0x31]);
      const disconnect = await connection.expect(PacketType.DISCONNECT);
      assert.equal(disconnect.reasonCode, 0x94);
      await waitUntil(() => r.disconnects.length === 1, 5000, 'onDisconnect');
      assert.deepEqual(r.disconnects[0], { rc: 0x94, fromServer: false });
      assert.equal(r.messages.length, 0);
      r.client.loopStop();
    });
  }

  void it('a blocked event loop past the ping deadline is not a false keepalive timeout', async () => {
    const r = recordingClient(MQTTProtocolVersion.MQTTv5, { pingTimeoutMs: 300 });
    r.client.loopStart();
    void r.client.connect(broker.host, broker.port, 1);
    const connection = await broker.nextConnection();
    await connection.accept();
    await waitUntil(() => r.connacks.length === 1, 5000, 'CONNACK');
    await connection.expect(PacketType.PINGREQ, 3000);
    // The PINGRESP reaches the client's socket, then the process is stuck (as in a slow callback) past the
    // ping deadline: when it wakes up, the bytes already received are read before the deadline is judged.
    connection.send({ type: PacketType.PINGRESP });
    const until = Date.now() + 600;
    while (Date.now() < until) {
      // busy: the event loop is blocked
    }
    // Long enough for the expired deadline and the buffered PINGRESP to be handled, and far (600 ms) from the
    // next PINGREQ's own timeout, 1.3 s after the first PINGREQ: a loaded machine's late timer is no false failure.
    await sleep(100);
    assert.equal(r.disconnects.length, 0, 'still connected');
    r.client.disconnect();
    let packet = await within(connection.next(), 5000, 'DISCONNECT');
    while (packet.type === PacketType.PINGREQ) packet = await within(connection.next(), 5000, 'DISCONNECT');
    assert.equal(packet.type, PacketType.DISCONNECT);
    r.client.loopStop();
  });
});

/**
 * The default in-flight window (docs/benchmarks.md, window sweep): 100 QoS 1/2 messages, and on MQTT 3.x at
 * most 19 of them QoS 2 (Mosquitto acknowledges and drops any PUBLISH from a 3.x client that arrives while its own
 * limit, 20 by default, of that client's QoS 2 messages wait for their PUBREL). A window the application sets applies to every QoS; MQTT 5 follows the Receive Maximum.
 * Counted at a scripted broker that withholds acknowledgements; then end to end on a default Mosquitto.
 */
import 'fake-indexeddb/auto';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MQTTProtocolVersion } from '../../src/index.js';
import { IndexedDbStore } from '../../src/indexeddb.js';
import { PacketType } from '../../src/packet/types.js';
import { FakeBroker, type FakeConnection } from '../support/fake-broker.js';
import { startBroker, type Broker } from '../support/mosquitto.js';
import {
  connected,
  recordingClient,
  shutdown,
  sleep,
  subscribed,
  uniqueId,
  waitUntil,
  type Recorder,
} from './helpers.js';

let fake: FakeBroker;
let mosquitto: Broker;
void before(async () => {
  fake = await FakeBroker.start();
  mosquitto = await startBroker({ quietLog: true }); // Mosquitto's defaults: max_inflight_messages 20
});
void after(async () => {
  await fake.close();
  await mosquitto.stop();
});

function publishCount(connection: FakeConnection): number {
  return connection.received.filter((packet) => packet.type === PacketType.PUBLISH).length;
}

/** Connects `r` to the scripted broker, publishes `count` messages at `qos`, and returns how many went out. */
async function inFlightAfterBurst(
  r: Recorder,
  qos: 1 | 2,
  count: number,
  expected: number,
  connack: { properties?: { receiveMaximum: number } } = {},
): Promise<number> {
  r.client.loopStart();
  void r.client.connect(fake.host, fake.port);
  const connection = await fake.nextConnection();
  await connection.accept(connack);
  await waitUntil(() => r.connacks.length === 1, 5000, 'CONNACK');
  for (let i = 0; i < count; i++) r.client.publish('window/t', `m${i}`, qos);
  await waitUntil(() => publishCount(connection) >= expected, 5000, `${expected} PUBLISH packets`);
  await sleep(200); // anything beyond the window would have arrived by now
  const sent = publishCount(connection);
  r.client.loopStop();
  connection.destroy();
  return sent;
}

void describe('the default in-flight window', () => {
  void it('is 100 for QoS 1 (MQTT 3.1.1)', async () => {
    const r = recordingClient(MQTTProtocolVersion.MQTTv311, { reconnectOnFailure: false });
    assert.equal(r.client.maxInflightMessages, 100);
    assert.equal(await inFlightAfterBurst(r, 1, 150, 100), 100);
  });

  void it('holds QoS 2 at 19 on MQTT 3.1.1', async () => {
    const r = recordingClient(MQTTProtocolVersion.MQTTv311, { reconnectOnFailure: false });
    assert.equal(await inFlightAfterBurst(r, 2, 60, 19), 19);
  });

  void it('lets a window set by the application apply to QoS 2 as well', async () => {
    const r = recordingClient(MQTTProtocolVersion.MQTTv311, { reconnectOnFailure: false });
    r.client.maxInflightMessagesSet(50);
    assert.equal(await inFlightAfterBurst(r, 2, 60, 50), 50);
  });

  void it("follows the broker's Receive Maximum for QoS 2 on MQTT 5", async () => {
    const r = recordingClient(MQTTProtocolVersion.MQTTv5, { reconnectOnFailure: false });
    const sent = await inFlightAfterBurst(r, 2, 60, 30, { properties: { receiveMaximum: 30 } });
    assert.equal(sent, 30);
  });
});

for (const { name, version } of [
  { name: 'MQTT 3.1.1', version: MQTTProtocolVersion.MQTTv311 },
  { name: 'MQTT 5', version: MQTTProtocolVersion.MQTTv5 },
]) {
  void it(`a burst of 300 QoS 2 messages reaches a default Mosquitto whole, exactly once (${name})`, async () => {
    const sub = recordingClient(version);
    const pub = recordingClient(version);
    await connected(sub, mosquitto.host, mosquitto.port);
    await connected(pub, mosquitto.host, mosquitto.port);
    try {
      const topic = uniqueId('burst');
      assert.deepEqual(await subscribed(sub, topic, 2), [2]);
      const infos = [];
      for (let i = 0; i < 300; i++) infos.push(pub.client.publish(topic, String(i), 2));
      await Promise.all(infos.map((info) => info.waitForPublish(15_000)));
      await waitUntil(() => sub.messages.length >= 300, 10_000, '300 messages');
      await sleep(200); // a duplicate would arrive within this
      const bodies = sub.messages.map((m) => Buffer.from(m.payload).toString());
      assert.equal(bodies.length, 300);
      assert.deepEqual(
        bodies,
        Array.from({ length: 300 }, (_, i) => String(i)),
      );
    } finally {
      await shutdown(sub);
      await shutdown(pub);
    }
  });
}

void it('QoS 1 and 2 interleaved from MQTT 3.1.1 on an asynchronous store reach a default Mosquitto whole', async () => {
  // Each PUBREL waits for IndexedDB's commit of the PUBREC, so the broker's count of QoS 2 messages waiting for
  // their PUBREL rises to the client's QoS 2 window; at 20 (Mosquitto's limit) the QoS 1 messages sent meanwhile
  // were acknowledged and dropped (20 of 500 in a run before the window became 19).
  const sub = recordingClient(MQTTProtocolVersion.MQTTv311);
  const store = new IndexedDbStore({ name: uniqueId('inflight-idb'), locks: null });
  const pub = recordingClient(MQTTProtocolVersion.MQTTv311, { store });
  await connected(sub, mosquitto.host, mosquitto.port);
  await connected(pub, mosquitto.host, mosquitto.port);
  try {
    const topic = uniqueId('mixed');
    assert.deepEqual(await subscribed(sub, topic, 2), [2]);
    const count = 600;
    const infos = [];
    for (let i = 0; i < count; i++) infos.push(pub.client.publish(topic, String(i), i % 2 === 0 ? 2 : 1));
    await Promise.all(infos.map((info) => info.waitForPublish(30_000)));
    await waitUntil(
      () => new Set(sub.messages.map((m) => m.payloadString())).size >= count,
      10_000,
      'every message',
    );
    await sleep(200); // a QoS 2 duplicate would arrive within this
    const qos2 = sub.messages.filter((m) => Number(m.payloadString()) % 2 === 0);
    assert.equal(qos2.length, count / 2, 'every QoS 2 message once');
  } finally {
    await shutdown(sub);
    await shutdown(pub);
  }
});

/**
 * `client.stats()`: counts against a real Mosquitto (messages by QoS both ways, bytes, round trips, store
 * batches, reconnects, uptime), and the gauges of what waits (queue, in flight, packet ids) on the fake clock
 * with the in-memory broker, where nothing depends on timing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connectionOf } from '../../src/client/client.js';
import { RUNTIME } from '../../src/client/runtime.js';
import { CallbackAPIVersion, Client, MemoryStore, MQTTProtocolVersion } from '../../src/index.js';
import { startBroker, type Broker } from '../support/mosquitto.js';
import { MemoryBroker, settle } from '../support/memory-transport.js';
import { connected, recordingClient, shutdown, subscribed, uniqueId, waitUntil } from './helpers.js';

let broker: Broker;
void before(async () => {
  broker = await startBroker();
});
void after(async () => {
  await broker.stop();
});

void describe('client.stats()', () => {
  void it('counts messages by QoS, bytes, round trips and store batches on a real broker', async () => {
    const store = new MemoryStore();
    const r = recordingClient(MQTTProtocolVersion.MQTTv5, { store, pingTimeoutMs: 5000 });
    const before = r.client.stats();
    assert.deepEqual(before.messagesSent, { qos0: 0, qos1: 0, qos2: 0 });
    assert.equal(before.bytesSent, 0);
    assert.equal(before.uptimeMs, 0);
    await connected(r, broker.host, broker.port, 1);
    try {
      const topic = uniqueId('stats');
      await subscribed(r, `${topic}/#`, 2);
      const infos = [];
      for (let i = 0; i < 5; i++) infos.push(r.client.publish(`${topic}/0`, 'x', 0));
      for (let i = 0; i < 4; i++) infos.push(r.client.publish(`${topic}/1`, 'x', 1));
      for (let i = 0; i < 3; i++) infos.push(r.client.publish(`${topic}/2`, 'x', 2));
      await Promise.all(infos.map((info) => info.waitForPublish(5000)));
      await waitUntil(() => r.messages.length === 12, 5000, '12 messages back');
      // A PINGREQ goes out after a second of silence (keepalive 1).
      await waitUntil(() => r.client.stats().lastPingRoundTripMs !== undefined, 5000, 'a ping round trip');
      const s = r.client.stats();
      assert.deepEqual(s.messagesSent, { qos0: 5, qos1: 4, qos2: 3 });
      assert.deepEqual(s.messagesReceived, { qos0: 5, qos1: 4, qos2: 3 });
      // At least the 12 PUBLISH packets each way (topic + payload), plus CONNECT/CONNACK and the acks.
      assert.ok(s.bytesSent > 12 * topic.length, `bytesSent ${s.bytesSent}`);
      assert.ok(s.bytesReceived > 12 * topic.length, `bytesReceived ${s.bytesReceived}`);
      assert.ok(s.lastPublishRoundTripMs !== undefined && s.lastPublishRoundTripMs >= 0);
      assert.ok((s.lastPingRoundTripMs ?? -1) >= 0);
      assert.deepEqual(s.inflight, { outgoing: 0, incoming: 0 });
      assert.deepEqual(s.queued, { messages: 0, bytes: 0 });
      assert.equal(s.packetIdsInUse, 0);
      // Every QoS 1/2 message in and out wrote to the store (write-ahead).
      assert.ok(s.store.batches > 0 && s.store.operations >= s.store.batches, JSON.stringify(s.store));
      assert.ok(s.store.timeMs >= 0);
      assert.ok(s.uptimeMs > 0);
      assert.equal(s.reconnects, 0);
      await r.client.reconnect();
      await waitUntil(() => r.connacks.length === 2, 5000, 'the second CONNACK');
      assert.equal(r.client.stats().reconnects, 1);
    } finally {
      await shutdown(r);
    }
    assert.equal(r.client.stats().uptimeMs, 0, 'not connected');
  });

  void it('gauges what waits: the offline queue, the in-flight window and the packet ids (fake clock)', async () => {
    const memory = new MemoryBroker();
    const withRuntime = { protocol: MQTTProtocolVersion.MQTTv311, [RUNTIME]: memory.runtime };
    const client = new Client(CallbackAPIVersion.VERSION2, withRuntime);
    client.maxInflightMessagesSet(2);
    for (let i = 0; i < 5; i++) client.publish('t', 'abcd', 1);
    let s = client.stats();
    assert.deepEqual(s.queued, { messages: 5, bytes: 20 }, 'offline: all queued');
    assert.equal(s.packetIdsInUse, 5);
    assert.deepEqual(s.messagesSent, { qos0: 0, qos1: 0, qos2: 0 });
    client.loopStart();
    await client.connect('broker.test', 1883, 60);
    await settle();
    // The memory broker acknowledges QoS 1 at once: everything went through the window of 2.
    await memory.clock.advance(10);
    s = client.stats();
    assert.deepEqual(s.messagesSent, { qos0: 0, qos1: 5, qos2: 0 });
    assert.deepEqual(s.queued, { messages: 0, bytes: 0 });
    assert.equal(s.packetIdsInUse, 0);
    await memory.clock.advance(2500);
    assert.equal(client.stats().uptimeMs, 2510, 'the runtime clock since the CONNACK');
    assert.equal(connectionOf(client).connections, 1);
    client.disconnect();
    client.loopStop();
  });
});

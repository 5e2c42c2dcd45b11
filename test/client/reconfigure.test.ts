/**
 * Settings changed while disconnected are taken by the same session engine (`Session.reconfigure`), so what
 * waited for the next connection survives: a QoS 0 message queued offline and a SUBSCRIBE requested offline
 * reach Mosquitto after the change and the reconnect (before, the engine was rebuilt and both were lost).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MQTTProtocolVersion } from '../../src/index.js';
import { startBroker, type Broker } from '../support/mosquitto.js';
import { connected, recordingClient, shutdown, subscribed, text, waitUntil, within } from './helpers.js';

let broker: Broker;
void before(async () => {
  broker = await startBroker();
});
void after(async () => {
  await broker.stop();
});

void describe('changing settings while disconnected (Mosquitto)', () => {
  for (const protocol of [MQTTProtocolVersion.MQTTv311, MQTTProtocolVersion.MQTTv5]) {
    void it(`MQTT ${protocol === 5 ? '5.0' : '3.1.1'}: queued QoS 0 and a pending SUBSCRIBE survive keepalive, will and window changes`, async () => {
      const watcher = recordingClient(protocol);
      await connected(watcher, broker.host, broker.port);
      await subscribed(watcher, 'reconf/out', 0);

      const r = recordingClient(protocol);
      await connected(r, broker.host, broker.port);
      await within(r.client.disconnectAndWait(), 5000, 'disconnect');

      // Offline: a QoS 0 message and a SUBSCRIBE wait for the next connection.
      const info = r.client.publish('reconf/out', 'queued offline', 0);
      const [, mid] = r.client.subscribe('reconf/in', 1);
      // Connection-level settings change while disconnected.
      r.client.keepalive = 30;
      r.client.willSet('reconf/will', 'gone', 1);
      r.client.maxInflightMessagesSet(5);
      r.client.maxQueuedMessagesSet(100);
      const logs = r.logs.length;
      r.client.loopStart(); // disconnect() ended the background loop
      await within(r.client.reconnect(), 5000, 'reconnect');
      await waitUntil(() => r.connacks.length === 2, 5000, 'second CONNACK');
      assert.ok(r.logs.slice(logs).some((l) => l.message.includes('the session engine took them')));

      await waitUntil(() => r.subacks.some((s) => s.mid === mid), 5000, `SUBACK ${mid}`);
      assert.deepEqual(r.subacks.find((s) => s.mid === mid)?.codes, [1]);
      await within(info.waitForPublish(5000), 5000, 'the queued QoS 0 message');
      await waitUntil(() => watcher.messages.length === 1, 5000, 'the queued message at the watcher');
      assert.equal(text(watcher.messages[0]), 'queued offline');
      assert.equal(r.client.keepalive, 30);

      // The subscription made offline is live on the broker.
      watcher.client.publish('reconf/in', 'hello', 1);
      await waitUntil(() => r.messages.length === 1, 5000, 'a message on the offline subscription');
      assert.equal(text(r.messages[0]), 'hello');
      await shutdown(r);
      await shutdown(watcher);
    });
  }
});

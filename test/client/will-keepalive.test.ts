/**
 * The will (published on an abnormal disconnect, not on a normal one) and keepalive (a silent connection is
 * detected through a stalled TCP proxy; an idle healthy one stays up), on MQTT 3.1, 3.1.1 and 5.0.
 */
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { MQTTProtocolVersion, Properties, PacketTypes } from '../../src/index.js';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { startBroker, type Broker } from '../support/mosquitto.js';
import {
  PROTOCOLS,
  connected,
  recordingClient,
  shutdown,
  sleep,
  subscribed,
  text,
  uniqueId,
  waitUntil,
} from './helpers.js';

let broker: Broker;
let proxy: FaultProxy;
void before(async () => {
  broker = await startBroker();
  proxy = await startFaultProxy({ targetHost: broker.host, targetPort: broker.port });
});
void after(async () => {
  await proxy.close();
  await broker.stop();
});

for (const { name, version } of PROTOCOLS) {
  void describe(`will and keepalive on ${name}`, () => {
    void it('publishes the will when the connection is lost, not after disconnect()', async () => {
      const watcher = recordingClient(version);
      const willTopic = `${uniqueId('will')}/status`;
      await connected(watcher, broker.host, broker.port);
      await subscribed(watcher, willTopic, 1);

      const polite = recordingClient(version);
      polite.client.willSet(willTopic, 'polite gone', 1);
      await connected(polite, broker.host, broker.port);
      await shutdown(polite);

      const abrupt = recordingClient(version);
      abrupt.client.willSet(willTopic, 'abrupt gone', 1, false);
      assert.equal(abrupt.client.willTopic, willTopic);
      await connected(abrupt, broker.host, broker.port);
      (abrupt.client.socket() as Socket).destroy(); // a lost connection, no DISCONNECT
      await waitUntil(() => watcher.messages.length >= 1, 5000, 'the will');
      await sleep(100);
      assert.deepEqual(watcher.messages.map(text), ['abrupt gone']);
      abrupt.client.reconnectDelaySet(10, 10); // it would reconnect; stop it instead
      await shutdown(abrupt);
      await shutdown(watcher);
    });

    void it('detects a silent connection (stalled proxy) by keepalive, then reconnects', async () => {
      const r = recordingClient(version);
      r.client.reconnectDelaySet(0.05, 0.1);
      await connected(r, proxy.host, proxy.port, 1);
      proxy.pause();
      try {
        await waitUntil(() => r.disconnects.length >= 1, 6000, 'keepalive timeout');
        assert.equal(r.disconnects[0].rc, 0x8d); // Keep Alive timeout
        assert.equal(r.disconnects[0].fromServer, false);
      } finally {
        proxy.resume();
      }
      await waitUntil(() => r.connacks.length >= 2, 6000, 'reconnect');
      await shutdown(r);
    });
  });
}

void describe('keepalive', () => {
  void it('keeps an idle connection alive with PINGREQ', async () => {
    const r = recordingClient(MQTTProtocolVersion.MQTTv311);
    await connected(r, broker.host, broker.port, 1);
    await sleep(2200);
    assert.equal(r.disconnects.length, 0);
    assert.equal(r.client.isConnected(), true);
    await shutdown(r);
  });
});

void describe('MQTT 5 will', () => {
  void it('is published after disconnect(0x04) with its will properties', async () => {
    const watcher = recordingClient(MQTTProtocolVersion.MQTTv5);
    const willTopic = `${uniqueId('w5')}/status`;
    await connected(watcher, broker.host, broker.port);
    await subscribed(watcher, willTopic, 1);
    const r = recordingClient(MQTTProtocolVersion.MQTTv5);
    const props = new Properties(PacketTypes.WILLMESSAGE);
    props.contentType = 'text/plain';
    props.addUserProperty('why', 'test');
    r.client.willSet(willTopic, 'left with will', 1, false, props);
    await connected(r, broker.host, broker.port);
    await shutdown(r); // a normal disconnection: no will
    assert.equal(watcher.messages.length, 0);
    await connected(r, broker.host, broker.port);
    r.client.disconnect(0x04);
    await waitUntil(() => watcher.messages.length === 1, 5000, 'will after 0x04');
    assert.equal(watcher.messages[0].properties.contentType, 'text/plain');
    assert.deepEqual(watcher.messages[0].properties.userProperties, [['why', 'test']]);
    r.client.loopStop();
    await shutdown(watcher);
  });
});

/**
 * Paho's `suppress_exceptions`: by default a throwing callback is caught, logged at MQTT_LOG_ERR and passed to
 * `onCallbackError`; with `suppressExceptions = false` the manual `loop()` rethrows it, and the background
 * loop keeps running (reports it the same way). Against the scripted fake broker.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { LogLevel, MQTTErrorCode, MQTTProtocolVersion } from '../../src/index.js';
import { PacketType } from '../../src/packet/types.js';
import { FakeBroker } from '../support/fake-broker.js';
import { recordingClient, waitUntil } from './helpers.js';

let broker: FakeBroker;
void before(async () => {
  broker = await FakeBroker.start();
});
void after(async () => {
  await broker.close();
});

void describe('suppressExceptions', () => {
  void it('false + manual loop(): the callback error leaves loop(); the client goes on', async () => {
    const r = recordingClient(MQTTProtocolVersion.MQTTv311);
    assert.equal(r.client.suppressExceptions, true);
    r.client.suppressExceptions = false;
    const hooked: string[] = [];
    r.client.onCallbackError = (_c, _u, error, name) => {
      hooked.push(`${name}: ${(error as Error).message}`);
    };
    r.client.onConnect = () => {
      throw new Error('boom');
    };
    await r.client.connect(broker.host, broker.port);
    const connection = await broker.nextConnection();
    await connection.accept();
    let thrown: unknown;
    for (let i = 0; i < 20 && thrown === undefined; i++) {
      try {
        await r.client.loop(100);
      } catch (error) {
        thrown = error;
      }
    }
    assert.ok(thrown instanceof Error && thrown.message === 'boom');
    assert.deepEqual(hooked, ['onConnect: boom']);
    assert.ok(r.logs.some((l) => l.level === LogLevel.MQTT_LOG_ERR && l.message.includes('onConnect')));
    // Thrown once; the connection is intact and the loop goes on.
    assert.equal(await r.client.loop(50), MQTTErrorCode.MQTT_ERR_SUCCESS);
    assert.equal(r.client.isConnected(), true);
    r.client.disconnect();
    await connection.expect(PacketType.DISCONNECT);
  });

  void it('true (default) + manual loop(): logged and hooked, never thrown', async () => {
    const r = recordingClient(MQTTProtocolVersion.MQTTv311);
    const hooked: string[] = [];
    r.client.onCallbackError = (_c, _u, _e, name) => {
      hooked.push(name);
    };
    r.client.onConnect = () => Promise.reject(new Error('async boom'));
    await r.client.connect(broker.host, broker.port);
    const connection = await broker.nextConnection();
    await connection.accept();
    for (let i = 0; i < 20 && !r.client.isConnected(); i++) {
      assert.notEqual(await r.client.loop(100), MQTTErrorCode.MQTT_ERR_NO_CONN);
    }
    await waitUntil(() => hooked.length === 1, 5000, 'onCallbackError');
    assert.deepEqual(hooked, ['onConnect']);
    r.client.disconnect();
    await connection.expect(PacketType.DISCONNECT);
  });

  void it('false + loopStart(): reported through onLog (error level) and onCallbackError, the loop survives', async () => {
    const r = recordingClient(MQTTProtocolVersion.MQTTv311);
    r.client.suppressExceptions = false;
    const hooked: string[] = [];
    r.client.onCallbackError = (_c, _u, _e, name) => {
      hooked.push(name);
    };
    r.client.onMessage = () => {
      throw new Error('bad message');
    };
    r.client.loopStart();
    void r.client.connect(broker.host, broker.port);
    const connection = await broker.nextConnection();
    await connection.accept();
    await waitUntil(() => r.client.isConnected(), 5000, 'connected');
    connection.send({
      type: PacketType.PUBLISH,
      topic: 'a',
      payload: new Uint8Array([1]),
      qos: 1,
      packetId: 7,
      retain: false,
      dup: false,
    });
    const puback = await connection.expect(PacketType.PUBACK); // still acknowledged, as in Paho
    assert.equal(puback.packetId, 7);
    assert.deepEqual(hooked, ['onMessage']);
    assert.ok(r.logs.some((l) => l.level === LogLevel.MQTT_LOG_ERR && l.message.includes('bad message')));
    assert.equal(r.client.isConnected(), true);
    r.client.disconnect();
    await connection.expect(PacketType.DISCONNECT);
    r.client.loopStop();
  });
});

/**
 * The loop modes against a real Mosquitto: manual `loop()`, `loopStart()`, `loopForever()`, external loops,
 * mixing refused, one connection for `loopStart()` + `connect()`, reconnection after a broker restart, and a
 * throwing callback that does not break the client.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CallbackAPIVersion,
  Client,
  ClientStateError,
  ConnectionError,
  MQTTProtocolVersion,
} from '../../src/index.js';
import { startBroker, type Broker } from '../support/mosquitto.js';
import {
  connected,
  recordingClient,
  shutdown,
  subscribed,
  text,
  uniqueId,
  waitUntil,
  within,
} from './helpers.js';

let broker: Broker;
void before(async () => {
  broker = await startBroker();
});
void after(async () => {
  await broker.stop();
});

void describe('loop modes', () => {
  void it('manual loop(): nothing is dispatched until loop() runs, and it returns NO_CONN after disconnect', async () => {
    const r = recordingClient(MQTTProtocolVersion.MQTTv311);
    await r.client.connect(broker.host, broker.port, 60);
    const [, mid] = r.client.subscribe(`${uniqueId('man')}/x`, 1);
    await new Promise((resolve) => setTimeout(resolve, 150));
    assert.equal(r.connacks.length, 0, 'CONNACK held until loop()');
    assert.equal(r.client.isConnected(), false);
    for (let i = 0; i < 20 && !r.subacks.some((s) => s.mid === mid); i++) {
      assert.equal(await r.client.loop(100), 0);
    }
    assert.deepEqual(r.connacks, [{ rc: 0, sessionPresent: false }]);
    assert.ok(r.subacks.some((s) => s.mid === mid));
    assert.equal(r.client.isConnected(), true);
    assert.throws(() => r.client.loopStart(), ClientStateError);
    assert.throws(() => r.client.loopForever(), ClientStateError);
    r.client.disconnect();
    let rc = 0;
    for (let i = 0; i < 20 && r.disconnects.length === 0; i++) rc = await r.client.loop(100);
    assert.equal(r.disconnects.length, 1);
    assert.ok(rc === 7 || rc === 4, `loop() after disconnect returned ${rc}`);
    assert.equal(await r.client.loop(10), 4); // MQTT_ERR_NO_CONN
  });

  void it('loopStart() + connect() opens one connection; mixing with loop() is refused; loopStop() twice', async () => {
    const r = recordingClient(MQTTProtocolVersion.MQTTv5);
    let opened = 0;
    r.client.onSocketOpen = () => {
      opened += 1;
    };
    assert.equal(r.client.loopStart(), 0);
    assert.equal(r.client.loopStart(), 3); // MQTT_ERR_INVAL: already running
    void r.client.connect(broker.host, broker.port, 60);
    await waitUntil(() => r.connacks.length === 1, 5000, 'CONNACK');
    assert.equal(opened, 1);
    assert.throws(() => r.client.loop(10), /do not mix loop modes/);
    assert.throws(() => r.client.loopRead(), ClientStateError);
    await shutdown(r);
    assert.equal(opened, 1);
    assert.equal(r.client.loopStop(), 3);
  });

  void it('connectAsync() + loopStart() connects from the loop', async () => {
    const r = recordingClient(MQTTProtocolVersion.MQTTv311);
    r.client.connectAsync(broker.host, broker.port, 60);
    r.client.loopStart();
    await waitUntil(() => r.connacks.length === 1, 5000, 'CONNACK');
    await shutdown(r);
  });

  void it('loopForever() resolves after disconnect() and rejects when the first connection fails', async () => {
    const r = recordingClient(MQTTProtocolVersion.MQTTv311);
    r.client.onConnect = (c) => {
      c.disconnect();
    };
    void r.client.connect(broker.host, broker.port, 60);
    assert.equal(await within(r.client.loopForever(), 5000, 'loopForever'), 0);

    const refused = new Client(CallbackAPIVersion.VERSION2);
    let failures = 0;
    refused.onConnectFail = () => {
      failures += 1;
    };
    refused.connectAsync('127.0.0.1', 1, 60); // nothing listens on port 1
    await assert.rejects(within(refused.loopForever(), 5000, 'loopForever'), ConnectionError);
    assert.equal(failures, 1);
    assert.throws(() => new Client(CallbackAPIVersion.VERSION2).loopForever(), ClientStateError);
  });

  void it('connect() rejects with a ConnectionError (ECONNREFUSED) and never crashes when not awaited', async () => {
    const client = new Client(CallbackAPIVersion.VERSION2);
    client.connectTimeout = 2;
    const error = await client.connect('127.0.0.1', 1).catch((e: unknown) => e);
    assert.ok(error instanceof ConnectionError);
    assert.equal(error.errno, 'ECONNREFUSED');
    void client.connect('127.0.0.1', 1); // an unhandled rejection would fail this test file
    await new Promise((resolve) => setTimeout(resolve, 100));
  });

  void it('external loop: loopRead/loopWrite/loopMisc with the socket hooks', async () => {
    const r = recordingClient(MQTTProtocolVersion.MQTTv311);
    const events: string[] = [];
    r.client.onSocketOpen = () => events.push('open');
    r.client.onSocketRegisterWrite = () => events.push('register');
    r.client.onSocketUnregisterWrite = () => events.push('unregister');
    r.client.onSocketClose = () => events.push('close');
    await r.client.connect(broker.host, broker.port, 60);
    assert.equal(r.client.wantWrite(), true, 'CONNECT waits for loopWrite()');
    assert.deepEqual(events, ['open', 'register']);
    const socket = r.client.socket() as import('node:net').Socket;
    let readable = 0;
    socket.on('data', () => {
      readable += 1;
    });
    assert.equal(r.client.loopWrite(), 0);
    assert.equal(r.client.wantWrite(), false);
    await waitUntil(() => readable > 0, 5000, 'CONNACK bytes');
    assert.equal(r.client.loopRead(), 0);
    assert.equal(r.connacks.length, 1);
    assert.equal(r.client.loopMisc(), 0);
    assert.throws(() => r.client.loop(10), ClientStateError);
    r.client.disconnect();
    r.client.loopWrite();
    await waitUntil(() => r.client.socket() === undefined, 5000, 'close');
    r.client.loopRead();
    assert.deepEqual(events, ['open', 'register', 'unregister', 'register', 'unregister', 'close']);
    assert.equal(r.disconnects.length, 1);
  });
});

void describe('resilience', () => {
  void it('reconnects after the broker restarts, with back-off, and keeps publishing', async () => {
    const r = recordingClient(MQTTProtocolVersion.MQTTv5);
    r.client.reconnectDelaySet(0.05, 0.2);
    r.client.onConnect = (c, _u, _f, rc) => {
      r.connacks.push({ rc: rc.value, sessionPresent: false });
      c.subscribe(`${topic}/#`, 1); // subscribing in onConnect renews it after a reconnect
    };
    const topic = uniqueId('rst');
    await connected(r, broker.host, broker.port);
    await waitUntil(() => r.subacks.length === 1, 5000, 'SUBACK');
    await within(broker.restart(), 10000, 'broker restart');
    await waitUntil(() => r.connacks.length >= 2 && r.subacks.length >= 2, 10000, 'reconnect');
    assert.ok(r.disconnects.length >= 1);
    await r.client.publish(`${topic}/after`, 'back', 1).waitForPublish(5000);
    await waitUntil(() => r.messages.some((m) => text(m) === 'back'), 5000, 'message after restart');
    await shutdown(r);
  });

  void it('a callback that throws is logged at error level and the client goes on', async () => {
    const r = recordingClient(MQTTProtocolVersion.MQTTv311);
    let calls = 0;
    r.client.onMessage = (_c, _u, message) => {
      calls += 1;
      r.messages.push(message);
      throw new Error('boom in onMessage');
    };
    r.client.onPublish = () => Promise.reject(new Error('async boom in onPublish'));
    await connected(r, broker.host, broker.port);
    try {
      const topic = uniqueId('thr');
      await subscribed(r, topic, 1);
      await r.client.publish(topic, 'a', 1).waitForPublish(5000);
      await r.client.publish(topic, 'b', 1).waitForPublish(5000);
      await waitUntil(() => calls === 2, 5000, 'two messages');
      await waitUntil(() => r.logs.filter((l) => l.level === 8).length >= 4, 5000, 'error logs');
      assert.ok(r.logs.some((l) => l.level === 8 && l.message.includes('boom in onMessage')));
      assert.ok(r.logs.some((l) => l.level === 8 && l.message.includes('async boom in onPublish')));
      assert.equal(r.client.isConnected(), true);
    } finally {
      await shutdown(r);
    }
  });

  void it('manual ack: QoS 1 is acknowledged only by ack(); unacknowledged messages come back on reconnect', async () => {
    const clientId = uniqueId('mack');
    const r = recordingClient(MQTTProtocolVersion.MQTTv311, {
      clientId,
      cleanSession: false,
      manualAck: true,
    });
    const topic = uniqueId('mackt');
    await connected(r, broker.host, broker.port);
    await subscribed(r, topic, 1);
    const sender = recordingClient(MQTTProtocolVersion.MQTTv311);
    await connected(sender, broker.host, broker.port);
    // PUBACKs go out in the order the PUBLISHes came [MQTT-4.6.0-2], so the first one is acknowledged.
    await sender.client.publish(topic, 'acked', 1).waitForPublish(5000);
    await sender.client.publish(topic, 'unacked', 1).waitForPublish(5000);
    await waitUntil(() => r.messages.length === 2, 5000, 'two messages');
    const acked = r.messages.find((m) => text(m) === 'acked');
    assert.ok(acked);
    assert.equal(r.client.ack(acked.mid, 1), 0);
    await shutdown(r);
    // The broker redelivers what was not acknowledged (DUP) when the session resumes.
    const again = recordingClient(MQTTProtocolVersion.MQTTv311, { clientId, cleanSession: false });
    await connected(again, broker.host, broker.port);
    await waitUntil(() => again.messages.length >= 1, 5000, 'redelivery');
    assert.deepEqual(again.messages.map(text), ['unacked']);
    assert.equal(again.messages[0].dup, true);
    await shutdown(again);
    await shutdown(sender);
  });
  void it('connect() on a connected client replaces the connection', async () => {
    const r = recordingClient(MQTTProtocolVersion.MQTTv311);
    await connected(r, broker.host, broker.port);
    await r.client.connect(broker.host, broker.port, 30);
    await waitUntil(() => r.connacks.length === 2, 5000, 'second CONNACK');
    assert.equal(r.disconnects.length, 1);
    assert.equal(r.client.keepalive, 30);
    assert.equal(r.client.isConnected(), true);
    await shutdown(r);
  });
});

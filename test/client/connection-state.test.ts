/**
 * The client's behaviour without a socket: an in-memory transport to a scripted broker and a fake clock
 * (test/support/memory-transport.ts). Every state transition, each loop mode, reconnect and its back-off
 * bounds, dispatch order and exceptions in callbacks. Nothing here waits on real time.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { connectionOf } from '../../src/client/client.js';
import type { ConnectionTransition } from '../../src/client/connection.js';
import { reconnectDelayMs } from '../../src/client/reconnect-policy.js';
import { RUNTIME } from '../../src/client/runtime.js';
import {
  CallbackAPIVersion,
  Client,
  ConnectionError,
  MQTTErrorCode,
  MQTTProtocolVersion,
  PacketType,
  type ClientOptions,
} from '../../src/index.js';
import { MemoryBroker, settle } from '../support/memory-transport.js';

interface Harness {
  broker: MemoryBroker;
  client: Client<unknown>;
  transitions: string[];
  events: string[];
}

function harness(options: ClientOptions<unknown> = {}): Harness {
  const broker = new MemoryBroker();
  const withRuntime = { protocol: MQTTProtocolVersion.MQTTv311, ...options, [RUNTIME]: broker.runtime };
  const client = new Client(CallbackAPIVersion.VERSION2, withRuntime);
  const transitions: string[] = [];
  const events: string[] = [];
  connectionOf(client).onTransition((t: ConnectionTransition) =>
    transitions.push(`${t.from.kind}>${t.to.kind}`),
  );
  client.onConnect = (_c, _u, _f, rc) => events.push(`connect ${rc.value}`);
  client.onDisconnect = (_c, _u, _f, rc) => {
    events.push(`disconnect ${rc.value} state=${connectionOf(client).state.kind}`);
  };
  client.onConnectFail = () => events.push('connect-fail');
  return { broker, client, transitions, events };
}

const state = (h: Harness): string => connectionOf(h.client).state.kind;

void describe('Connection state, in memory with a fake clock', () => {
  void it('loopStart() + connect(): idle > opening > open > connected, then disconnect(): closing > idle', async () => {
    const h = harness();
    h.client.loopStart();
    await h.client.connect('broker.test', 1883, 60);
    await settle();
    assert.deepEqual(h.transitions, ['idle>opening', 'opening>open', 'open>connected']);
    assert.equal(h.client.isConnected(), true);
    assert.deepEqual(h.events, ['connect 0']);
    assert.equal(h.client.disconnect(), MQTTErrorCode.MQTT_ERR_SUCCESS);
    assert.equal(state(h), 'closing');
    assert.equal(h.client.isConnected(), false);
    await settle();
    assert.deepEqual(h.transitions.slice(3), ['connected>closing', 'closing>idle']);
    assert.equal(h.client.loopMode, 'none', 'disconnect() ends the background loop');
    assert.equal(h.broker.last.received.at(-1)?.type, PacketType.DISCONNECT);
  });

  void it('a lost connection: the reconnect is scheduled before onDisconnect runs, then made when the delay is over', async () => {
    const h = harness();
    h.broker.randoms = [0];
    h.client.reconnectDelaySet(2, 16);
    h.client.loopStart();
    await h.client.connect('broker.test', 1883, 60);
    await settle();
    h.broker.last.cut();
    await settle();
    assert.deepEqual(h.events, ['connect 0', 'disconnect 128 state=waiting']);
    assert.equal(state(h), 'waiting');
    const waiting = connectionOf(h.client).state;
    assert.ok(waiting.kind === 'waiting' && waiting.delayMs === 2000);
    await h.broker.clock.advance(1999);
    assert.equal(h.broker.links.length, 1, 'not before the delay');
    await h.broker.clock.advance(1);
    assert.equal(h.broker.links.length, 2);
    assert.deepEqual(h.transitions.slice(3), [
      'connected>idle',
      'idle>waiting',
      'waiting>idle',
      'idle>opening',
      'opening>open',
      'open>connected',
    ]);
    h.client.loopStop();
  });

  void it('disconnect() inside onDisconnect overrides the scheduled reconnect', async () => {
    const h = harness();
    h.client.onDisconnect = (client) => {
      client.disconnect();
    };
    h.client.loopStart();
    await h.client.connect('broker.test', 1883, 60);
    await settle();
    h.broker.last.cut();
    await settle();
    assert.equal(state(h), 'idle');
    assert.equal(h.broker.clock.pending, 0, 'no reconnect timer left');
    assert.equal(h.client.loopMode, 'none');
  });

  void it('back-off: failed attempts double the delay up to the maximum, jitter stays in [delay * (1 - jitter), delay]', async () => {
    const h = harness({ reconnectJitter: 0.5 });
    h.broker.randoms = [0.999, 0];
    h.client.reconnectDelaySet(1, 8);
    h.broker.refuseOpens = 5;
    h.client.connectAsync('broker.test', 1883, 60);
    h.client.loopStart();
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      await settle();
      const s = connectionOf(h.client).state;
      assert.equal(s.kind, 'waiting', `attempt ${i} failed and waits`);
      if (s.kind !== 'waiting') return;
      delays.push(s.delayMs);
      await h.broker.clock.advance(s.delayMs);
    }
    const nominal = [1000, 2000, 4000, 8000, 8000];
    delays.forEach((delay, i) => {
      assert.ok(
        delay >= nominal[i] * 0.5 && delay <= nominal[i],
        `delay ${i}: ${delay} ms within its bounds`,
      );
    });
    assert.equal(delays[0], Math.round(1000 * (1 - 0.5 * 0.999)));
    assert.equal(delays[1], 2000);
    await settle();
    assert.equal(h.client.isConnected(), true, 'the sixth attempt connects');
    assert.equal(h.events.filter((e) => e === 'connect-fail').length, 5);
    // A CONNACK alone does not reset the back-off (backoff-stable.test.ts): a connection that stays up does.
    assert.equal(connectionOf(h.client).backoff.attempt, 5, 'the CONNACK alone keeps the count');
    h.client.loopStop();
  });

  void it('the policy itself: a pure function of the attempt, its settings and a random number', () => {
    const settings = { minDelayS: 1, maxDelayS: 120, jitter: 0.5 };
    assert.equal(reconnectDelayMs(0, undefined, settings, 0), 1000);
    assert.equal(reconnectDelayMs(3, new Error('x'), settings, 0), 8000);
    assert.equal(reconnectDelayMs(40, undefined, settings, 0), 120_000);
    assert.equal(reconnectDelayMs(0, undefined, settings, 0.999999), 500);
    assert.equal(reconnectDelayMs(2, undefined, { ...settings, jitter: 0 }, 0.7), 4000);
  });

  void it('manual loop(): nothing is dispatched until loop(); a lost connection returns CONN_LOST and is not retried', async () => {
    const h = harness();
    await h.client.connect('broker.test', 1883, 60);
    await settle();
    assert.deepEqual(h.events, [], 'CONNACK held until loop()');
    assert.equal(h.client.isConnected(), false);
    assert.equal(await h.client.loop(10), MQTTErrorCode.MQTT_ERR_SUCCESS);
    assert.deepEqual(h.events, ['connect 0']);
    assert.equal(h.client.isConnected(), true);
    h.broker.last.cut();
    await settle();
    assert.equal(state(h), 'idle', 'the transport is gone at once');
    assert.equal(await h.client.loop(10), MQTTErrorCode.MQTT_ERR_CONN_LOST);
    assert.deepEqual(h.events, ['connect 0', 'disconnect 128 state=idle']);
    assert.equal(await h.client.loop(10), MQTTErrorCode.MQTT_ERR_NO_CONN);
    assert.equal(h.broker.links.length, 1, 'never reconnects');
  });

  void it('external loop: writes wait for loopWrite() with register/unregister hooks; loopRead() dispatches', async () => {
    const h = harness();
    const hooks: string[] = [];
    h.client.onSocketRegisterWrite = () => hooks.push('register');
    h.client.onSocketUnregisterWrite = () => hooks.push('unregister');
    assert.equal(h.client.loopRead(), MQTTErrorCode.MQTT_ERR_NO_CONN);
    await h.client.connect('broker.test', 1883, 60);
    assert.equal(h.client.wantWrite(), true, 'the CONNECT waits');
    assert.deepEqual(hooks, ['register']);
    await settle();
    assert.equal(h.broker.last.received.length, 0);
    assert.equal(h.client.loopWrite(), MQTTErrorCode.MQTT_ERR_SUCCESS);
    assert.deepEqual(hooks, ['register', 'unregister']);
    await settle();
    assert.equal(h.broker.last.received[0]?.type, PacketType.CONNECT);
    assert.equal(h.client.loopRead(), MQTTErrorCode.MQTT_ERR_SUCCESS);
    assert.deepEqual(h.events, ['connect 0']);
    assert.throws(() => h.client.loopStart(), /do not mix loop modes/);
  });

  void it('loopForever(): a failed first connection rejects it; retryFirstConnection retries; disconnect() resolves it', async () => {
    const h = harness();
    h.broker.refuseOpens = 1;
    h.client.connectAsync('broker.test', 1883, 60);
    await assert.rejects(h.client.loopForever(), ConnectionError);
    assert.equal(h.client.loopMode, 'none');

    const r = harness();
    r.broker.refuseOpens = 1;
    r.client.connectAsync('broker.test', 1883, 60);
    const done = r.client.loopForever({ retryFirstConnection: true });
    await settle();
    assert.equal(state(r), 'waiting');
    await r.broker.clock.advance(1000);
    assert.equal(r.client.isConnected(), true);
    r.client.disconnect();
    assert.equal(await done, MQTTErrorCode.MQTT_ERR_SUCCESS);
  });

  void it('dispatch order: filter callbacks instead of onMessage, then the auto-ack; a throwing callback is reported and acked', async () => {
    const h = harness();
    const order: string[] = [];
    h.client.onMessage = (_c, _u, m) => order.push(`onMessage ${m.topic}`);
    h.client.messageCallbackAdd('a/#', (_c, _u, m) => {
      order.push(`a/# ${m.topic}`);
      throw new Error('boom');
    });
    h.client.onCallbackError = (_c, _u, error, name) =>
      order.push(`error in ${name}: ${(error as Error).message}`);
    h.client.loopStart();
    await h.client.connect('broker.test', 1883, 60);
    await settle();
    const link = h.broker.last;
    link.send({
      type: PacketType.PUBLISH,
      topic: 'a/b',
      payload: new Uint8Array([1]),
      qos: 1,
      retain: false,
      dup: false,
      packetId: 7,
    });
    link.send({
      type: PacketType.PUBLISH,
      topic: 'z',
      payload: new Uint8Array([2]),
      qos: 0,
      retain: false,
      dup: false,
    });
    await settle();
    assert.deepEqual(order, ['a/# a/b', 'error in the message callback for "a/b": boom', 'onMessage z']);
    const ack = link.received.find((p) => p.type === PacketType.PUBACK);
    assert.ok(ack !== undefined && ack.packetId === 7, 'acknowledged after the callback threw');
    h.client.loopStop();
  });

  void it('suppressExceptions false: the manual loop rethrows a callback exception after the batch', async () => {
    const h = harness();
    h.client.suppressExceptions = false;
    h.client.onConnect = () => {
      throw new Error('from onConnect');
    };
    await h.client.connect('broker.test', 1883, 60);
    await settle();
    await assert.rejects(h.client.loop(10), /from onConnect/);
    assert.equal(h.client.isConnected(), true, 'the client goes on');
  });

  void it('a throwing transition observer is logged and changes nothing', async () => {
    const h = harness();
    const logs: string[] = [];
    h.client.onLog = (_c, _u, _level, message) => logs.push(message);
    connectionOf(h.client).onTransition(() => {
      throw new Error('observer');
    });
    h.client.loopStart();
    await h.client.connect('broker.test', 1883, 60);
    await settle();
    assert.equal(h.client.isConnected(), true);
    assert.ok(logs.some((line) => line.includes('A transition observer failed: Error: observer')));
    assert.ok(logs.some((line) => line === 'Connection open -> connected'));
    h.client.loopStop();
  });

  void it('reconnect() replaces an open connection: connected > replacing > idle > opening', async () => {
    const h = harness();
    h.client.loopStart();
    await h.client.connect('broker.test', 1883, 60);
    await settle();
    await h.client.reconnect();
    await settle();
    assert.deepEqual(h.transitions.slice(3, 6), ['connected>replacing', 'replacing>idle', 'idle>opening']);
    assert.equal(h.broker.links.length, 2);
    assert.equal(h.client.isConnected(), true);
    h.client.loopStop();
  });
});

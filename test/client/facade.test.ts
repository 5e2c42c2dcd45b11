/**
 * The `Client` facade over its parts, without a socket (in-memory transport, fake clock): the shape of the
 * object users and the Paho facade see (accessors and methods on the prototype, callback slots as own
 * properties), settings refused while a connection is open or scheduled, and what the loops do with time:
 * keepalive pings in the background and external loops, a silent broker closing the connection and the
 * reconnect that follows, and `loopStop()`.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { connectionOf } from '../../src/client/client.js';
import { RUNTIME } from '../../src/client/runtime.js';
import {
  CallbackAPIVersion,
  Client,
  ClientStateError,
  MQTTErrorCode,
  MQTTProtocolVersion,
  PacketType,
  type ClientOptions,
} from '../../src/index.js';
import { MemoryBroker, settle } from '../support/memory-transport.js';
import { FIXTURE_PASSWORD, findSecret } from '../support/secrets.js';

function setup(options: ClientOptions<unknown> = {}): { broker: MemoryBroker; client: Client<unknown> } {
  const broker = new MemoryBroker();
  const withRuntime = { protocol: MQTTProtocolVersion.MQTTv311, ...options, [RUNTIME]: broker.runtime };
  const client = new Client(CallbackAPIVersion.VERSION2, withRuntime);
  return { broker, client };
}

const pings = (broker: MemoryBroker, link = broker.links.length - 1): number =>
  broker.links[link]?.received.filter((p) => p.type === PacketType.PINGREQ).length ?? 0;

void describe('Client facade', () => {
  void it('properties and setting methods live on the prototype, callback slots are own properties', () => {
    const { client } = setup();
    const proto = Client.prototype;
    for (const name of ['host', 'port', 'keepalive', 'clientId', 'loopMode', 'currentBroker']) {
      const d = Object.getOwnPropertyDescriptor(proto, name);
      assert.equal(typeof d?.get, 'function', `${name} is an accessor`);
      assert.equal(d?.enumerable, false, `${name} is not enumerable, as a class accessor`);
    }
    for (const name of ['loopMode', 'transport', 'callbackApiVersion', 'willTopic']) {
      assert.equal(Reflect.set(client, name, 'x'), false, `${name} is read-only`);
    }
    for (const name of ['tlsSet', 'willSet', 'usernamePwSet', 'reconnectDelaySet', 'publish', 'loopStart']) {
      const d = Object.getOwnPropertyDescriptor(proto, name);
      assert.equal(typeof d?.value, 'function', `${name} is a method`);
      assert.equal(d?.enumerable, false);
      assert.equal((d?.value as { name: string }).name, name, 'named as a class method');
    }
    assert.equal(Object.hasOwn(client, 'onMessage'), true);
    assert.equal(Object.hasOwn(client, 'port'), false);
    assert.ok(Object.keys(client).includes('onConnect'));
    assert.ok(!Object.keys(client).includes('host'));
    assert.throws(() => {
      (client as unknown as { loopMode: string }).loopMode = 'manual';
    }, TypeError);
    client.port = 1884;
    client.willSet('w/t', 'bye', 1, true);
    assert.equal(client.port, 1884);
    assert.equal(client.willTopic, 'w/t');
    assert.equal(client.maxQueuedMessagesSet(5), client, 'returns the client');
    assert.equal(client.maxQueuedMessages, 5);
  });

  void it('settings are refused while connected or reconnecting, and accepted once disconnected', async () => {
    const { broker, client } = setup();
    client.loopStart();
    await client.connect('broker.test', 1883, 60);
    await settle();
    assert.equal(client.isConnected(), true);
    assert.throws(() => (client.port = 1884), ClientStateError);
    assert.throws(() => client.tlsSet(), ClientStateError);
    assert.throws(() => client.willSet('t'), ClientStateError);
    assert.throws(
      () => client.usernamePwSet('u', FIXTURE_PASSWORD),
      (e: unknown) =>
        e instanceof ClientStateError && findSecret(`${String(e)} ${e.stack ?? ''}`) === undefined,
      'refused while connected, without showing the password',
    );
    client.enableLogger({ debug() {}, info() {}, warn() {}, error() {} });
    client.disableLogger();
    assert.equal(client.logger, undefined, 'the logger may change at any time');
    broker.last.cut();
    await settle();
    assert.equal(connectionOf(client).state.kind, 'waiting');
    assert.throws(() => (client.keepalive = 5), ClientStateError, 'a scheduled reconnect counts as busy');
    client.disconnect();
    assert.equal(connectionOf(client).state.kind, 'idle');
    client.keepalive = 5;
    client.usernamePwSet('u', FIXTURE_PASSWORD);
    assert.equal(client.keepalive, 5);
    assert.equal(client.username, 'u');
    client.loopStop();
  });

  void it('background loop: PINGREQ after keepalive seconds of silence; a broker that does not answer is left, and the loop reconnects', async () => {
    const { broker, client } = setup({ pingTimeoutMs: 2000 });
    const disconnects: number[] = [];
    client.onDisconnect = (_c, _u, _f, rc) => disconnects.push(rc.value);
    client.loopStart();
    await client.connect('broker.test', 1883, 10);
    await settle();
    await broker.clock.advance(9_000);
    assert.equal(pings(broker), 0, 'no ping before the keepalive');
    await broker.clock.advance(1_000);
    assert.equal(pings(broker), 1, 'one ping at 10 s');
    assert.equal(client.isConnected(), true, 'answered');
    broker.answerPings = false;
    await broker.clock.advance(10_000);
    assert.equal(pings(broker), 2);
    await broker.clock.advance(2_000);
    assert.equal(client.isConnected(), false, 'the silent broker was left after the ping timeout');
    assert.equal(disconnects.length, 1);
    assert.equal(connectionOf(client).state.kind, 'waiting', 'a reconnect is scheduled');
    broker.answerPings = true;
    await broker.clock.advance(1_000);
    assert.equal(broker.links.length, 2, 'reconnected after the back-off');
    assert.equal(client.isConnected(), true);
    client.disconnect();
    client.loopStop();
  });

  void it('external loop: loopMisc() drives the keepalive; the PINGREQ waits for loopWrite()', async () => {
    const { broker, client } = setup();
    await client.connect('broker.test', 1883, 10);
    client.loopWrite();
    await settle();
    assert.equal(client.loopRead(), MQTTErrorCode.MQTT_ERR_SUCCESS);
    assert.equal(client.isConnected(), true);
    await broker.clock.advance(10_000);
    assert.equal(pings(broker), 0, 'nothing runs between external loop calls');
    assert.equal(client.loopMisc(), MQTTErrorCode.MQTT_ERR_SUCCESS);
    assert.equal(client.wantWrite(), true, 'the PINGREQ waits');
    assert.equal(client.loopWrite(), MQTTErrorCode.MQTT_ERR_SUCCESS);
    await settle();
    assert.equal(pings(broker), 1);
  });

  void it('loopStop(): a lost connection is no longer retried; a second loopStop() is MQTT_ERR_INVAL', async () => {
    const { broker, client } = setup();
    assert.equal(client.loopStop(), MQTTErrorCode.MQTT_ERR_INVAL, 'nothing to stop');
    client.loopStart();
    assert.equal(client.loopStart(), MQTTErrorCode.MQTT_ERR_INVAL, 'already running');
    await client.connect('broker.test', 1883, 60);
    await settle();
    assert.equal(client.loopStop(), MQTTErrorCode.MQTT_ERR_SUCCESS);
    assert.equal(client.loopMode, 'none');
    broker.last.cut();
    await settle();
    await broker.clock.advance(120_000);
    assert.equal(broker.links.length, 1, 'no reconnect without a background loop');
    assert.equal(connectionOf(client).state.kind, 'idle');
  });

  void it('reinitialise() on a connected client, then loopStart() and connectAndWait(): the old close ends nothing', async () => {
    const { broker, client } = setup();
    client.loopStart();
    await client.connect('broker.test', 1883, 60);
    await settle();
    assert.equal(client.isConnected(), true);
    client.reinitialise('again');
    assert.equal(client.loopMode, 'none');
    await settle(); // the old transport reports its close now
    assert.equal(client.loopStart(), MQTTErrorCode.MQTT_ERR_SUCCESS);
    const result = await client.connectAndWait('broker.test', 1883, 60);
    assert.equal(result.reasonCode.value, 0);
    assert.equal(client.loopMode, 'background');
    assert.equal(broker.links.length, 2);
    assert.equal(client.clientId, 'again');
    client.disconnect();
    client.loopStop();
  });
});

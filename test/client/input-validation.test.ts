/**
 * Bad input throws a typed error (extending MqttError) that says what is allowed, before anything is sent:
 * checked against a real broker through a proxy that counts the bytes the client writes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CallbackAPIVersion,
  Client,
  ClientStateError,
  InvalidArgumentError,
  InvalidTopicError,
  MQTTProtocolVersion,
  MqttError,
  NotSupportedError,
  Properties,
  PacketTypes,
  SubscribeOptions,
  type ClientOptions,
} from '../../src/index.js';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { startBroker, type Broker } from '../support/mosquitto.js';
import { connected, recordingClient, shutdown, sleep } from './helpers.js';

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

void describe('bad input is refused before anything is sent', () => {
  for (const version of [MQTTProtocolVersion.MQTTv311, MQTTProtocolVersion.MQTTv5]) {
    void it(`throws typed errors and writes nothing (protocol ${version})`, async () => {
      const r = recordingClient(version);
      await connected(r, proxy.host, proxy.port);
      await sleep(50);
      const before = proxy.bytesToTarget;
      const c = r.client;
      const refused: [string, () => unknown, new (...args: never[]) => MqttError][] = [
        ['wildcard topic', () => c.publish('a/+/b', 'x'), InvalidTopicError],
        ['# in topic', () => c.publish('a/#', 'x'), InvalidTopicError],
        ['empty topic', () => c.publish('', 'x'), InvalidTopicError],
        ['non-string topic', () => c.publish(42 as unknown as string, 'x'), InvalidArgumentError],
        ['QoS 3', () => c.publish('a/b', 'x', 3), InvalidArgumentError],
        ['QoS -1', () => c.publish('a/b', 'x', -1), InvalidArgumentError],
        ['payload object', () => c.publish('a/b', {} as unknown as string), InvalidArgumentError],
        ['payload too large', () => c.publish('a/b', new Uint8Array(268_435_456)), InvalidArgumentError],
        [
          'retain not boolean',
          () => c.publish('a/b', 'x', 0, 'yes' as unknown as boolean),
          InvalidArgumentError,
        ],
        ['filter # not last', () => c.subscribe('a/#/b'), InvalidTopicError],
        ['filter partial +', () => c.subscribe('a/b+'), InvalidTopicError],
        ['subscribe QoS 3', () => c.subscribe('a/b', 3), InvalidArgumentError],
        ['subscribe empty list', () => c.subscribe([]), InvalidArgumentError],
        ['qos and options', () => c.subscribe('a', 1, new SubscribeOptions(1)), InvalidArgumentError],
        ['bad pair', () => c.subscribe([['a', 5]]), InvalidArgumentError],
        ['unsubscribe bad filter', () => c.unsubscribe(['ok', 'a/#/b']), InvalidTopicError],
        ['unsubscribe empty', () => c.unsubscribe([]), InvalidArgumentError],
        ['ack QoS 7', () => c.ack(1, 7), InvalidArgumentError],
        ['disconnect reason 300', () => c.disconnect(300), InvalidArgumentError],
        ['setter while connected', () => (c.keepalive = 5), ClientStateError],
        ['will while connected', () => c.willSet('w', 'x'), ClientStateError],
      ];
      if (version !== MQTTProtocolVersion.MQTTv5) {
        const props = new Properties(PacketTypes.PUBLISH, { contentType: 'text/plain' });
        refused.push([
          'properties on 3.1.1',
          () => c.publish('a/b', 'x', 0, false, props),
          InvalidArgumentError,
        ]);
        refused.push([
          'noLocal on 3.1.1',
          () => c.subscribe('a', new SubscribeOptions(0, true)),
          InvalidArgumentError,
        ]);
      } else {
        const wrong = new Properties(PacketTypes.SUBSCRIBE);
        refused.push([
          'SUBSCRIBE properties in PUBLISH',
          () => c.publish('a', 'x', 0, false, wrong),
          InvalidArgumentError,
        ]);
      }
      for (const [what, call, type] of refused) {
        assert.throws(call, (error: unknown) => {
          assert.ok(error instanceof type, `${what}: ${String(error)}`);
          assert.ok(error instanceof MqttError);
          assert.match(error.code, /^ERR_MQTT_/);
          return true;
        });
      }
      await sleep(50);
      assert.equal(proxy.bytesToTarget, before, 'no byte was written');
      assert.equal(c.isConnected(), true);
      await shutdown(r);
    });
  }

  void it('control characters in a topic, a filter or a string property are refused: Mosquitto would close the connection, and a stored QoS 1 message would be resent for ever', async () => {
    const r = recordingClient(MQTTProtocolVersion.MQTTv5);
    await connected(r, proxy.host, proxy.port);
    await sleep(50);
    const before = proxy.bytesToTarget;
    const c = r.client;
    assert.throws(() => c.publish('a\tb', 'x', 1), InvalidTopicError);
    assert.throws(() => c.subscribe('a/\u0007/#', 1), InvalidTopicError);
    const userProperty = { userProperties: [['k', 'line\nbreak']] as [string, string][] };
    assert.throws(() => c.publish('a/b', 'x', 1, false, userProperty), /control character U\+000A/);
    assert.throws(
      () => new Properties(PacketTypes.PUBLISH, { contentType: 'text\u0001' }),
      InvalidArgumentError,
    );
    assert.equal(c.stats().packetIdsInUse, 0, 'nothing was queued');
    await sleep(50);
    assert.equal(proxy.bytesToTarget, before, 'no byte was written');
    assert.equal(c.isConnected(), true);
    assert.equal(r.disconnects.length, 0);
    await shutdown(r);
  });

  void it('subscribeBatchSize: a subscribe() with more filters than a SUBSCRIBE may carry throws, nothing is queued', () => {
    const batched = new Client(CallbackAPIVersion.VERSION2, { subscribeBatchSize: 2 });
    const three: [string, number][] = [
      ['a', 0],
      ['b', 0],
      ['c', 0],
    ];
    assert.throws(() => batched.subscribe(three), InvalidArgumentError);
    assert.equal(batched.stats().packetIdsInUse, 0);
    assert.equal(batched.subscribe(three.slice(0, 2))[0], 0, 'two filters are accepted');
  });

  void it('refuses wrong constructor arguments and options', () => {
    assert.throws(() => new Client(CallbackAPIVersion.VERSION1), NotSupportedError);
    assert.throws(() => new Client('my-id' as unknown as CallbackAPIVersion), InvalidArgumentError);
    const bad: ClientOptions<unknown>[] = [
      { clientId: 5 as unknown as string },
      { protocol: 6 as unknown as MQTTProtocolVersion },
      { cleanSession: 'yes' as unknown as boolean },
      { protocol: MQTTProtocolVersion.MQTTv5, cleanSession: true },
      { cleanSession: false },
      { transport: 'carrier-pigeon' as unknown as 'tcp' },
      { maxQueuedBytes: -1 },
      { queueFullPolicy: 'block' as unknown as 'reject' },
      { reconnectJitter: 2 },
      { subscribeBatchSize: -1 },
      { subscribeBatchSize: 1.5 },
      { logger: {} as unknown as Console },
      { unknownOption: 1 } as unknown as ClientOptions<unknown>,
    ];
    for (const options of bad) {
      assert.throws(
        () => new Client(CallbackAPIVersion.VERSION2, options),
        InvalidArgumentError,
        JSON.stringify(options),
      );
    }
    const client = new Client(CallbackAPIVersion.VERSION2);
    assert.throws(() => client.connect('', 1883), InvalidArgumentError);
    assert.throws(() => client.connect('localhost', 70000), InvalidArgumentError);
    assert.throws(() => client.connect('localhost', 1883, -1), InvalidArgumentError);
    assert.throws(() => client.connect('localhost', 1883, 60, '', 0, true), InvalidArgumentError); // cleanStart on 3.1.1
    assert.throws(() => client.reconnectDelaySet(5, 1), InvalidArgumentError);
    assert.throws(() => client.willSet('a/+', 'x'), InvalidTopicError);
    assert.throws(() => client.willSet('a', 'x', 3), InvalidArgumentError);
    assert.throws(() => (client.port = 0), InvalidArgumentError);
    assert.throws(() => client.messageCallbackAdd('a/#/b', () => undefined), InvalidTopicError);
  });
});

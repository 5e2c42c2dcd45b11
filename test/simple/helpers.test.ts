/**
 * The simplified helpers against Mosquitto (round trips, retained, msgCount, MQTT 5 properties, subscribe
 * options, userdata) and against the scripted fake broker (pipelining, refused connection, negative PUBACK,
 * refused SUBACK, lost connection, server DISCONNECT), plus argument errors and timeouts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  Client,
  ConnectionError,
  ConnectionRefusedError,
  InvalidArgumentError,
  InvalidTopicError,
  MQTTProtocolVersion,
  NotSupportedError,
  PacketType,
  PublishError,
  TimeoutError,
  type MQTTMessage,
} from '../../src/index.js';
import * as publish from '../../src/simple/publish.js';
import * as subscribe from '../../src/simple/subscribe.js';
import { ConnectionLostError, SubscribeRefusedError } from '../../src/simple/errors.js';
import { FakeBroker } from '../support/fake-broker.js';
import { startFaultProxy } from '../support/fault-proxy.js';
import { startBroker, type Broker } from '../support/mosquitto.js';
import { FIXTURE_PASSWORD } from '../support/secrets.js';

const T = 10_000; // every helper call in these tests is bounded

/** Waits until Mosquitto's log shows `count` SUBSCRIBEs in total, so a publish after it is received. */
async function subscribed(broker: Broker, count = 1): Promise<void> {
  const deadline = Date.now() + T;
  while ((broker.log().match(/Received SUBSCRIBE/g) ?? []).length < count) {
    if (Date.now() > deadline) throw new Error('no SUBSCRIBE in the broker log');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

void describe('helpers against Mosquitto', () => {
  let broker: Broker;
  let subscribes = 0;
  const at = (): { hostname: string; port: number; timeoutMs: number } => ({
    hostname: broker.host,
    port: broker.port,
    timeoutMs: T,
  });
  before(async () => {
    broker = await startBroker({ websockets: true });
  });
  after(async () => {
    await broker.stop();
  });

  void it(
    'transport websockets with websocket options',
    { skip: !('wsSetOptions' in Client.prototype) },
    async () => {
      const ws = {
        ...at(),
        port: broker.wsPort,
        transport: 'websockets' as const,
        websocket: { path: '/mqtt' },
      };
      const received = subscribe.simple('ws/x', ws);
      await subscribed(broker, ++subscribes);
      await publish.single('ws/x', 'over a WebSocket', { ...ws, qos: 1 });
      assert.equal((await received).payloadString(), 'over a WebSocket');
    },
  );

  void it('single → simple: one message, QoS 1', async () => {
    const received = subscribe.simple('simple/one', { ...at(), qos: 1 });
    await subscribed(broker, ++subscribes);
    const info = await publish.single('simple/one', 'hello', { ...at(), qos: 1 });
    assert.equal(info.isPublished(), true);
    const message = await received;
    assert.equal(message.topic, 'simple/one');
    assert.equal(message.payloadString(), 'hello');
    assert.equal(message.qos, 1);
  });

  void it('multiple (dicts and tuples, mixed QoS) → simple with msgCount: a list, in order', async () => {
    const received = subscribe.simple('multi/+', { ...at(), qos: 2, msgCount: 4 });
    await subscribed(broker, ++subscribes);
    const infos = await publish.multiple(
      [
        { topic: 'multi/a', payload: '1', qos: 2 },
        ['multi/b', '2', 1, false],
        ['multi/c', 3],
        { topic: 'multi/d', payload: new Uint8Array([0, 255]), qos: 1 },
      ],
      at(),
    );
    assert.equal(infos.length, 4);
    const messages = (await received) as MQTTMessage[];
    // MQTT orders messages per QoS only: compare the set, and the payloads by topic.
    const byTopic = new Map(messages.map((m) => [m.topic, m]));
    assert.deepEqual([...byTopic.keys()].sort(), ['multi/a', 'multi/b', 'multi/c', 'multi/d']);
    assert.equal(byTopic.get('multi/c')?.payloadString(), '3');
    assert.deepEqual([...(byTopic.get('multi/d')?.payload ?? [])], [0, 255]);
    assert.deepEqual(
      infos.map((info) => info.isPublished()),
      [true, true, true, true],
    );
  });

  void it('retained: included by default, skipped with retained: false', async () => {
    await publish.single('retained/x', 'kept', { ...at(), qos: 1, retain: true });
    const first = await subscribe.simple('retained/x', at());
    assert.equal(first.retain, true);
    assert.equal(first.payloadString(), 'kept');
    const live = subscribe.simple('retained/#', { ...at(), retained: false });
    await subscribed(broker, (subscribes += 2));
    await publish.single('retained/y', 'live', at());
    const message = await live;
    assert.equal(message.topic, 'retained/y');
    assert.equal(message.retain, false);
    await publish.single('retained/x', null, { ...at(), retain: true }); // clear it
  });

  void it('MQTT 5: publish properties, connect properties and subscribe options reach the broker', async () => {
    const v5 = { ...at(), protocol: MQTTProtocolVersion.MQTTv5 };
    const received = subscribe.simple('v5/props', {
      ...v5,
      subscribeOptions: { qos: 1, noLocal: true },
      subscribeProperties: { userProperties: [['sub', 'yes']] },
      connectProperties: { sessionExpiryInterval: 0, receiveMaximum: 10 },
    });
    await subscribed(broker, ++subscribes);
    await publish.single('v5/props', 'p', {
      ...v5,
      qos: 1,
      properties: { contentType: 'text/plain', userProperties: [['k', 'v']], messageExpiryInterval: 60 },
    });
    const message = await received;
    assert.equal(message.properties.contentType, 'text/plain');
    assert.deepEqual(message.properties.userProperties, [['k', 'v']]);
    assert.ok(broker.log().includes('v5/props (QoS 1)'));
  });

  void it('callback: userdata counts, resolves when the callback disconnects', async () => {
    const userdata = { count: 0, topics: [] as string[] };
    const done = subscribe.callback(
      (client, data, message) => {
        data.topics.push(message.topic);
        data.count += 1;
        if (data.count >= 3) client.disconnect();
      },
      ['cb/a', 'cb/b'],
      { ...at(), userdata },
    );
    await subscribed(broker, ++subscribes);
    await publish.multiple(
      [
        ['cb/a', '1'],
        ['cb/b', '2'],
        ['cb/a', '3'],
      ],
      at(),
    );
    await done;
    assert.ok(userdata.count >= 3);
    assert.deepEqual(userdata.topics.slice(0, 3), ['cb/a', 'cb/b', 'cb/a']);
  });

  void it('will: published by the broker when the helper loses its connection (ConnectionLostError)', async () => {
    const will = subscribe.simple('will/topic', at());
    await subscribed(broker, ++subscribes);
    const proxy = await startFaultProxy({ targetHost: broker.host, targetPort: broker.port });
    try {
      const doomed = subscribe.simple('never', {
        ...at(),
        port: proxy.port,
        will: { topic: 'will/topic', payload: 'bye', qos: 1 },
      });
      await subscribed(broker, ++subscribes);
      proxy.cutAll();
      await assert.rejects(doomed, ConnectionLostError);
      assert.equal((await will).payloadString(), 'bye');
    } finally {
      await proxy.close();
    }
  });

  void it('timeoutMs: rejects with TimeoutError and leaves nothing running', async () => {
    const started = Date.now();
    await assert.rejects(subscribe.simple('nothing/here', { ...at(), timeoutMs: 300 }), TimeoutError);
    assert.ok(Date.now() - started < 5_000);
  });

  void it('an invalid topic rejects with InvalidTopicError', async () => {
    await assert.rejects(publish.single('a/#', 'y', at()), InvalidTopicError);
  });

  void it('auth: Mosquitto accepts anonymous users with any username', async () => {
    const info = await publish.single('auth/x', 'y', {
      ...at(),
      auth: { username: 'user', password: FIXTURE_PASSWORD },
    });
    assert.equal(info.rc, 0);
  });
});

void describe('helpers against the fake broker', () => {
  let fake: FakeBroker;
  before(async () => {
    fake = await FakeBroker.start();
  });
  after(async () => {
    await fake.close();
  });
  const at = (): { hostname: string; port: number; timeoutMs: number } => ({
    hostname: fake.host,
    port: fake.port,
    timeoutMs: T,
  });

  void it('multiple pipelines: every QoS 1 PUBLISH is sent before the first PUBACK', async () => {
    const done = publish.multiple(
      Array.from({ length: 10 }, (_, i) => ({ topic: 'pipe', payload: String(i), qos: 1 })),
      at(),
    );
    const connection = await fake.nextConnection();
    await connection.accept();
    const ids: number[] = [];
    for (let i = 0; i < 10; i++) {
      const packet = await connection.expect(PacketType.PUBLISH);
      ids.push(packet.packetId ?? 0);
    }
    for (const packetId of ids) connection.send({ type: PacketType.PUBACK, packetId, reasonCode: 0 });
    await connection.expect(PacketType.DISCONNECT);
    const infos = await done;
    assert.deepEqual(
      infos.map((info) => info.mid),
      ids,
    );
  });

  void it('a refused connection rejects with ConnectionRefusedError and the reason', async () => {
    const done = publish.single('x', 'y', at());
    const connection = await fake.nextConnection();
    await connection.accept({ reasonCode: 5 });
    const error = await done.then(
      () => assert.fail('should reject'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof ConnectionRefusedError);
    assert.equal(error.reasonCode.getName(), 'Not authorized');
  });

  void it('a negative PUBACK (MQTT 5) rejects with PublishError carrying the reason', async () => {
    const done = publish.single('x', 'y', { ...at(), qos: 1, protocol: MQTTProtocolVersion.MQTTv5 });
    const connection = await fake.nextConnection();
    await connection.accept();
    const packet = await connection.expect(PacketType.PUBLISH);
    connection.send({ type: PacketType.PUBACK, packetId: packet.packetId ?? 0, reasonCode: 0x87 });
    await assert.rejects(done, (e: unknown) => e instanceof PublishError && e.reasonCode?.value === 0x87);
  });

  void it('a refused subscription rejects with SubscribeRefusedError', async () => {
    const done = subscribe.simple(['ok', 'denied'], at());
    const connection = await fake.nextConnection();
    await connection.accept();
    const packet = await connection.expect(PacketType.SUBSCRIBE);
    connection.send({ type: PacketType.SUBACK, packetId: packet.packetId, reasonCodes: [0, 0x80] });
    await assert.rejects(
      done,
      (e: unknown) => e instanceof SubscribeRefusedError && e.message.includes('denied'),
    );
  });

  void it('a lost connection rejects with ConnectionLostError; a server DISCONNECT says so', async () => {
    const lost = subscribe.simple('x', at());
    const first = await fake.nextConnection();
    await first.accept();
    await first.expect(PacketType.SUBSCRIBE);
    first.destroy();
    await assert.rejects(lost, (e: unknown) => e instanceof ConnectionLostError && !e.fromServer);

    const kicked = subscribe.simple('x', { ...at(), protocol: MQTTProtocolVersion.MQTTv5 });
    const second = await fake.nextConnection();
    await second.accept();
    await second.expect(PacketType.SUBSCRIBE);
    second.send({ type: PacketType.DISCONNECT, reasonCode: 0x8b });
    await assert.rejects(
      kicked,
      (e: unknown) => e instanceof ConnectionLostError && e.fromServer && e.reasonCode.value === 0x8b,
    );
  });
});

void describe('helper arguments', () => {
  void it('unreachable broker: ConnectionError', async () => {
    await assert.rejects(
      publish.single('x', 'y', { hostname: '127.0.0.1', port: 1, timeoutMs: T }),
      ConnectionError,
    );
  });

  void it('bad arguments reject before connecting', async () => {
    await assert.rejects(publish.multiple([]), InvalidArgumentError);
    await assert.rejects(subscribe.simple([]), InvalidArgumentError);
    await assert.rejects(subscribe.simple('x', { msgCount: 0 }), InvalidArgumentError);
    await assert.rejects(publish.single('x', 'y', { timeoutMs: -1 }), InvalidArgumentError);
  });

  void it('tls to a plain MQTT port fails the TLS handshake: the option reaches the client', async () => {
    const broker = await startBroker();
    try {
      await assert.rejects(
        publish.single('x', 'y', {
          hostname: broker.host,
          port: broker.port,
          timeoutMs: T,
          tls: { certReqs: 'none' },
        }),
        (e: unknown) =>
          !('tlsSet' in Client.prototype) ? e instanceof NotSupportedError : e instanceof ConnectionError,
      );
    } finally {
      await broker.stop();
    }
  });
});

/**
 * `publishMany()`: a batch in one engine command. Against a real Mosquitto (MQTT 3.1.1 and 5.0): every message
 * arrives, in order, with its own QoS, retain flag and properties; offline, on a `SqliteStore`: the batch is one
 * store `apply()` (one transaction) and every QoS 1/2 message is in the store when the call returns; an invalid
 * message refuses the whole batch before anything is accepted. The kill-after-return durability is fault 4b
 * (test/fault/publisher-kill.test.ts).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  CallbackAPIVersion,
  Client,
  InvalidArgumentError,
  InvalidTopicError,
  MQTTErrorCode,
  MQTTProtocolVersion,
  PacketTypes,
  Properties,
} from '../../src/index.js';
import * as paho from '../../src/paho.js';
import { SqliteStore } from '../../src/sqlite.js';
import { startBroker, type Broker } from '../support/mosquitto.js';
import { connected, recordingClient, shutdown, subscribed, text, uniqueId, waitUntil } from './helpers.js';

let broker: Broker;
void before(async () => {
  broker = await startBroker();
});
void after(async () => {
  await broker.stop();
});

const PROTOCOLS = [
  { name: 'MQTT 3.1.1', version: MQTTProtocolVersion.MQTTv311 },
  { name: 'MQTT 5.0', version: MQTTProtocolVersion.MQTTv5 },
];

for (const { name, version } of PROTOCOLS) {
  void describe(`publishMany() on ${name}`, () => {
    void it('delivers every message of a batch in order, each with its own QoS and retain flag', async () => {
      const sub = recordingClient(version);
      const pub = recordingClient(version);
      await connected(sub, broker.host, broker.port);
      await connected(pub, broker.host, broker.port);
      try {
        const base = uniqueId('many');
        await subscribed(sub, `${base}/#`, 2);
        const count = 300;
        const batch = Array.from({ length: count }, (_, i) =>
          i % 3 === 0
            ? { topic: `${base}/q1`, payload: String(i) }
            : ([`${base}/q1`, String(i)] as [string, string]),
        );
        const infos = pub.client.publishMany(batch, { qos: 1 });
        assert.equal(infos.length, count);
        assert.ok(infos.every((info) => info.rc === MQTTErrorCode.MQTT_ERR_SUCCESS));
        assert.equal(new Set(infos.map((info) => info.mid)).size, count, 'one packet id each');
        // Defaults from the options; a message's own fields win.
        const mixed = pub.client.publishMany(
          [
            { topic: `${base}/q0`, payload: 'zero', qos: 0 },
            [`${base}/q2`, 'two', 2],
            { topic: `${base}/retained`, payload: 'kept', retain: true },
          ],
          { qos: 1 },
        );
        await Promise.all([...infos, ...mixed].map((info) => info.waitForPublish(10_000)));
        await waitUntil(() => sub.messages.length >= count + 3, 10_000, `${count + 3} messages`);
        const ordered = sub.messages.filter((m) => m.topic === `${base}/q1`).map(text);
        assert.deepEqual(
          ordered,
          Array.from({ length: count }, (_, i) => String(i)),
          'in publish order',
        );
        const byTopic = new Map(sub.messages.map((m) => [m.topic, m]));
        assert.equal(byTopic.get(`${base}/q0`)?.qos, 0);
        assert.equal(byTopic.get(`${base}/q2`)?.qos, 2);
        assert.equal(byTopic.get(`${base}/retained`)?.qos, 1);
        await pub.client.publish(`${base}/retained`, null, 1, true).waitForPublish(5000); // clear it
      } finally {
        await shutdown(sub);
        await shutdown(pub);
      }
    });
  });
}

void describe('publishMany() with MQTT 5 properties', () => {
  void it('sends each message with its own properties (a Properties object or plain properties)', async () => {
    const sub = recordingClient(MQTTProtocolVersion.MQTTv5);
    const pub = recordingClient(MQTTProtocolVersion.MQTTv5);
    await connected(sub, broker.host, broker.port);
    await connected(pub, broker.host, broker.port);
    try {
      const topic = uniqueId('props');
      await subscribed(sub, topic, 1);
      const properties = new Properties(PacketTypes.PUBLISH);
      properties.contentType = 'text/a';
      const infos = pub.client.publishMany(
        [{ topic, payload: 'a', properties }, [topic, 'b', 1, false, { contentType: 'text/b' }]],
        { qos: 1 },
      );
      await Promise.all(infos.map((info) => info.waitForPublish(5000)));
      await waitUntil(() => sub.messages.length >= 2, 5000, '2 messages');
      assert.deepEqual(
        sub.messages.map((m) => [text(m), m.properties.contentType]),
        [
          ['a', 'text/a'],
          ['b', 'text/b'],
        ],
      );
    } finally {
      await shutdown(sub);
      await shutdown(pub);
    }
  });
});

void describe('publishMany() and the store', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'steady-mqtt-many-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  void it('commits a batch as one store apply(): every QoS 1/2 message is stored when it returns', () => {
    const path = join(dir, `${uniqueId('batch')}.db`);
    const store = new SqliteStore(path);
    const clientId = uniqueId('c');
    const client = new Client(CallbackAPIVersion.VERSION2, { clientId, cleanSession: false, store });
    try {
      const before = client.stats().store;
      const infos = client.publishMany(
        Array.from({ length: 50 }, (_, i) => ({ topic: 'batch/t', payload: `m${i}`, qos: 1 + (i % 2) })),
      );
      const afterBatch = client.stats().store;
      assert.equal(afterBatch.batches - before.batches, 1, 'one apply() for the batch');
      assert.equal(afterBatch.operations - before.operations, 50, 'one putOutgoing per message');
      // Read back through a second connection to the file: committed, not only in the writer's memory.
      const reader = new SqliteStore(path);
      try {
        const stored = reader.load(clientId).outgoing;
        assert.deepEqual(
          stored.map((record) => new TextDecoder().decode(record.payload)),
          infos.map((_, i) => `m${i}`),
        );
        assert.deepEqual(
          stored.map((record) => record.packetId),
          infos.map((info) => info.mid),
        );
      } finally {
        reader.close();
      }
      // publish() one at a time, for contrast: one apply() each.
      client.publish('batch/t', 'x', 1);
      client.publish('batch/t', 'y', 1);
      assert.equal(client.stats().store.batches - afterBatch.batches, 2);
    } finally {
      client.reinitialise();
      store.close();
    }
  });

  void it('refuses the whole batch when one message is invalid, before anything is accepted', () => {
    const path = join(dir, `${uniqueId('invalid')}.db`);
    const store = new SqliteStore(path);
    const clientId = uniqueId('c');
    const client = new Client(CallbackAPIVersion.VERSION2, { clientId, cleanSession: false, store });
    try {
      const good = { topic: 'ok/t', payload: 'ok', qos: 1 };
      assert.throws(
        () => client.publishMany([good, good, { topic: 'bad/#', payload: 'x', qos: 1 }, good]),
        (error: unknown) =>
          error instanceof InvalidTopicError && /^publishMany\(\): message 2: /.test(error.message),
      );
      assert.throws(
        () => client.publishMany([good, { topic: 'ok/t', qos: 3 }]),
        (error: unknown) => error instanceof InvalidArgumentError && /message 1: /.test(error.message),
      );
      assert.throws(
        () => client.publishMany([good, null as never]),
        (error: unknown) => error instanceof InvalidArgumentError && /message 1: must be/.test(error.message),
      );
      assert.throws(() => client.publishMany('ok/t' as never), InvalidArgumentError);
      assert.throws(() => client.publishMany([good], { qos: 5 }), InvalidArgumentError);
      assert.throws(() => client.publishMany([good], { retain: 'yes' as never }), InvalidArgumentError);
      const stats = client.stats();
      assert.equal(stats.queued.messages, 0, 'nothing queued');
      assert.equal(stats.store.operations, 0, 'nothing stored');
      assert.deepEqual(store.load(clientId).outgoing, []);
      assert.deepEqual(client.publishMany([]), [], 'an empty batch is accepted and does nothing');
    } finally {
      client.reinitialise();
      store.close();
    }
  });

  void it('refuses a Topic Alias in a batch (checked against the connection, so not before the batch)', () => {
    const client = new Client(CallbackAPIVersion.VERSION2, { protocol: MQTTProtocolVersion.MQTTv5 });
    try {
      assert.throws(
        () => client.publishMany([{ topic: 'a/b', payload: 'x' }, ['a/b', 'y', 1, false, { topicAlias: 1 }]]),
        (error: unknown) =>
          error instanceof InvalidArgumentError &&
          /message 1: publishMany\(\) takes no topicAlias/.test(error.message),
      );
      assert.equal(client.stats().queued.messages, 0, 'nothing queued');
    } finally {
      client.reinitialise();
    }
  });
});

void describe('publish_many() on the Paho facade', () => {
  void it('takes dicts and tuples, with a facade Properties inside a dict', async () => {
    const sub = recordingClient(MQTTProtocolVersion.MQTTv5);
    await connected(sub, broker.host, broker.port);
    const client = new paho.Client(paho.CallbackAPIVersion.VERSION2, {
      client_id: uniqueId('paho'),
      protocol: paho.MQTTv5,
    });
    try {
      const topic = uniqueId('facade');
      await subscribed(sub, topic, 1);
      client.loop_start();
      await client.connect_and_wait(broker.host, broker.port);
      const properties = new paho.Properties(paho.PacketTypes.PUBLISH);
      properties.ContentType = 'text/paho';
      const infos = client.publish_many(
        [{ topic, payload: 'dict', qos: 1, properties }, [topic, 'tuple', 1]],
        { qos: 0 },
      );
      assert.equal(infos.length, 2);
      for (const info of infos) await info.wait_for_publish(5);
      await waitUntil(() => sub.messages.length >= 2, 5000, '2 messages');
      assert.deepEqual(
        sub.messages.map((m) => [text(m), m.qos, m.properties.contentType]),
        [
          ['dict', 1, 'text/paho'],
          ['tuple', 1, undefined],
        ],
      );
    } finally {
      await client.disconnect_and_wait();
      client.loop_stop();
      await shutdown(sub);
    }
  });
});

/**
 * Publish/subscribe against a real Mosquitto on MQTT 3.1, 3.1.1 and 5.0: every QoS pair, retained messages,
 * unsubscribe, overlapping subscriptions, per-filter callbacks and the seed's `$SYS/#` example.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MQTTProtocolVersion, SubscribeOptions, type MQTTMessage } from '../../src/index.js';
import { startBroker, type Broker } from '../support/mosquitto.js';
import {
  PROTOCOLS,
  connected,
  recordingClient,
  shutdown,
  subscribed,
  text,
  uniqueId,
  waitUntil,
} from './helpers.js';

let broker: Broker;
void before(async () => {
  broker = await startBroker({ config: 'sys_interval 1' });
});
void after(async () => {
  await broker.stop();
});

for (const { name, version } of PROTOCOLS) {
  void describe(`publish/subscribe on ${name}`, () => {
    void it('delivers at every QoS pair with the lower QoS', async () => {
      const sub = recordingClient(version);
      const pub = recordingClient(version);
      await connected(sub, broker.host, broker.port);
      await connected(pub, broker.host, broker.port);
      try {
        const base = uniqueId('qos');
        for (const subQos of [0, 1, 2]) {
          assert.deepEqual(await subscribed(sub, `${base}/${subQos}/#`, subQos), [subQos]);
        }
        const infos = [];
        for (const subQos of [0, 1, 2]) {
          for (const pubQos of [0, 1, 2]) {
            infos.push(pub.client.publish(`${base}/${subQos}/${pubQos}`, `s${subQos}p${pubQos}`, pubQos));
          }
        }
        await Promise.all(infos.map((info) => info.waitForPublish(5000)));
        for (const info of infos) assert.equal(info.isPublished(), true);
        await waitUntil(() => sub.messages.length >= 9, 5000, '9 messages');
        for (const subQos of [0, 1, 2]) {
          for (const pubQos of [0, 1, 2]) {
            const message = sub.messages.find((m) => m.topic === `${base}/${subQos}/${pubQos}`);
            assert.ok(message, `message s${subQos}p${pubQos}`);
            assert.equal(text(message), `s${subQos}p${pubQos}`);
            assert.equal(message.qos, Math.min(subQos, pubQos));
          }
        }
        assert.equal(pub.published.length, 9);
        assert.ok(pub.published.every((p) => p.rc === 0));
      } finally {
        await shutdown(sub);
        await shutdown(pub);
      }
    });

    void it('receives retained messages on subscribing, flagged retain', async () => {
      const client = recordingClient(version);
      await connected(client, broker.host, broker.port);
      try {
        const topic = `${uniqueId('ret')}/state`;
        await client.client.publish(topic, 'on', 1, true).waitForPublish(5000);
        await subscribed(client, topic, 1);
        await waitUntil(() => client.messages.length === 1, 5000, 'retained message');
        assert.equal(client.messages[0].retain, true);
        assert.equal(text(client.messages[0]), 'on');
        await client.client.publish(topic, null, 1, true).waitForPublish(5000); // clear it
      } finally {
        await shutdown(client);
      }
    });

    void it('stops delivering after unsubscribe, and calls onUnsubscribe', async () => {
      const client = recordingClient(version);
      let unsubscribedMid = -1;
      let unsubscribeCodes: number[] | undefined;
      client.client.onUnsubscribe = (_c, _u, mid, codes) => {
        unsubscribedMid = mid;
        unsubscribeCodes = codes.map((code) => code.value);
      };
      await connected(client, broker.host, broker.port);
      try {
        const topic = `${uniqueId('uns')}/a`;
        await subscribed(client, topic, 1);
        await client.client.publish(topic, 'one', 1).waitForPublish(5000);
        await waitUntil(() => client.messages.length === 1, 5000, 'first message');
        const [rc, mid] = client.client.unsubscribe([topic]);
        assert.equal(rc, 0);
        await waitUntil(() => unsubscribedMid === mid, 5000, 'UNSUBACK');
        assert.deepEqual(unsubscribeCodes, version === 5 ? [0] : []);
        await client.client.publish(topic, 'two', 1).waitForPublish(5000);
        // A message published after the UNSUBACK must not arrive: a round trip on another topic proves it.
        await subscribed(client, `${topic}/probe`, 1);
        await client.client.publish(`${topic}/probe`, 'probe', 1).waitForPublish(5000);
        await waitUntil(() => client.messages.length === 2, 5000, 'probe');
        assert.deepEqual(client.messages.map(text), ['one', 'probe']);
      } finally {
        await shutdown(client);
      }
    });

    void it('runs every matching per-filter callback, and onMessage only when none matched', async () => {
      const client = recordingClient(version);
      const seen: string[] = [];
      const base = uniqueId('cb');
      client.client.messageCallbackAdd(`${base}/+/temp`, (_c, _u, m) => {
        seen.push(`plus:${m.topic}`);
      });
      client.client.messageCallbackAdd(`${base}/#`, (_c, _u, m) => {
        seen.push(`hash:${m.topic}`);
      });
      await connected(client, broker.host, broker.port);
      try {
        // Overlapping subscriptions: Mosquitto sends one copy per matching subscription (3.x) or one (5.0).
        await subscribed(client, [
          [`${base}/#`, 1],
          [`${base}/room/temp`, new SubscribeOptions(1)],
        ]);
        await subscribed(client, 'other/' + base, 0);
        client.client.publish(`${base}/room/temp`, '21', 1);
        client.client.publish(`other/${base}`, 'x', 1);
        client.client.publish(`${base}/room/humidity`, '40', 1);
        await waitUntil(() => seen.some((s) => s.endsWith('humidity')), 5000, 'messages');
        await waitUntil(() => client.messages.length === 1, 5000, 'onMessage');
        assert.ok(seen.includes(`plus:${base}/room/temp`));
        assert.ok(seen.includes(`hash:${base}/room/temp`));
        assert.ok(seen.includes(`hash:${base}/room/humidity`));
        assert.ok(!seen.some((s) => s.startsWith('plus') && s.endsWith('humidity')));
        assert.deepEqual(
          client.messages.map((m: MQTTMessage) => m.topic),
          [`other/${base}`],
        );
        client.client.messageCallbackRemove(`${base}/#`);
        client.client.messageCallbackRemove('never/added');
        const before = seen.length;
        client.client.publish(`${base}/room/humidity`, '41', 1);
        await waitUntil(() => client.messages.length === 2, 5000, 'onMessage after remove');
        assert.equal(seen.length, before);
      } finally {
        await shutdown(client);
      }
    });

    void it("runs the seed's example: subscribe to $SYS/# in onConnect, print messages", async () => {
      const client = recordingClient(version);
      const printed: string[] = [];
      client.client.onConnect = (c) => {
        c.subscribe('$SYS/#');
      };
      client.client.onMessage = (_c, _u, msg) => {
        printed.push(`${msg.topic} ${text(msg)}`);
      };
      void client.client.connect(broker.host, broker.port, 60);
      const loop = client.client.loopForever();
      await waitUntil(() => printed.length >= 3, 5000, '$SYS messages');
      assert.ok(printed.every((line) => line.startsWith('$SYS/')));
      client.client.disconnect();
      assert.equal(await loop, 0);
    });
  });
}

void describe('calls made without awaiting, and messages()', () => {
  void it('queues publish and subscribe made before the connection, in order', async () => {
    const topic = uniqueId('early');
    const r = recordingClient(MQTTProtocolVersion.MQTTv311);
    // Nothing is awaited: subscribe and publish are queued behind the CONNECT.
    void r.client.connect(broker.host, broker.port, 60);
    r.client.subscribe(topic, 1);
    const qos0 = r.client.publish(topic, 'zero', 0);
    const qos1 = r.client.publish(topic, 'one', 1);
    assert.equal(qos0.rc, 0);
    r.client.loopStart();
    await Promise.all([qos0.waitForPublish(5000), qos1.waitForPublish(5000)]);
    await waitUntil(() => r.messages.length === 2, 5000, 'both messages');
    assert.deepEqual(r.messages.map(text), ['zero', 'one']);
    await shutdown(r);
  });

  void it('yields messages from messages() and ends on disconnect()', async () => {
    const topic = uniqueId('iter');
    const r = recordingClient(MQTTProtocolVersion.MQTTv5);
    await connected(r, broker.host, broker.port);
    await subscribed(r, `${topic}/#`, 1);
    const iterator = r.client.messages({ filter: `${topic}/wanted` });
    r.client.publish(`${topic}/other`, 'skip', 1);
    r.client.publish(`${topic}/wanted`, 'first', 1);
    r.client.publish(`${topic}/wanted`, 'second', 1);
    const seen: string[] = [];
    for await (const message of iterator) {
      seen.push(text(message));
      if (seen.length === 2) break;
    }
    assert.deepEqual(seen, ['first', 'second']);
    const open = r.client.messages();
    r.client.disconnect();
    assert.deepEqual(await open.next(), { value: undefined, done: true });
    r.client.loopStop();
  });
});

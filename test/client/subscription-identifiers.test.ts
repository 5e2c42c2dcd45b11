/**
 * Subscription Identifiers (MQTT 5) pick the per-filter callbacks of a message, against a real Mosquitto, which
 * sends one copy of a message per matching subscription of a client, each with that subscription's identifier.
 * (and 3.1.1 clients one copy in all). Overlapping filters: with identifiers each callback gets each message
 * once; without them (Paho's topic matching) each callback gets every copy.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MQTTProtocolVersion, PacketTypes, Properties, type MQTTMessage } from '../../src/index.js';
import { startBroker, type Broker } from '../support/mosquitto.js';
import { connected, recordingClient, shutdown, uniqueId, waitUntil, type Recorder } from './helpers.js';

let broker: Broker;
void before(async () => {
  broker = await startBroker();
});
void after(async () => {
  await broker.stop();
});

function withIdentifier(id: number): Properties {
  return new Properties(PacketTypes.SUBSCRIBE).addSubscriptionIdentifier(id);
}

/** Who got which message: a per-filter callback (by its filter) or `onMessage`. */
interface Delivery {
  to: string;
  topic: string;
  ids: number[] | undefined;
}

function record(r: Recorder, filters: string[]): Delivery[] {
  const deliveries: Delivery[] = [];
  const note = (to: string, message: MQTTMessage): void => {
    deliveries.push({ to, topic: message.topic, ids: message.properties.subscriptionIdentifiers });
  };
  for (const filter of filters) r.client.messageCallbackAdd(filter, (_c, _u, m) => note(filter, m));
  r.client.onMessage = (_c, _u, m) => note('onMessage', m);
  return deliveries;
}

/**
 * Publishes `topic`, then a marker on `${base}/end` (subscribed apart): Mosquitto delivers a client's messages
 * in order, so every copy of the first has arrived once the marker has.
 */
async function publishAndSettle(r: Recorder, topic: string, base: string, seen: Delivery[]): Promise<void> {
  await r.client.publish(topic, 'm', 1).waitForPublish(5000);
  await r.client.publish(`${base}/end`, 'end', 1).waitForPublish(5000);
  await waitUntil(() => seen.some((d) => d.topic === `${base}/end`), 5000, 'the marker');
}

const counts = (seen: Delivery[], topic: string): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const d of seen) if (d.topic === topic) out[d.to] = (out[d.to] ?? 0) + 1;
  return out;
};

void describe('Subscription Identifiers pick the per-filter callbacks (Mosquitto)', () => {
  void it('overlapping filters with identifiers: each callback once per message, with its identifier', async () => {
    const r = recordingClient(MQTTProtocolVersion.MQTTv5);
    const base = uniqueId('sid');
    const seen = record(r, [`${base}/#`, `${base}/+`]);
    try {
      await connected(r, broker.host, broker.port);
      await r.client.subscribeAndWait(`${base}/#`, 1, undefined, withIdentifier(1));
      await r.client.subscribeAndWait(`${base}/+`, 1, undefined, withIdentifier(2));
      await r.client.subscribeAndWait(`${base}/end`, 1); // the marker's own subscription, no identifier
      await publishAndSettle(r, `${base}/x`, base, seen);
      assert.deepEqual(counts(seen, `${base}/x`), { [`${base}/#`]: 1, [`${base}/+`]: 1 });
      assert.deepEqual(seen.find((d) => d.to === `${base}/#`)?.ids, [1]);
      assert.deepEqual(seen.find((d) => d.to === `${base}/+` && d.topic === `${base}/x`)?.ids, [2]);
      // A topic only one of them matches: that callback alone, once.
      await publishAndSettle(r, `${base}/x/y`, base, seen);
      assert.deepEqual(counts(seen, `${base}/x/y`), { [`${base}/#`]: 1 });
    } finally {
      await shutdown(r);
    }
  });

  void it('a copy for a subscription without an identifier goes to onMessage once, not to the others', async () => {
    const r = recordingClient(MQTTProtocolVersion.MQTTv5);
    const base = uniqueId('sid');
    const seen = record(r, [`${base}/#`, `${base}/+`]);
    try {
      await connected(r, broker.host, broker.port);
      await r.client.subscribeAndWait(`${base}/#`, 1, undefined, withIdentifier(5));
      await r.client.subscribeAndWait(`${base}/+`, 1, undefined, withIdentifier(6));
      await r.client.subscribeAndWait(`${base}/x`, 1); // overlaps both, no identifier, no callback
      await r.client.subscribeAndWait(`${base}/end`, 1);
      await publishAndSettle(r, `${base}/x`, base, seen);
      // Three copies: [5], [6] and one without identifiers (for `${base}/x`, which has no callback).
      assert.deepEqual(counts(seen, `${base}/x`), {
        [`${base}/#`]: 1,
        [`${base}/+`]: 1,
        onMessage: 1,
      });
      assert.equal(seen.find((d) => d.to === 'onMessage' && d.topic === `${base}/x`)?.ids, undefined);
    } finally {
      await shutdown(r);
    }
  });

  void it('an identifier replaced by a SUBSCRIBE without one: back to topic matching', async () => {
    const r = recordingClient(MQTTProtocolVersion.MQTTv5);
    const base = uniqueId('sid');
    const seen = record(r, [`${base}/#`, `${base}/+`]);
    try {
      await connected(r, broker.host, broker.port);
      await r.client.subscribeAndWait(`${base}/#`, 1, undefined, withIdentifier(1));
      await r.client.subscribeAndWait(`${base}/+`, 1, undefined, withIdentifier(2));
      await r.client.subscribeAndWait(`${base}/end`, 1);
      // [MQTT-3.8.4-3]: the same filters again, without identifiers, replace both subscriptions.
      await r.client.subscribeAndWait(`${base}/#`, 1);
      await r.client.subscribeAndWait(`${base}/+`, 1);
      await publishAndSettle(r, `${base}/x`, base, seen);
      // Two copies, neither with an identifier: every callback gets each (Paho).
      assert.deepEqual(counts(seen, `${base}/x`), { [`${base}/#`]: 2, [`${base}/+`]: 2 });
    } finally {
      await shutdown(r);
    }
  });

  // Mosquitto sends MQTT 5 clients one copy per matching subscription and 3.1.1 clients one in all.
  const copiesByProtocol = [
    [MQTTProtocolVersion.MQTTv311, '3.1.1', 1],
    [MQTTProtocolVersion.MQTTv5, '5', 2],
  ] as const;
  for (const [protocol, name, copies] of copiesByProtocol) {
    void it(`without identifiers (MQTT ${name}): every matching callback for each copy, as Paho`, async () => {
      const r = recordingClient(protocol);
      const base = uniqueId('sid');
      const seen = record(r, [`${base}/#`, `${base}/+`]);
      try {
        await connected(r, broker.host, broker.port);
        await r.client.subscribeAndWait(`${base}/#`, 1);
        await r.client.subscribeAndWait(`${base}/+`, 1);
        await r.client.subscribeAndWait(`${base}/end`, 1);
        await publishAndSettle(r, `${base}/x`, base, seen);
        assert.deepEqual(counts(seen, `${base}/x`), { [`${base}/#`]: copies, [`${base}/+`]: copies });
        assert.ok(seen.every((d) => d.ids === undefined));
      } finally {
        await shutdown(r);
      }
    });
  }
});

/**
 * `messages()` under a flood, against Mosquitto: 10,000 QoS 1 and 10,000 QoS 2 messages into a slow
 * `for await` consumer whose iterator holds 50. Every message arrives (each was acknowledged to the broker when
 * it was dispatched, so dropping one would lose it), no QoS 2 message twice, and what waits for the consumer
 * stays within the limit plus one socket read: the client stops reading while the iterator is full. And an
 * iterator nobody pulls holds the connection's reading until it ends, then the rest flows.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MQTTProtocolVersion, type MQTTMessage } from '../../src/index.js';
import { startBroker, type Broker } from '../support/mosquitto.js';
import { connected, recordingClient, shutdown, sleep, subscribed, uniqueId, waitUntil } from './helpers.js';

const PER_QOS = 10_000;
const LIMIT = 50;
/** The consumer sleeps this long every `SLOW_EVERY` messages: a few thousand a second, slower than the flood. */
const SLOW_MS = 2;
const SLOW_EVERY = 10;
/** A socket read (64 KiB) holds at most this many of the test's PUBLISH packets (each over 20 bytes). */
const ONE_READ = Math.ceil(65_536 / 20);
/**
 * Bun's `socket.pause()` lets more than one read through (3,349 and 8,874 messages waited in two runs; nothing
 * lost): there the bound on waiting messages is not one read, and only the heap bound is asserted
 * (docs/runtimes.md).
 */
const PAUSE_STOPS_WITHIN_ONE_READ = !('Bun' in globalThis);

let broker: Broker;
void before(async () => {
  // Mosquitto's defaults (20 in flight, 1,000 queued) would hold the flood in the broker; these let it reach
  // the client as fast as the socket takes it.
  broker = await startBroker({ maxInflightMessages: 1000, maxQueuedMessages: 100_000, quietLog: true });
});
void after(async () => {
  await broker.stop();
});

function sequence(message: MQTTMessage): number {
  return Number(message.payloadString());
}

for (const { name, version } of [
  { name: 'MQTT 3.1.1', version: MQTTProtocolVersion.MQTTv311 },
  { name: 'MQTT 5.0', version: MQTTProtocolVersion.MQTTv5 },
]) {
  void describe(`messages() under a flood on ${name}`, () => {
    void it(`a slow consumer gets all ${2 * PER_QOS} QoS 1 and 2 messages, no QoS 2 twice, memory bounded`, async () => {
      const topic = uniqueId('flood');
      const sub = recordingClient(version);
      const pub = recordingClient(version);
      pub.client.maxInflightMessagesSet(1000);
      let dispatched = 0;
      sub.client.onMessage = () => {
        dispatched++;
      };
      await connected(sub, broker.host, broker.port);
      await connected(pub, broker.host, broker.port);
      try {
        await subscribed(sub, `${topic}/#`, 2);
        const iterator = sub.client.messages({ bufferSize: LIMIT, filter: `${topic}/#` });
        const heapBefore = process.memoryUsage().heapUsed;
        let peakHeap = heapBefore;
        // The publisher keeps up to 1,000 messages on their way (far faster than the consumer), so the heap
        // figure is the subscriber's, not 20,000 messages queued in the publisher of this same process.
        const producer = (async () => {
          for (let n = 0; n < PER_QOS; n++) {
            pub.client.publish(`${topic}/1`, String(n), 1);
            pub.client.publish(`${topic}/2`, String(n), 2);
            const sent = 2 * (n + 1);
            if (sent % 500 === 0)
              await waitUntil(() => sent - pub.published.length <= 1000, 30_000, "the publisher's window");
          }
        })();
        const seen = { 1: new Set<number>(), 2: new Set<number>() };
        let qos2Duplicates = 0;
        let consumed = 0;
        let maxWaiting = 0;
        const deadline = Date.now() + 90_000;
        while (seen[1].size + seen[2].size < 2 * PER_QOS && Date.now() < deadline) {
          const r = await iterator.next({ timeoutMs: 10_000 });
          if (r.done === true) break;
          const m = r.value;
          consumed++;
          maxWaiting = Math.max(maxWaiting, dispatched - consumed);
          const qos = m.qos === 2 ? 2 : 1;
          if (qos === 2 && seen[2].has(sequence(m))) qos2Duplicates++;
          seen[qos].add(sequence(m));
          if (consumed % SLOW_EVERY === 0) {
            peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
            await sleep(SLOW_MS);
          }
        }
        await iterator.return?.();
        await producer;
        const figures = { consumed, maxWaiting, peakHeapGrowth: peakHeap - heapBefore, qos2Duplicates };
        console.log(`messages() flood ${name}: ${JSON.stringify(figures)}`);
        assert.equal(seen[1].size, PER_QOS, 'QoS 1 messages lost');
        assert.equal(seen[2].size, PER_QOS, 'QoS 2 messages lost');
        assert.equal(qos2Duplicates, 0);
        assert.ok(maxWaiting > LIMIT / 2, `the consumer fell behind (${maxWaiting} waited at most)`);
        if (PAUSE_STOPS_WITHIN_ONE_READ) {
          assert.ok(maxWaiting <= LIMIT + ONE_READ, `${maxWaiting} messages waited for the consumer`);
        }
        assert.ok(figures.peakHeapGrowth < 64 * 1024 * 1024, `heap grew by ${figures.peakHeapGrowth} bytes`);
        assert.deepEqual(sub.disconnects, []);
        assert.ok(
          sub.logs.some((l) => l.message.includes(`${LIMIT} messages wait for the consumer`)),
          'the first time the iterator filled is logged',
        );
      } finally {
        await shutdown(sub);
        await shutdown(pub);
      }
    });
  });
}

void describe('messages() that nobody pulls', () => {
  void it('holds reading at its limit; ending it lets the rest through', async () => {
    const topic = uniqueId('stall');
    const sub = recordingClient(MQTTProtocolVersion.MQTTv311);
    const pub = recordingClient(MQTTProtocolVersion.MQTTv311);
    let dispatched = 0;
    sub.client.onMessage = () => {
      dispatched++;
    };
    await connected(sub, broker.host, broker.port);
    await connected(pub, broker.host, broker.port);
    try {
      await subscribed(sub, `${topic}/#`, 1);
      const stalled = sub.client.messages({ bufferSize: 10 });
      const total = 2000;
      for (let n = 0; n < total; n++) pub.client.publish(`${topic}/x`, `${'p'.repeat(200)}${n}`, 1);
      await waitUntil(() => dispatched >= 10, 10_000, 'the iterator to fill');
      await sleep(500);
      const held = dispatched;
      assert.ok(held < total, `reading stopped: ${held} of ${total} dispatched`);
      await stalled.return?.();
      await waitUntil(() => dispatched === total, 20_000, 'the rest once the iterator ended');
      assert.deepEqual(sub.disconnects, []);
    } finally {
      await shutdown(sub);
      await shutdown(pub);
    }
  });
});

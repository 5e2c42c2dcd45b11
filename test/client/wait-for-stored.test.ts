/**
 * `MQTTMessageInfo.waitForStored()` and the write-ahead rule with an asynchronous store, against Mosquitto: a
 * store whose commits the test releases by hand shows that no byte of a QoS 1/2 message reaches the broker
 * before its batch is committed, that `waitForStored()` resolves on the commit and rejects when the store fails,
 * and that an incoming QoS 1 or 2 message is handed over only after the commit under way;
 * then `IndexedDbStore` (over fake-indexeddb) keeps messages a client could not send: a publisher cut off from
 * the broker (the fault proxy holds its bytes) is dropped after `waitForStored()`, and a new client on the same
 * database sends them all.
 */
import 'fake-indexeddb/auto';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  MemoryStore,
  MQTTProtocolVersion,
  StoreError,
  TimeoutError,
  type Store,
  type StoreOp,
  type StoredSession,
} from '../../src/index.js';
import { IndexedDbStore } from '../../src/indexeddb.js';
import { toFacade } from '../../src/paho/adapter.js';
import type { MQTTMessageInfo as PahoMessageInfo } from '../../src/paho.js';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { startBroker, type Broker } from '../support/mosquitto.js';
import {
  connected,
  recordingClient,
  shutdown,
  sleep,
  subscribed,
  uniqueId,
  waitUntil,
  within,
} from './helpers.js';

const V311 = MQTTProtocolVersion.MQTTv311;

let broker: Broker;
void before(async () => {
  broker = await startBroker({ quietLog: true });
});
void after(async () => {
  await broker.stop();
});

/** A store whose batches commit only when the test calls `release()` (or fail on `fail()`). */
class GatedStore implements Store {
  readonly inner = new MemoryStore();
  readonly waiting: { ops: readonly StoreOp[]; resolve: () => void; reject: (e: Error) => void }[] = [];
  open = false;

  load(key: string): Promise<StoredSession> {
    return Promise.resolve(this.inner.load(key));
  }

  apply(key: string, ops: readonly StoreOp[]): Promise<void> {
    if (this.open) return Promise.resolve(this.inner.apply(key, ops));
    return new Promise((resolve, reject) => {
      this.waiting.push({
        ops,
        resolve: () => {
          this.inner.apply(key, ops);
          resolve();
        },
        reject,
      });
    });
  }

  /** Commits every waiting batch and, with `open`, every later one at once. */
  release(open = false): void {
    this.open = open;
    for (const batch of this.waiting.splice(0)) batch.resolve();
  }

  fail(): void {
    for (const batch of this.waiting.splice(0)) batch.reject(new StoreError('quota exceeded (simulated)'));
  }

  close(): void {
    this.inner.close();
  }
}

void describe('waitForStored()', () => {
  void it('resolves at once with a synchronous store, and for QoS 0; the Paho facade has wait_for_stored', async () => {
    const r = recordingClient(V311);
    await connected(r, broker.host, broker.port);
    try {
      await within(r.client.publish('stored/sync', 'x', 1).waitForStored(), 1000, 'QoS 1 stored');
      await within(r.client.publish('stored/sync', 'x', 0).waitForStored(), 1000, 'QoS 0 stored');
      const facade = toFacade(r.client.publish('stored/sync', 'x', 2)) as PahoMessageInfo;
      await within(facade.wait_for_stored(1), 1000, 'wait_for_stored');
      await within(facade.wait_for_publish(5), 5000, 'wait_for_publish');
    } finally {
      await shutdown(r);
    }
  });

  void it('an asynchronous store: nothing reaches the broker before the commit, which waitForStored() reports', async () => {
    const topic = `stored/${uniqueId()}`;
    const subscriber = recordingClient(V311);
    await connected(subscriber, broker.host, broker.port);
    await subscribed(subscriber, topic, 2);
    const store = new GatedStore();
    store.release(true); // the session's identity and CONNECT go through
    const publisher = recordingClient(V311, { store });
    await connected(publisher, broker.host, broker.port);
    store.open = false;
    try {
      const infos = [publisher.client.publish(topic, 'one', 1), publisher.client.publish(topic, 'two', 2)];
      const stored = infos.map((info) => info.waitForStored());
      let storedCount = 0;
      for (const s of stored) void s.then(() => storedCount++);
      // The broker is a round trip away: a PUBLISH written before its commit would be back by now.
      await assert.rejects(infos[0].waitForStored({ timeoutMs: 300 }), TimeoutError);
      assert.equal(storedCount, 0);
      assert.equal(subscriber.messages.length, 0, 'the broker got a message whose batch was not committed');
      assert.ok(store.waiting.length > 0);
      store.release(true);
      await within(Promise.all(stored), 2000, 'stored');
      await within(Promise.all(infos.map((info) => info.waitForPublish())), 5000, 'published');
      await waitUntil(() => subscriber.messages.length === 2, 5000, 'both messages');
      assert.deepEqual(subscriber.messages.map((m) => m.payloadString()).sort(), ['one', 'two']);
    } finally {
      store.release(true);
      await shutdown(publisher);
      await shutdown(subscriber);
    }
  });

  void it('rejects with the StoreError when the store fails first; a stored message stays resolved', async () => {
    const store = new GatedStore();
    store.release(true);
    const publisher = recordingClient(V311, { store, reconnectOnFailure: false });
    await connected(publisher, broker.host, broker.port);
    try {
      const first = publisher.client.publish('stored/fail', 'kept', 1);
      await within(first.waitForStored(), 2000, 'first stored');
      store.open = false;
      const second = publisher.client.publish('stored/fail', 'lost', 1);
      const waiting = second.waitForStored();
      store.fail();
      await assert.rejects(within(waiting, 2000, 'rejected'), StoreError);
      await assert.rejects(second.waitForStored(), StoreError);
      await first.waitForStored(); // it was committed before the failure
    } finally {
      publisher.client.loopStop();
    }
  });
});

void describe('incoming QoS 2 with an asynchronous store (promise 4)', () => {
  void it('the next QoS 2 message is handed over only once the id of the one before is committed', async () => {
    const topic = `stored/in/${uniqueId()}`;
    const store = new GatedStore();
    store.release(true);
    const subscriber = recordingClient(V311, { store, cleanSession: false });
    await connected(subscriber, broker.host, broker.port);
    await subscribed(subscriber, topic, 2);
    const publisher = recordingClient(V311);
    await connected(publisher, broker.host, broker.port);
    try {
      store.open = false;
      const infos = ['a', 'b', 'c'].map((p) => publisher.client.publish(topic, p, 2));
      await waitUntil(() => subscriber.messages.length === 1 && store.waiting.length > 0, 5000, 'first');
      // The broker has completed all three (it sends on to the subscriber first); the second waits for the
      // first's id to be committed.
      await within(Promise.all(infos.map((info) => info.waitForPublish())), 5000, 'all published');
      await sleep(200);
      assert.equal(subscriber.messages.length, 1);
      for (let expected = 2; expected <= 3; expected++) {
        store.release();
        await waitUntil(() => subscriber.messages.length === expected, 5000, `message ${expected}`);
      }
      assert.deepEqual(
        subscriber.messages.map((m) => m.payloadString()),
        ['a', 'b', 'c'],
      );
    } finally {
      store.release(true);
      await shutdown(publisher);
      await shutdown(subscriber);
    }
  });
});

void describe('incoming QoS 1 with an asynchronous store', () => {
  void it('a QoS 1 message arriving while a QoS 2 id is committed is handed over after that commit, and acknowledged', async () => {
    const topic = `stored/in1/${uniqueId()}`;
    const clientId = uniqueId('in1');
    const store = new GatedStore();
    store.release(true);
    const subscriber = recordingClient(V311, { store, cleanSession: false, clientId });
    let subscriberDown = false;
    await connected(subscriber, broker.host, broker.port);
    await subscribed(subscriber, topic, 2);
    const publisher = recordingClient(V311);
    await connected(publisher, broker.host, broker.port);
    try {
      store.open = false;
      const qos2 = publisher.client.publish(topic, 'two', 2);
      await waitUntil(() => subscriber.messages.length === 1 && store.waiting.length > 0, 5000, 'the QoS 2');
      const qos1 = publisher.client.publish(topic, 'one', 1);
      await within(qos1.waitForPublish(), 5000, 'the QoS 1 at the broker');
      // Its PUBACK could only leave after the QoS 2's PUBREC, which waits for the commit: it waits too.
      await sleep(200);
      assert.deepEqual(
        subscriber.messages.map((m) => m.payloadString()),
        ['two'],
      );
      store.release(true);
      await waitUntil(() => subscriber.messages.length === 2, 5000, 'the QoS 1');
      assert.deepEqual(
        subscriber.messages.map((m) => m.payloadString()),
        ['two', 'one'],
      );
      await within(qos2.waitForPublish(), 5000, 'the QoS 2 completed');
      // Acknowledged: a new connection on the same session gets nothing again.
      await shutdown(subscriber);
      subscriberDown = true;
      const again = recordingClient(V311, { store, cleanSession: false, clientId });
      try {
        await connected(again, broker.host, broker.port);
        await sleep(300);
        assert.deepEqual(again.messages, []);
      } finally {
        await shutdown(again);
      }
    } finally {
      store.release(true);
      if (!subscriberDown) await shutdown(subscriber);
      await shutdown(publisher);
    }
  });
});

void describe('IndexedDbStore (fake-indexeddb) keeps what a client could not send', () => {
  let proxy: FaultProxy;
  before(async () => {
    proxy = await startFaultProxy({ targetHost: broker.host, targetPort: broker.port });
  });
  after(async () => {
    await proxy.close();
  });

  for (const qos of [1, 2] as const) {
    void it(`QoS ${qos}: 300 messages stored while the broker is unreachable reach it from the next client`, async () => {
      const topic = `stored/idb/${uniqueId()}`;
      const subscriber = recordingClient(V311);
      await connected(subscriber, broker.host, broker.port);
      await subscribed(subscriber, topic, 2);
      const name = `wait-for-stored-${uniqueId()}`;
      const clientId = uniqueId('idb');
      const options = { clientId, cleanSession: false, reconnectOnFailure: false };
      // One process plays two page lifetimes, and the first page's end (which would release its Web Lock) is
      // only simulated: no lock here (Deno and Bun have navigator.locks; the lock is tested in Chromium).
      const first = recordingClient(V311, { ...options, store: new IndexedDbStore({ name, locks: null }) });
      await connected(first, proxy.host, proxy.port);
      proxy.pause(); // the broker gets nothing more from this connection
      const infos = Array.from({ length: 300 }, (_, i) => first.client.publish(topic, `m${i}`, qos));
      await within(Promise.all(infos.map((info) => info.waitForStored())), 10_000, 'all stored');
      // The page goes away: no DISCONNECT, nothing more written; the cut drops what the proxy held.
      first.client.loopStop();
      proxy.cutAll();
      proxy.resume();
      await waitUntil(() => proxy.activeConnections === 0, 5000, 'the cut');
      assert.equal(subscriber.messages.length, 0);
      const second = recordingClient(V311, { ...options, store: new IndexedDbStore({ name, locks: null }) });
      await connected(second, proxy.host, proxy.port);
      try {
        await waitUntil(() => subscriber.messages.length >= 300, 15_000, 'all 300 messages');
        const payloads = new Set(subscriber.messages.map((m) => m.payloadString()));
        assert.equal(payloads.size, 300, 'every message arrived');
        if (qos === 2) assert.equal(subscriber.messages.length, 300, 'no QoS 2 duplicate');
      } finally {
        await shutdown(second);
        await shutdown(subscriber);
      }
    });
  }
});

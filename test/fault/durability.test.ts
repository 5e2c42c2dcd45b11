/**
 * End-to-end tests of the durability promises other than the five fault scenarios (design.md, "Delivery
 * promises"; issue 4), against Mosquitto (and the fake broker where Mosquitto will not withhold acks):
 *   - session present = 0 while messages are unacknowledged: they are published again as new messages, and
 *     onConnect shows the flag; `resubscribe` re-subscribes (and without it, nothing is re-subscribed);
 *   - the offline queue: publish() while disconnected up to maxQueuedMessages, 'reject' (MQTT_ERR_QUEUE_SIZE)
 *     and 'drop-oldest'; it drains in order on reconnect, within the in-flight window;
 *   - manual ack + SqliteStore: a QoS 1/2 message counts as taken only when acked (crash before ack:
 *     redelivered; acked QoS 2: never again);
 *   - a failing store: a typed StoreError reaches the user, new QoS 1/2 messages are refused, nothing falls back
 *     to memory;
 *   - clean start discards the stored session.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
  MQTTErrorCode,
  PacketType,
  StoreError,
  type MQTTMessage,
  type MQTTMessageInfo,
  type Store,
} from '../../src/index.js';
import { SqliteStore } from '../../src/sqlite.js';
import { FakeBroker } from '../support/fake-broker.js';
import { startFaultProxy } from '../support/fault-proxy.js';
import { hasMosquitto, startBroker } from '../support/mosquitto.js';
import {
  closeClient,
  connectClient,
  makeClient,
  sleep,
  subscribeAndWait,
  uniqueId,
  waitUntil,
} from './helpers.js';
import { FailingStore } from '../support/failing-store.js';

const skip = !hasMosquitto();

function tempDir(t: { after(fn: () => void): void }, name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `steady-mqtt-${name}-`));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Simulates a crash of the client's process: no DISCONNECT, nothing more written to its store. */
function crash(client: { loopStop(): unknown; socket(): unknown }): void {
  client.loopStop();
  const socket = client.socket() as Socket | undefined;
  socket?.resetAndDestroy();
}

function texts(messages: readonly MQTTMessage[]): string[] {
  return messages.map((m) => m.payloadString());
}

void describe('session present = 0 while messages are unacknowledged', { skip }, () => {
  void test('they are published again as new messages, onConnect shows the flag, resubscribe re-subscribes', async (t) => {
    // No broker persistence: a restart loses every session. Packet-level log on, to see the DUP flags.
    const broker = await startBroker();
    t.after(() => broker.stop());
    const proxy = await startFaultProxy({ targetHost: broker.host, targetPort: broker.port });
    t.after(() => proxy.close());
    const prefix = uniqueId('lost');

    const sub = makeClient(uniqueId('s'), { resubscribe: true });
    const received: MQTTMessage[] = [];
    let probes = 0;
    sub.client.onMessage = (_c, _u, m) => {
      if (m.topic.endsWith('/probe')) probes++;
      else received.push(m);
    };
    t.after(() => closeClient(sub.client));
    // A second subscriber without `resubscribe`: after the restart it holds no subscription (as Paho).
    const plain = makeClient(uniqueId('n'));
    const plainReceived: MQTTMessage[] = [];
    plain.client.onMessage = (_c, _u, m) => {
      if (!m.topic.endsWith('/probe')) plainReceived.push(m);
    };
    t.after(() => closeClient(plain.client));
    const pub = makeClient(uniqueId('p'));
    t.after(() => closeClient(pub.client));

    await connectClient(sub.client, sub.events, broker.host, broker.port);
    await subscribeAndWait(sub.client, `${prefix}/#`, 2);
    await connectClient(plain.client, plain.events, broker.host, broker.port);
    await subscribeAndWait(plain.client, `${prefix}/#`, 2);
    await connectClient(pub.client, pub.events, broker.host, proxy.port);

    // The publisher's bytes stop in the proxy: its messages are on the wire, unacknowledged.
    proxy.pause();
    const infos: MQTTMessageInfo[] = [];
    for (let n = 1; n <= 10; n++)
      infos.push(pub.client.publish(`${prefix}/m`, `${(n % 2) + 1}:${n}`, (n % 2) + 1));
    assert.ok(infos.every((info) => info.rc === MQTTErrorCode.MQTT_ERR_SUCCESS));
    await sleep(100);
    assert.ok(
      infos.every((info) => !info.isPublished()),
      'nothing acknowledged yet',
    );

    // The broker loses every session; the publisher may only come back once the subscriber re-subscribed.
    proxy.refuse(true);
    proxy.cutAll();
    proxy.resume();
    await broker.restart();
    await waitUntil(
      () => sub.events.connacks.length >= 2,
      10_000,
      () => 'the subscriber to reconnect',
    );
    await waitUntil(
      () => plain.events.connacks.length >= 2,
      10_000,
      () => 'the plain subscriber to reconnect',
    );
    // The re-subscription is internal (no onSubscribe, as the user made no request): probe until it is in place.
    const prober = makeClient(uniqueId('x'), { cleanSession: true });
    t.after(() => closeClient(prober.client));
    await connectClient(prober.client, prober.events, broker.host, broker.port);
    await waitUntil(
      () => {
        prober.client.publish(`${prefix}/probe`, 'probe', 0);
        return probes > 0;
      },
      10_000,
      () => 'the re-subscription (a probe message to arrive)',
      50,
    );
    proxy.refuse(false);
    await Promise.all(infos.map((info) => info.waitForPublish(10_000)));
    await waitUntil(
      () => received.length >= 10,
      10_000,
      () => `10 messages, got ${received.length}`,
    );
    await sleep(300);

    assert.deepEqual(
      sub.events.connacks.at(-1),
      { rc: 0, sessionPresent: false },
      'subscriber: session lost',
    );
    const pubConnacks = pub.events.connacks;
    assert.deepEqual(
      pubConnacks.at(-1),
      { rc: 0, sessionPresent: false },
      'onConnect shows session present 0',
    );
    assert.deepEqual(
      texts(received).sort(),
      Array.from({ length: 10 }, (_, i) => `${((i + 1) % 2) + 1}:${i + 1}`).sort(),
      'every unacknowledged message published again, each once',
    );
    // What the restarted broker received from the publisher: new PUBLISH packets (DUP 0), never a DUP resend.
    const log = broker.log();
    const afterRestart = log.slice(log.lastIndexOf(' starting'));
    const pubId = pub.client.clientId;
    const fresh = afterRestart.split('\n').filter((l) => l.includes(`Received PUBLISH from ${pubId} (d0`));
    const resent = afterRestart.split('\n').filter((l) => l.includes(`Received PUBLISH from ${pubId} (d1`));
    assert.equal(fresh.length, 10, 'published again as new messages (DUP 0)');
    assert.equal(resent.length, 0, 'no DUP resend to a broker that lost the session');
    assert.deepEqual(texts(plainReceived), [], 'without resubscribe, the lost subscription is not renewed');
  });
});

void describe('offline queue', { skip }, () => {
  for (const policy of ['reject', 'drop-oldest'] as const) {
    void test(`publish() while disconnected up to maxQueuedMessages, '${policy}' when full; drains in order on reconnect`, async (t) => {
      const broker = await startBroker({ quietLog: true });
      t.after(() => broker.stop());
      const proxy = await startFaultProxy({ targetHost: broker.host, targetPort: broker.port });
      t.after(() => proxy.close());
      const prefix = uniqueId('q');
      const sub = makeClient(uniqueId('s'));
      const received: MQTTMessage[] = [];
      sub.client.onMessage = (_c, _u, m) => received.push(m);
      t.after(() => closeClient(sub.client));
      await connectClient(sub.client, sub.events, broker.host, broker.port);
      await subscribeAndWait(sub.client, `${prefix}/#`, 2);

      const pub = makeClient(uniqueId('p'), { queueFullPolicy: policy });
      pub.client.maxQueuedMessagesSet(50);
      pub.client.maxInflightMessagesSet(5);
      t.after(() => closeClient(pub.client));
      await connectClient(pub.client, pub.events, broker.host, proxy.port);
      proxy.refuse(true);
      proxy.cutAll();
      await waitUntil(
        () => pub.events.disconnects > 0,
        5_000,
        () => 'the publisher to see the cut',
      );

      const infos: MQTTMessageInfo[] = [];
      const rcs: MQTTErrorCode[] = [];
      for (let n = 1; n <= 60; n++) {
        const info = pub.client.publish(`${prefix}/m`, String(n), (n % 2) + 1);
        infos.push(info);
        rcs.push(info.rc);
      }
      const accepted = rcs.filter((rc) => rc === MQTTErrorCode.MQTT_ERR_SUCCESS);
      if (policy === 'reject') {
        assert.equal(accepted.length, 50);
        assert.deepEqual(
          rcs.slice(50),
          Array.from({ length: 10 }, () => MQTTErrorCode.MQTT_ERR_QUEUE_SIZE),
          'publish() returns MQTT_ERR_QUEUE_SIZE once the queue is full',
        );
        await assert.rejects(infos[59].waitForPublish(1_000), /queue/i);
      } else {
        assert.equal(accepted.length, 60, 'drop-oldest accepts every new message');
        for (const info of infos.slice(0, 10)) {
          // The handle's rc changes when its message is dropped.
          assert.equal(info.rc, MQTTErrorCode.MQTT_ERR_QUEUE_SIZE, 'the 10 oldest were dropped');
          await assert.rejects(info.waitForPublish(1_000));
        }
      }
      proxy.refuse(false);
      const kept = policy === 'reject' ? infos.slice(0, 50) : infos.slice(10);
      await Promise.all(kept.map((info) => info.waitForPublish(10_000)));
      await waitUntil(
        () => received.length >= 50,
        10_000,
        () => `50 messages, got ${received.length}`,
      );
      await sleep(200);
      // Mosquitto forwards a QoS 2 message only once its flow completed, so the two QoS levels interleave
      // differently at the subscriber; within each QoS level, the order is the publish order.
      const first = policy === 'reject' ? 1 : 11;
      const expected = Array.from({ length: 50 }, (_, i) => first + i);
      for (const qos of [1, 2]) {
        assert.deepEqual(
          received.filter((m) => m.qos === qos).map((m) => Number(m.payloadString())),
          expected.filter((n) => (n % 2) + 1 === qos),
          `QoS ${qos}: the queue drained in publish order, each message once`,
        );
      }
    });
  }

  void test('the queue drains within the in-flight window (fake broker withholding acks)', async (t) => {
    const fake = await FakeBroker.start();
    t.after(() => fake.close());
    const pub = makeClient(uniqueId('w'));
    pub.client.maxInflightMessagesSet(5);
    t.after(() => {
      pub.client.loopStop();
    });
    for (let n = 1; n <= 12; n++) pub.client.publish('w/m', String(n), 1);
    pub.client.loopStart();
    void pub.client.connect(fake.host, fake.port, 30).catch(() => undefined);
    const connection = await fake.nextConnection();
    await connection.accept();
    const seen: string[] = [];
    for (let round = 0; round < 3; round++) {
      // Exactly the window's worth arrives, then nothing until acks free it.
      const batch: number[] = [];
      const expected = Math.min(5, 12 - seen.length);
      for (let k = 0; k < expected; k++) {
        const packet = await connection.expect(PacketType.PUBLISH);
        seen.push(new TextDecoder().decode(packet.payload));
        batch.push(packet.packetId ?? 0);
      }
      await sleep(150);
      assert.equal(connection.pending().length, 0, `no PUBLISH beyond the window in round ${round}`);
      for (const packetId of batch) connection.send({ type: PacketType.PUBACK, packetId, reasonCode: 0 });
    }
    assert.deepEqual(
      seen,
      Array.from({ length: 12 }, (_, i) => String(i + 1)),
      'in publish order',
    );
  });
});

void describe('manual ack with a SqliteStore', { skip }, () => {
  void test('a QoS 1/2 message counts as taken only when acked: a crash before ack redelivers it, an acked QoS 2 never comes back', async (t) => {
    const broker = await startBroker({ quietLog: true });
    t.after(() => broker.stop());
    const dir = tempDir(t, 'manual-ack');
    const db = join(dir, 'sub.db');
    const prefix = uniqueId('ma');
    const subId = uniqueId('s');

    const storeA = new SqliteStore(db);
    const a = makeClient(subId, { store: storeA, manualAck: true });
    const gotA: MQTTMessage[] = [];
    a.client.onMessage = (_c, _u, m) => {
      gotA.push(m);
      // Ack 1, 4, 5, 8 (QoS 2, 1, 2, 1); 2, 3, 6, 7 are "still being worked on" at the crash.
      if (Number(m.payloadString().split(':')[1]) % 4 < 2) a.client.ack(m.mid, m.qos);
    };
    await connectClient(a.client, a.events, broker.host, broker.port);
    await subscribeAndWait(a.client, `${prefix}/#`, 2);

    const pub = makeClient(uniqueId('p'));
    t.after(() => closeClient(pub.client));
    await connectClient(pub.client, pub.events, broker.host, broker.port);
    const infos: MQTTMessageInfo[] = [];
    for (let n = 1; n <= 8; n++)
      infos.push(pub.client.publish(`${prefix}/m`, `${(n % 2) + 1}:${n}`, (n % 2) + 1));
    await Promise.all(infos.map((info) => info.waitForPublish(5_000)));
    await waitUntil(
      () => gotA.length >= 8,
      5_000,
      () => `8 messages at A, got ${gotA.length}`,
    );
    await sleep(300); // the acks of the even ones reach the broker and the store
    crash(a.client);
    storeA.close();

    const storeB = new SqliteStore(db);
    t.after(() => storeB.close());
    const b = makeClient(subId, { store: storeB, manualAck: true });
    const gotB: MQTTMessage[] = [];
    b.client.onMessage = (_c, _u, m) => {
      gotB.push(m);
      b.client.ack(m.mid, m.qos);
    };
    t.after(() => closeClient(b.client));
    await connectClient(b.client, b.events, broker.host, broker.port);
    await waitUntil(
      () => gotB.length >= 4,
      5_000,
      () => `the 4 unacked messages again, got ${texts(gotB).join(',')}`,
    );
    await sleep(500);
    assert.deepEqual(b.events.connacks.at(-1), { rc: 0, sessionPresent: true });
    // Every message not acked comes again, once. QoS 1 messages acked after an earlier unacked one (4 behind 2,
    // 8 behind 6) may come again too: their PUBACK waits for the earlier ones (acks leave in arrival order,
    // [MQTT-4.6.0-2]), and QoS 1 is at least once. An acked QoS 2 message (1, 5) never comes again: its id
    // was stored when it was acked, even though its PUBREC was held (5 behind 3).
    const redelivered = texts(gotB).sort();
    const qos2 = redelivered.filter((p) => p.startsWith('2:'));
    const qos1 = redelivered.filter((p) => p.startsWith('1:'));
    assert.deepEqual(qos2, ['2:3', '2:7'], 'QoS 2: exactly the messages not acked, once each');
    assert.ok(
      ['1:2', '1:6'].every((p) => qos1.includes(p)),
      `QoS 1: the messages not acked again: ${qos1.join(',')}`,
    );
    assert.ok(
      qos1.every((p) => ['1:2', '1:4', '1:6', '1:8'].includes(p)) && new Set(qos1).size === qos1.length,
    );
    // Nothing was taken twice; the acked QoS 2 messages did not come back.
    await sleep(300);
    assert.equal(storeB.load(subId).incomingQos2.length, 0, 'every incoming QoS 2 released');
  });
});

/**
 * A failing store (issue 4): the application gets the typed StoreError (thrown by publish() for the message that
 * could not be stored and for every later QoS 1/2 message), the failure is logged, and the client sends nothing
 * more from memory: the engine's state is no longer what the store holds.
 */
async function expectStoreFailureHandled(
  t: { after(fn: () => Promise<void> | void): void },
  store: Store,
  makeFail: () => void,
): Promise<void> {
  const broker = await startBroker({ quietLog: true });
  t.after(() => broker.stop());
  const prefix = uniqueId('f');
  const watcher = makeClient(uniqueId('w'));
  const watched: string[] = [];
  watcher.client.onMessage = (_c, _u, m) => watched.push(m.payloadString());
  t.after(() => closeClient(watcher.client));
  await connectClient(watcher.client, watcher.events, broker.host, broker.port);
  await subscribeAndWait(watcher.client, `${prefix}/#`, 2);
  const pub = makeClient(uniqueId('f'), { store });
  const logs: string[] = [];
  pub.client.onLog = (_c, _u, _level, message) => logs.push(message);
  t.after(() => closeClient(pub.client));
  await connectClient(pub.client, pub.events, broker.host, broker.port);
  await pub.client.publish(`${prefix}/ok`, 'before', 1).waitForPublish(5_000);

  makeFail();
  let thrown: unknown;
  let info: MQTTMessageInfo | undefined;
  try {
    info = pub.client.publish(`${prefix}/x`, 'during', 1);
  } catch (error) {
    thrown = error;
  }
  const outcome =
    thrown ??
    (await info?.waitForPublish(3_000).then(
      () => 'published',
      (error: unknown) => error,
    ));
  const isStoreError = (e: unknown): boolean =>
    e instanceof StoreError || (e instanceof Error && e.cause instanceof StoreError);
  assert.ok(
    logs.some((line) => /store/i.test(line)),
    'the failure is logged',
  );
  assert.ok(isStoreError(outcome), `the user gets the typed StoreError, got ${String(outcome)}`);
  // New QoS 1/2 messages are refused while the store fails (QoS 0 needs no store).
  let later: unknown;
  try {
    later = pub.client.publish(`${prefix}/x`, 'after', 2).rc;
  } catch (error) {
    later = error;
  }
  assert.ok(later !== MQTTErrorCode.MQTT_ERR_SUCCESS, 'a new QoS 2 message is not accepted');
  assert.ok(isStoreError(later), `refused with the StoreError, got ${String(later)}`);
  // Nothing falls back to memory: the client does not come back and nothing unstored reaches the broker.
  const connacks = pub.events.connacks.length;
  await sleep(1_500);
  assert.equal(pub.events.connacks.length, connacks, 'no new session on a failed store');
  assert.deepEqual(watched, ['before'], 'only the message stored before the failure was published');
}

void describe('a failing store', { skip }, () => {
  void test('a Store that throws StoreError: typed error to the user, new QoS 1/2 refused, no fallback to memory', async (t) => {
    const store = new FailingStore();
    await expectStoreFailureHandled(t, store, () => {
      store.failing = true;
    });
  });

  void test('a SqliteStore that can no longer write (closed under the client): the same', async (t) => {
    const dir = tempDir(t, 'unwritable');
    const store = new SqliteStore(join(dir, 's.db'));
    // Every call on a closed SqliteStore throws StoreError (as a file that cannot be written does; chmod does
    // not stop root, which runs CI here).
    await expectStoreFailureHandled(t, store, () => store.close());
  });
});

void describe('clean start', { skip }, () => {
  void test('discards the stored session: unacknowledged messages and subscriptions are gone from the store and never sent', async (t) => {
    const broker = await startBroker({ quietLog: true });
    t.after(() => broker.stop());
    const proxy = await startFaultProxy({ targetHost: broker.host, targetPort: broker.port });
    t.after(() => proxy.close());
    const dir = tempDir(t, 'clean');
    const db = join(dir, 'c.db');
    const id = uniqueId('c');
    const prefix = uniqueId('cs');

    const watcher = makeClient(uniqueId('w'));
    const watched: MQTTMessage[] = [];
    watcher.client.onMessage = (_c, _u, m) => watched.push(m);
    t.after(() => closeClient(watcher.client));
    await connectClient(watcher.client, watcher.events, broker.host, broker.port);
    await subscribeAndWait(watcher.client, `${prefix}/#`, 2);

    const storeA = new SqliteStore(db);
    const a = makeClient(id, { store: storeA });
    await connectClient(a.client, a.events, broker.host, proxy.port);
    await subscribeAndWait(a.client, `${prefix}/own`, 1);
    proxy.pause();
    for (let n = 1; n <= 5; n++) a.client.publish(`${prefix}/m`, String(n), 1);
    await sleep(100);
    crash(a.client);
    proxy.cutAll();
    proxy.resume();
    const stored = storeA.load(id);
    storeA.close();
    assert.equal(stored.outgoing.length, 5, 'five unacknowledged messages stored');
    assert.equal(stored.subscriptions.length, 1);

    const storeB = new SqliteStore(db);
    t.after(() => storeB.close());
    const b = makeClient(id, { store: storeB, cleanSession: true });
    const dropped: number[] = [];
    b.client.onLog = (_c, _u, _l, message) => {
      const match = /Message (\d+) dropped/.exec(message);
      if (match !== null) dropped.push(Number(match[1]));
    };
    t.after(() => closeClient(b.client));
    await connectClient(b.client, b.events, broker.host, broker.port);
    await sleep(500);
    assert.deepEqual(b.events.connacks.at(-1), { rc: 0, sessionPresent: false });
    const after = storeB.load(id);
    assert.deepEqual(after.outgoing, [], 'no outgoing message left in the store');
    assert.deepEqual(after.subscriptions, [], 'no subscription left in the store');
    assert.deepEqual(after.incomingQos2, []);
    assert.deepEqual(texts(watched), [], 'the discarded messages were not sent');
  });
});

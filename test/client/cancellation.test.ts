/**
 * Nothing waits forever (issue 14 section 2): `{ signal, timeoutMs }` on every awaitable, the shared helper
 * (`bounded()`) leaves no listener behind, `subscribeAndWait()` / `unsubscribeAndWait()` resolve with the
 * granted reason codes (against Mosquitto), and every pending Promise of a client settles when it is closed for
 * good: after `disconnectAndWait()` and after its store failed, counted. Withheld acknowledgements come from the
 * scripted broker (a real broker will not withhold them on demand).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { bounded } from '../../src/client/cancellation.js';
import { connectionOf } from '../../src/client/client.js';
import {
  ClientStateError,
  MQTTErrorCode,
  MQTTProtocolVersion,
  PacketType,
  StoreError,
  TimeoutError,
  publish,
} from '../../src/index.js';
import * as paho from '../../src/paho.js';
import { FakeBroker, type FakeConnection } from '../support/fake-broker.js';
import { startBroker, type Broker } from '../support/mosquitto.js';
import {
  PROTOCOLS,
  connected,
  recordingClient,
  shutdown,
  uniqueId,
  waitUntil,
  within,
  type Recorder,
} from './helpers.js';
import { FailingStore } from '../support/failing-store.js';

const V5 = MQTTProtocolVersion.MQTTv5;

let fake: FakeBroker;
let mosquitto: Broker;
void before(async () => {
  fake = await FakeBroker.start();
  mosquitto = await startBroker({ quietLog: true });
});
void after(async () => {
  await fake.close();
  await mosquitto.stop();
});

/** A signal that counts its listeners, to see that none is left behind. */
function countingSignal(): { signal: AbortSignal; controller: AbortController; listeners: () => number } {
  const controller = new AbortController();
  const signal = controller.signal;
  let count = 0;
  const add = signal.addEventListener.bind(signal);
  const remove = signal.removeEventListener.bind(signal);
  signal.addEventListener = ((...args: Parameters<AbortSignal['addEventListener']>) => {
    count++;
    add(...args);
  }) as AbortSignal['addEventListener'];
  signal.removeEventListener = ((...args: Parameters<AbortSignal['removeEventListener']>) => {
    count--;
    remove(...args);
  }) as AbortSignal['removeEventListener'];
  return { signal, controller, listeners: () => count };
}

/** A client connected to the scripted broker, and its connection there. */
async function onFake(
  protocol: MQTTProtocolVersion,
  options: Parameters<typeof recordingClient>[1] = {},
): Promise<{ r: Recorder; connection: FakeConnection }> {
  const r = recordingClient(protocol, { reconnectOnFailure: false, ...options });
  r.client.loopStart();
  const connack = r.client.connectAndWait(fake.host, fake.port);
  const connection = await fake.nextConnection();
  await connection.accept();
  await within(connack, 5000, 'CONNACK');
  return { r, connection };
}

/** Tracks how many of `promises` have settled, and how. */
function track(promises: Record<string, Promise<unknown>>): { settled: Map<string, unknown> } {
  const settled = new Map<string, unknown>();
  for (const [name, promise] of Object.entries(promises)) {
    promise.then(
      (value) => settled.set(name, { value }),
      (error: unknown) => settled.set(name, { error }),
    );
  }
  return { settled };
}

void describe('bounded(): the one signal/timeout helper', () => {
  void it('settles with the work, and removes its listener and timer', async () => {
    const { signal, listeners } = countingSignal();
    assert.equal(await bounded(Promise.resolve(7), { signal, timeoutMs: 10_000 }, 'work'), 7);
    assert.equal(listeners(), 0);
  });

  void it('rejects with the signal reason on abort, after calling cancel', async () => {
    const { signal, controller, listeners } = countingSignal();
    let cancelled = 0;
    const waiting = bounded(new Promise(() => undefined), { signal }, 'work', () => cancelled++);
    controller.abort(new Error('stop'));
    await assert.rejects(waiting, /stop/);
    assert.equal(cancelled, 1);
    assert.equal(listeners(), 0);
  });

  void it('rejects with a TimeoutError after timeoutMs, after calling cancel, and removes the listener', async () => {
    const { signal, listeners } = countingSignal();
    let cancelled = 0;
    await assert.rejects(
      bounded(new Promise(() => undefined), { signal, timeoutMs: 20 }, 'the work', () => cancelled++),
      (error: unknown) =>
        error instanceof TimeoutError && /the work did not complete within 20 ms/.test(error.message),
    );
    assert.equal(cancelled, 1);
    assert.equal(listeners(), 0);
  });

  void it('rejects at once for a signal already aborted, with a DOMException AbortError when it has no reason', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(
      bounded(new Promise(() => undefined), { signal: controller.signal }, 'work'),
      (error: unknown) => error instanceof DOMException && error.name === 'AbortError',
    );
  });
});

for (const { name, version } of PROTOCOLS) {
  void describe(`subscribeAndWait() / unsubscribeAndWait() on ${name} (Mosquitto)`, () => {
    void it('resolve with the granted reason codes', async () => {
      const r = recordingClient(version);
      await connected(r, mosquitto.host, mosquitto.port);
      try {
        const base = uniqueId('saw');
        const codes = await within(
          r.client.subscribeAndWait([
            [`${base}/a`, 0],
            [`${base}/b`, 2],
          ]),
          5000,
          'SUBACK',
        );
        assert.deepEqual(
          codes.map((code) => code.value),
          [0, 2],
        );
        const unsubscribed = await within(
          r.client.unsubscribeAndWait([`${base}/a`, `${base}/b`]),
          5000,
          'UNSUBACK',
        );
        // MQTT 3.x UNSUBACK has no reason codes; MQTT 5 has one per filter (0 Success).
        assert.deepEqual(
          unsubscribed.map((code) => code.value),
          version === V5 ? [0, 0] : [],
        );
      } finally {
        await shutdown(r);
      }
    });
  });
}

void describe('the Paho facade names (Mosquitto)', () => {
  void it('subscribe_and_wait, unsubscribe_and_wait, wait_for_publish({ timeout_ms }), disconnect_and_wait', async () => {
    const client = new paho.Client(paho.CallbackAPIVersion.VERSION2, {
      client_id: uniqueId('pw'),
      protocol: V5,
    });
    client.loop_start();
    await within(
      client.connect_and_wait(mosquitto.host, mosquitto.port, 60, '', 0, undefined, undefined, {
        timeout_ms: 5000,
      }),
      6000,
      'CONNACK',
    );
    const topic = uniqueId('pw');
    const granted = await within(
      client.subscribe_and_wait(topic, 1, null, null, { timeout_ms: 5000 }),
      6000,
      'SUBACK',
    );
    assert.deepEqual(
      granted.map((code) => code.value),
      [1],
    );
    await within(client.publish(topic, 'x', 1).wait_for_publish({ timeout_ms: 5000 }), 6000, 'PUBACK');
    const removed = await within(
      client.unsubscribe_and_wait(topic, null, { timeout_ms: 5000 }),
      6000,
      'UNSUBACK',
    );
    assert.deepEqual(
      removed.map((code) => code.value),
      [0],
    );
    await within(client.disconnect_and_wait(0, undefined, { timeout_ms: 5000 }), 6000, 'disconnect');
    client.loop_stop();
  });
});

void describe('signal and timeoutMs on each awaitable (scripted broker)', () => {
  void it('connectAndWait(): a timeout and an abort stop the wait for a CONNACK that never comes', async () => {
    const r = recordingClient(MQTTProtocolVersion.MQTTv311, { reconnectOnFailure: false });
    r.client.loopStart();
    const wait = r.client.connectAndWait(fake.host, fake.port, 60, '', 0, undefined, undefined, {
      timeoutMs: 100,
    });
    const connection = await fake.nextConnection();
    await connection.expect(PacketType.CONNECT);
    await assert.rejects(wait, TimeoutError);
    await within(r.client.disconnectAndWait(0, undefined, { timeoutMs: 5000 }), 6000, 'disconnect');
    r.client.loopStop();
    const other = recordingClient(MQTTProtocolVersion.MQTTv311, { reconnectOnFailure: false });
    other.client.loopStart();
    const controller = new AbortController();
    const aborted = other.client.connectAndWait(fake.host, fake.port, 60, '', 0, undefined, undefined, {
      signal: controller.signal,
    });
    const second = await fake.nextConnection();
    await second.expect(PacketType.CONNECT);
    controller.abort('no more');
    await assert.rejects(aborted, (error: unknown) => error === 'no more');
    await within(other.client.disconnectAndWait(), 5000, 'disconnect');
    other.client.loopStop();
  });

  void it('waitForPublish({ signal }): the wait stops, the QoS 1 message stays in the session and completes', async () => {
    const { r, connection } = await onFake(MQTTProtocolVersion.MQTTv311);
    const info = r.client.publish('a/b', 'kept', 1);
    const sent = await connection.expect(PacketType.PUBLISH);
    const controller = new AbortController();
    const waiting = info.waitForPublish({ signal: controller.signal });
    controller.abort(new Error('gave up'));
    await assert.rejects(waiting, /gave up/);
    assert.equal(info.isPublished(), false);
    connection.send({ type: PacketType.PUBACK, packetId: sent.packetId ?? 0, reasonCode: 0 });
    await waitUntil(() => info.isPublished(), 5000, 'PUBACK');
    await assert.rejects(info.waitForPublish({ timeoutMs: -1 }), /timeoutMs must be a number/);
    await within(r.client.disconnectAndWait(), 5000, 'disconnect');
    r.client.loopStop();
  });

  void it('subscribeAndWait() and unsubscribeAndWait(): timeoutMs when the ack is withheld', async () => {
    const { r, connection } = await onFake(V5);
    await assert.rejects(r.client.subscribeAndWait('a/#', 1, null, null, { timeoutMs: 50 }), TimeoutError);
    await connection.expect(PacketType.SUBSCRIBE);
    await assert.rejects(r.client.unsubscribeAndWait('a/#', null, { timeoutMs: 50 }), TimeoutError);
    await connection.expect(PacketType.UNSUBSCRIBE);
    // The waiters were removed: nothing is left for the withheld acknowledgements.
    assert.equal(connectionOf(r.client).dispatcher.acks.size, 0);
    const controller = new AbortController();
    controller.abort('before');
    await assert.rejects(
      r.client.subscribeAndWait('b/#', 1, null, null, { signal: controller.signal }),
      (error: unknown) => error === 'before',
    );
    await within(r.client.disconnectAndWait(), 5000, 'disconnect');
    r.client.loopStop();
    // Aborted before: no SUBSCRIBE for b/# was sent.
    assert.ok(!connection.pending().some((packet) => packet.type === PacketType.SUBSCRIBE));
  });

  void it('loopForever({ timeoutMs }) stops the wait only: the loop goes on until disconnect()', async () => {
    const r = recordingClient(MQTTProtocolVersion.MQTTv311, { reconnectOnFailure: false });
    void r.client.connect(fake.host, fake.port);
    const forever = r.client.loopForever({ timeoutMs: 100 });
    const connection = await fake.nextConnection();
    await connection.accept();
    await assert.rejects(forever, TimeoutError);
    assert.equal(r.client.loopMode, 'forever');
    await within(r.client.disconnectAndWait(), 5000, 'disconnect');
    assert.equal(r.client.loopMode, 'none');
  });

  void it('messages(): timeoutMs bounds each next(); the signal ends the iteration', async () => {
    const { r, connection } = await onFake(MQTTProtocolVersion.MQTTv311);
    const timed = r.client.messages({ timeoutMs: 50 });
    await assert.rejects(timed.next(), TimeoutError);
    connection.send({
      type: PacketType.PUBLISH,
      topic: 'x/y',
      qos: 0,
      retain: false,
      dup: false,
      payload: new TextEncoder().encode('m'),
    });
    const next = await within(timed.next(), 5000, 'the message');
    assert.equal(next.done, false);
    await timed.return?.();
    const controller = new AbortController();
    const received: string[] = [];
    const loop = (async () => {
      for await (const message of r.client.messages({ signal: controller.signal }))
        received.push(message.topic);
      return 'ended';
    })();
    controller.abort('stop');
    await assert.rejects(loop, (error: unknown) => error === 'stop');
    await within(r.client.disconnectAndWait(), 5000, 'disconnect');
    r.client.loopStop();
  });

  void it('publish.single(): an aborted signal rejects at once; an abort while connecting ends the helper', async () => {
    const controller = new AbortController();
    controller.abort(new Error('early'));
    await assert.rejects(
      publish.single('a/b', 'x', { hostname: fake.host, port: fake.port, signal: controller.signal }),
      /early/,
    );
    const later = new AbortController();
    const pending = publish.single('a/b', 'x', {
      hostname: fake.host,
      port: fake.port,
      signal: later.signal,
    });
    const connection = await fake.nextConnection();
    await connection.expect(PacketType.CONNECT);
    later.abort(new Error('late'));
    await assert.rejects(pending, /late/);
  });
});

/** Starts one of each awaitable that the scripted broker keeps pending (it withholds every ack). */
function pendingAwaitables(r: Recorder): Record<string, Promise<unknown>> {
  const iterator = r.client.messages();
  return {
    waitForPublish: r.client.publish('a/b', 'x', 1).waitForPublish(),
    subscribeAndWait: r.client.subscribeAndWait('s/#', 1),
    unsubscribeAndWait: r.client.unsubscribeAndWait('u/#'),
    request: r.client.request('svc/x', 'y', { timeoutMs: 60_000 }),
    messagesNext: iterator.next(),
  };
}

void describe('closed for good: no Promise is left pending (counted)', () => {
  void it('after disconnectAndWait()', async () => {
    const { r, connection } = await onFake(V5);
    const promises = pendingAwaitables(r);
    const { settled } = track(promises);
    await connection.expect(PacketType.PUBLISH);
    await connection.expect(PacketType.SUBSCRIBE);
    await within(r.client.disconnectAndWait(), 5000, 'disconnect');
    r.client.loopStop();
    await waitUntil(() => settled.size === Object.keys(promises).length, 1000, 'every Promise settled');
    for (const name of ['waitForPublish', 'subscribeAndWait', 'unsubscribeAndWait', 'request']) {
      const outcome = settled.get(name) as { error?: unknown };
      assert.ok(outcome.error instanceof ClientStateError, `${name}: ${String(outcome.error)}`);
    }
    assert.deepEqual(settled.get('messagesNext'), { value: { value: undefined, done: true } });
  });

  void it('after the store failed (loopForever rejects with the StoreError)', async () => {
    const store = new FailingStore();
    const r = recordingClient(V5, { store, reconnectOnFailure: true });
    void r.client.connect(fake.host, fake.port);
    const forever = r.client.loopForever();
    const connection = await fake.nextConnection();
    await connection.accept();
    await waitUntil(() => r.connacks.length === 1, 5000, 'CONNACK');
    const promises = { ...pendingAwaitables(r), loopForever: forever };
    const { settled } = track(promises);
    await connection.expect(PacketType.PUBLISH);
    store.failing = true;
    assert.throws(() => r.client.publish('a/b', 'z', 1), StoreError);
    await waitUntil(() => settled.size === Object.keys(promises).length, 2000, 'every Promise settled');
    const loop = settled.get('loopForever') as { error?: unknown };
    assert.ok(loop.error instanceof StoreError, String(loop.error));
    const publishWait = settled.get('waitForPublish') as { error?: unknown };
    assert.ok(publishWait.error instanceof ClientStateError);
    assert.ok(publishWait.error.cause instanceof StoreError);
    assert.equal(r.client.loopMode, 'none');
    assert.equal(r.client.disconnect(), MQTTErrorCode.MQTT_ERR_NO_CONN);
  });
});

/**
 * The `node:diagnostics_channel` channels against a real Mosquitto: what each channel carries over a connect,
 * subscribe, publish (QoS 1 both ways, and a large QoS 0 payload sent apart from its header), a cut connection
 * (through the fault proxy) and its reconnect, a failing store and a disconnect; and that nothing is published
 * while a channel has no subscriber.
 */
import assert from 'node:assert/strict';
import diagnostics from 'node:diagnostics_channel';
import { after, before, describe, it } from 'node:test';
import {
  MemoryStore,
  MQTTProtocolVersion,
  PacketType,
  StoreError,
  diagnosticsChannels,
  type ConnackDiagnostic,
  type ConnectDiagnostic,
  type DisconnectDiagnostic,
  type ErrorDiagnostic,
  type PacketDiagnostic,
  type ReconnectDiagnostic,
  type StoreDiagnostic,
} from '../../src/index.js';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { startBroker, type Broker } from '../support/mosquitto.js';
import { connected, recordingClient, shutdown, subscribed, uniqueId, waitUntil } from './helpers.js';
import { FailingStore } from '../support/failing-store.js';

let broker: Broker;
void before(async () => {
  broker = await startBroker();
});
void after(async () => {
  await broker.stop();
});

type Name = keyof typeof diagnosticsChannels;

/** Records what every channel publishes for one client (other clients of the process are left out). */
class ChannelRecorder {
  readonly seen: { channel: Name; message: { client: unknown } }[] = [];
  readonly #handlers: [string, (message: unknown) => void][] = [];

  constructor(client: unknown) {
    for (const [key, name] of Object.entries(diagnosticsChannels)) {
      const handler = (message: unknown): void => {
        const m = message as { client: unknown };
        if (m.client === client) this.seen.push({ channel: key as Name, message: m });
      };
      diagnostics.subscribe(name, handler);
      this.#handlers.push([name, handler]);
    }
  }

  of<T>(channel: Name): T[] {
    return this.seen.filter((s) => s.channel === channel).map((s) => s.message as T);
  }

  close(): void {
    for (const [name, handler] of this.#handlers) diagnostics.unsubscribe(name, handler);
  }
}

const sum = (packets: PacketDiagnostic[]): number => packets.reduce((total, p) => total + p.size, 0);

void describe('diagnostics channels', () => {
  void it('report a connect, subscribe, publish and disconnect with the sizes and packet ids of the wire', async () => {
    const r = recordingClient(MQTTProtocolVersion.MQTTv5, { store: new MemoryStore() });
    const seen = new ChannelRecorder(r.client);
    try {
      await connected(r, broker.host, broker.port);
      const topic = uniqueId('diag');
      await subscribed(r, `${topic}/#`, 1);
      const subscribeMid = r.subacks[0].mid;
      const info = r.client.publish(`${topic}/small`, 'hello', 1);
      await info.waitForPublish(5000);
      const large = new Uint8Array(40_000).fill(7); // sent as a header chunk and the payload itself
      r.client.publish(`${topic}/large`, large, 0);
      await waitUntil(() => r.messages.length === 2, 5000, 'both messages back');
      await shutdown(r);
      const stats = r.client.stats();

      const [connect] = seen.of<ConnectDiagnostic>('connect');
      assert.equal(connect.url, `mqtt://${broker.host}:${broker.port}`);
      assert.equal(connect.protocol, 5);
      assert.equal(connect.clientId, r.client.clientId);
      const [connack] = seen.of<ConnackDiagnostic>('connack');
      assert.equal(connack.reasonCode, 0);
      assert.equal(connack.sessionPresent, false);
      assert.ok(connack.durationMs >= 0 && connack.durationMs < 5000, `durationMs ${connack.durationMs}`);
      assert.equal(typeof connack.properties, 'object');

      const sent = seen.of<PacketDiagnostic>('packetSend');
      const received = seen.of<PacketDiagnostic>('packetReceive');
      // Every byte on the wire is in exactly one packet message.
      assert.equal(sum(sent), stats.bytesSent);
      assert.equal(sum(received), stats.bytesReceived);
      // The PUBACK of the incoming QoS 1 message may go out before or after the large PUBLISH.
      assert.deepEqual(sent.map((p) => p.name).sort(), [
        'CONNECT',
        'DISCONNECT',
        'PUBACK',
        'PUBLISH',
        'PUBLISH',
        'SUBSCRIBE',
      ]);
      assert.equal(sent[0].type, PacketType.CONNECT);
      assert.equal(sent.at(-1)?.name, 'DISCONNECT');
      const subscribe = sent.find((p) => p.type === PacketType.SUBSCRIBE);
      assert.equal(subscribe?.packetId, subscribeMid);
      const suback = received.find((p) => p.type === PacketType.SUBACK);
      assert.equal(suback?.packetId, subscribeMid);

      const publishes = sent.filter((p) => p.type === PacketType.PUBLISH);
      assert.equal(publishes.length, 2);
      assert.equal(publishes[0].packetId, info.mid);
      assert.equal(Buffer.from(publishes[0].payload ?? []).toString(), 'hello');
      assert.equal(publishes[1].packetId, undefined, 'QoS 0: no packet id');
      assert.equal(publishes[1].payload, large, 'the payload itself, by reference');
      assert.ok(publishes[1].size > large.length);
      const puback = received.find((p) => p.type === PacketType.PUBACK);
      assert.equal(puback?.packetId, info.mid);

      const incoming = received.filter((p) => p.type === PacketType.PUBLISH);
      assert.equal(incoming.length, 2);
      const incomingQos1 = incoming.find((p) => p.packetId !== undefined);
      assert.ok(incomingQos1 !== undefined);
      assert.equal(Buffer.from(incomingQos1.payload ?? []).toString(), 'hello');
      const ourPuback = sent.find((p) => p.type === PacketType.PUBACK);
      assert.equal(ourPuback?.packetId, incomingQos1.packetId);
      const incomingLarge = incoming.find((p) => p.packetId === undefined)?.payload;
      assert.ok(incomingLarge !== undefined && Buffer.from(incomingLarge).equals(large), 'received whole');

      const store = seen.of<StoreDiagnostic>('store');
      const put = store.find((s) => s.operations.some((op) => op.kind === 'putOutgoing'));
      assert.ok(put !== undefined, 'the outgoing QoS 1 message was written');
      assert.ok(put.durationMs >= 0);
      assert.equal(put.error, undefined);
      assert.equal(
        store.reduce((n, s) => n + s.operations.length, 0),
        stats.store.operations,
        'every store operation reported once',
      );

      const [disconnect] = seen.of<DisconnectDiagnostic>('disconnect');
      assert.equal(disconnect.reasonCode, 0);
      assert.equal(disconnect.fromServer, false);
      assert.equal(disconnect.error, undefined);
      assert.deepEqual(seen.of('error'), []);
      assert.deepEqual(seen.of('reconnect'), []);
    } finally {
      seen.close();
    }
  });

  void it('report a cut connection, the reconnect it schedules and the new connection (fault proxy)', async () => {
    let proxy: FaultProxy | undefined;
    const r = recordingClient(MQTTProtocolVersion.MQTTv311);
    const seen = new ChannelRecorder(r.client);
    try {
      proxy = await startFaultProxy({ targetHost: broker.host, targetPort: broker.port });
      r.client.reconnectDelaySet(0.05, 0.05);
      await connected(r, proxy.host, proxy.port);
      proxy.cutAll('reset');
      await waitUntil(() => r.connacks.length === 2, 5000, 'the reconnect');
      assert.deepEqual(
        seen.seen
          .map((s) => s.channel)
          .filter((c) => c !== 'packetSend' && c !== 'packetReceive' && c !== 'store'),
        ['connect', 'connack', 'disconnect', 'error', 'reconnect', 'connect', 'connack'],
      );
      const [disconnect] = seen.of<DisconnectDiagnostic>('disconnect');
      assert.equal(disconnect.reasonCode, 0x80);
      assert.ok(disconnect.error instanceof Error);
      const [error] = seen.of<ErrorDiagnostic>('error');
      assert.equal(error.source, 'connection');
      assert.equal(error.error, disconnect.error);
      const [reconnect] = seen.of<ReconnectDiagnostic>('reconnect');
      assert.equal(reconnect.attempt, 0);
      assert.ok(reconnect.delayMs >= 0 && reconnect.delayMs <= 100, `delayMs ${reconnect.delayMs}`);
      assert.equal(seen.of<PacketDiagnostic>('packetSend').filter((p) => p.name === 'CONNECT').length, 2);
      assert.equal(seen.of<PacketDiagnostic>('packetReceive').filter((p) => p.name === 'CONNACK').length, 2);
    } finally {
      seen.close();
      await shutdown(r);
      await proxy?.close();
    }
  });

  void it('report a failing store on the store and error channels', async () => {
    const store = new FailingStore();
    const r = recordingClient(MQTTProtocolVersion.MQTTv311, { store });
    const seen = new ChannelRecorder(r.client);
    try {
      await connected(r, broker.host, broker.port);
      store.failing = true;
      assert.throws(() => r.client.publish(uniqueId('diag'), 'x', 1), StoreError);
      const failed = seen.of<StoreDiagnostic>('store').filter((s) => s.error !== undefined);
      assert.equal(failed.length, 1);
      assert.ok(failed[0].error instanceof StoreError);
      assert.equal(failed[0].operations[0].kind, 'putOutgoing');
      const errors = seen.of<ErrorDiagnostic>('error');
      assert.equal(errors[0].source, 'store');
      assert.equal(errors[0].error, failed[0].error);
    } finally {
      seen.close();
      r.client.loopStop();
    }
  });

  void it('keep a MemoryStore volatile behind the store channel: a burst queued behind the window is one batch', async () => {
    const r = recordingClient(MQTTProtocolVersion.MQTTv311, { store: new MemoryStore() });
    r.client.maxInflightMessagesSet(1);
    try {
      await connected(r, broker.host, broker.port);
      const topic = uniqueId('diag');
      const burst = async (): Promise<{ batches: number; reported: StoreDiagnostic[] }> => {
        const before = r.client.stats().store.batches;
        const seen = new ChannelRecorder(r.client);
        try {
          const infos = Array.from({ length: 20 }, () => r.client.publish(topic, 'x', 1));
          await Promise.all(infos.map((info) => info.waitForStored(5000)));
          const reported = seen
            .of<StoreDiagnostic>('store')
            .filter((s) => s.operations.some((op) => op.kind === 'putOutgoing'));
          const batches = r.client.stats().store.batches - before;
          await Promise.all(infos.map((info) => info.waitForPublish(5000)));
          return { batches, reported };
        } finally {
          seen.close();
        }
      };
      const observed = await burst();
      // The first message goes out at once and commits with its command; the 19 queued behind the window of 1
      // are one apply() at the end of the turn (a durable store would take 19 more).
      assert.equal(observed.batches, 2, 'one store batch for the sent message, one for the queued ones');
      assert.deepEqual(
        observed.reported.map((s) => s.operations.filter((op) => op.kind === 'putOutgoing').length),
        [1, 19],
      );
      await shutdown(r);
    } finally {
      r.client.loopStop();
    }
  });

  void it('publish nothing while no one subscribes, and from the moment someone does', async () => {
    const channels = Object.values(diagnosticsChannels).map((name) => diagnostics.channel(name));
    const counts = new Map<string, number>();
    // Count the publish() calls on the channel objects themselves: with no subscriber none may happen.
    for (const ch of channels) {
      ch.publish = (message: unknown): void => {
        counts.set(String(ch.name), (counts.get(String(ch.name)) ?? 0) + 1);
        // The prototype's publish: Node swaps it when the first subscriber comes.
        (Object.getPrototypeOf(ch) as { publish(m: unknown): void }).publish.call(ch, message);
      };
    }
    try {
      for (const ch of channels) assert.equal(ch.hasSubscribers, false, `${String(ch.name)} unobserved`);
      const r = recordingClient(MQTTProtocolVersion.MQTTv5);
      await connected(r, broker.host, broker.port);
      const topic = uniqueId('diag');
      await subscribed(r, topic, 1);
      await r.client.publish(topic, 'x', 1).waitForPublish(5000);
      await waitUntil(() => r.messages.length === 1, 5000, 'the message back');
      assert.equal(counts.size, 0, `published while unobserved: ${JSON.stringify([...counts])}`);

      const later = new ChannelRecorder(r.client);
      try {
        await r.client.publish(topic, 'y', 1).waitForPublish(5000);
        await waitUntil(() => r.messages.length === 2, 5000, 'the second message back');
        await shutdown(r);
      } finally {
        later.close();
      }
      // Only what happened after the subscription: one PUBLISH each way, its acks, the DISCONNECT.
      assert.deepEqual(
        later
          .of<PacketDiagnostic>('packetSend')
          .map((p) => p.name)
          .sort(),
        ['DISCONNECT', 'PUBACK', 'PUBLISH'],
      );
      assert.deepEqual(
        later
          .of<PacketDiagnostic>('packetReceive')
          .map((p) => p.name)
          .sort(),
        ['PUBACK', 'PUBLISH'],
      );
      assert.equal(later.of('connect').length, 0);
      assert.equal(counts.get(diagnosticsChannels.packetSend), 3);
    } finally {
      for (const ch of channels) Reflect.deleteProperty(ch, 'publish'); // the prototype's again
    }
  });
});

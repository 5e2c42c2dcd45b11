/**
 * `npm run example:diagnostics`: feeds steady-mqtt's `node:diagnostics_channel` channels to a log and to
 * metrics, from outside the client (docs/observability.md). It starts a private Mosquitto on a free loopback
 * port, then:
 *
 *   - logs each connection event (connect, CONNACK with the time since connect, disconnect, reconnect, error);
 *   - counts packets and bytes by packet type and direction, and the store's batches and time;
 *   - connects, subscribes, publishes ten QoS 1 messages to itself, disconnects, and prints the counts.
 *
 * The same subscriptions feed OpenTelemetry: see docs/observability.md for the span and counter calls.
 */
import diagnostics from 'node:diagnostics_channel';
import {
  CallbackAPIVersion,
  Client,
  MQTTProtocolVersion,
  diagnosticsChannels,
  type ConnackDiagnostic,
  type ConnectDiagnostic,
  type DisconnectDiagnostic,
  type ErrorDiagnostic,
  type PacketDiagnostic,
  type ReconnectDiagnostic,
  type StoreDiagnostic,
} from '../src/index.js';
import { startBroker } from '../test/support/mosquitto.js';

/** Packets and bytes by direction and packet name: what an OpenTelemetry counter would get as attributes. */
const packets = new Map<string, { count: number; bytes: number }>();
const store = { batches: 0, operations: 0, timeMs: 0 };

function countPacket(direction: 'send' | 'receive') {
  return (message: unknown): void => {
    const p = message as PacketDiagnostic;
    const key = `${direction} ${p.name}`;
    const entry = packets.get(key) ?? { count: 0, bytes: 0 };
    entry.count++;
    entry.bytes += p.size;
    packets.set(key, entry);
  };
}

const handlers: [string, (message: unknown) => void][] = [
  [
    diagnosticsChannels.connect,
    (m) =>
      console.log(
        `connect    ${(m as ConnectDiagnostic).url} (MQTT level ${(m as ConnectDiagnostic).protocol})`,
      ),
  ],
  [
    diagnosticsChannels.connack,
    (m) => {
      const c = m as ConnackDiagnostic;
      console.log(`connack    reason ${c.reasonCode}, ${c.durationMs.toFixed(1)} ms after connect`);
    },
  ],
  [
    diagnosticsChannels.disconnect,
    (m) => {
      const d = m as DisconnectDiagnostic;
      console.log(
        `disconnect reason 0x${d.reasonCode.toString(16)}${d.fromServer ? ' from the broker' : ''}`,
      );
    },
  ],
  [
    diagnosticsChannels.reconnect,
    (m) => console.log(`reconnect  in ${(m as ReconnectDiagnostic).delayMs} ms`),
  ],
  [
    diagnosticsChannels.error,
    (m) =>
      console.log(`error      ${(m as ErrorDiagnostic).source}: ${String((m as ErrorDiagnostic).error)}`),
  ],
  [diagnosticsChannels.packetSend, countPacket('send')],
  [diagnosticsChannels.packetReceive, countPacket('receive')],
  [
    diagnosticsChannels.store,
    (m) => {
      const s = m as StoreDiagnostic;
      store.batches++;
      store.operations += s.operations.length;
      store.timeMs += s.durationMs;
    },
  ],
];

const broker = await startBroker();
for (const [name, handler] of handlers) diagnostics.subscribe(name, handler);
try {
  const client = new Client(CallbackAPIVersion.VERSION2, { protocol: MQTTProtocolVersion.MQTTv5 });
  client.loopStart();
  await client.connectAndWait(broker.host, broker.port, 60);
  await client.subscribeAndWait('example/diagnostics', 1);
  let received = 0;
  const allReceived = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the ten messages did not come back in 5 s')), 5000);
    client.onMessage = () => {
      if (++received < 10) return;
      clearTimeout(timer);
      resolve();
    };
  });
  for (let i = 0; i < 10; i++) client.publish('example/diagnostics', `message ${i}`, 1);
  await allReceived;
  await client.disconnectAndWait();
  client.loopStop();

  console.log('\npackets (direction, type): count, bytes');
  for (const [key, { count, bytes }] of [...packets].sort())
    console.log(`  ${key.padEnd(20)} ${count}, ${bytes}`);
  console.log(
    `store: ${store.batches} batches, ${store.operations} operations, ${store.timeMs.toFixed(2)} ms`,
  );
} finally {
  for (const [name, handler] of handlers) diagnostics.unsubscribe(name, handler);
  await broker.stop();
}

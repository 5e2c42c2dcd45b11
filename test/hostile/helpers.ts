/**
 * The checks every hostile-broker scenario makes: the client closes (or stays up) the way the spec asks, the
 * application hears of it (`onDisconnect` with the MQTT 5 reason, a log line with the error's message), the
 * client reconnects on its back-off policy and works again, and memory stays bounded.
 */
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { MQTTProtocolVersion } from '../../src/index.js';
import { PacketType, type Packet, type Properties as PacketProperties } from '../../src/packet/types.js';
import type { FakeBroker, FakeConnection } from '../support/fake-broker.js';
import { recordingClient, waitUntil, type Recorder } from '../client/helpers.js';

export const HOSTILE_PROTOCOLS = [
  { name: 'MQTT 3.1.1', version: MQTTProtocolVersion.MQTTv311 },
  { name: 'MQTT 5.0', version: MQTTProtocolVersion.MQTTv5 },
] as const;

/** The reconnect delay the scenarios set (no jitter): a reconnect sooner than this broke the policy. */
export const RECONNECT_DELAY_MS = 200;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

export interface MemorySample {
  heapUsed: number;
  /** Memory of ArrayBuffers (Buffers, Uint8Arrays): outside the heap, and not resident until written. */
  arrayBuffers: number;
  rss: number;
}

/** Heap and RSS after a full garbage collection. */
export function memory(): MemorySample {
  gc();
  gc();
  const m = process.memoryUsage();
  return { heapUsed: m.heapUsed, arrayBuffers: m.arrayBuffers, rss: m.rss };
}

/**
 * Memory grew by less than `maxGrowthBytes` from `before` (heap and ArrayBuffers after a collection; RSS, which
 * the allocator may keep, gets four times the room).
 */
export function assertBounded(before: MemorySample, maxGrowthBytes: number, what: string): MemorySample {
  const after = memory();
  const heap = after.heapUsed - before.heapUsed;
  const rss = after.rss - before.rss;
  const buffers = after.arrayBuffers - before.arrayBuffers;
  assert.ok(heap < maxGrowthBytes, `${what}: heap grew by ${heap} bytes (limit ${maxGrowthBytes})`);
  assert.ok(
    buffers < maxGrowthBytes,
    `${what}: ArrayBuffers grew by ${buffers} bytes (limit ${maxGrowthBytes})`,
  );
  assert.ok(rss < 4 * maxGrowthBytes, `${what}: RSS grew by ${rss} bytes (limit ${4 * maxGrowthBytes})`);
  return after;
}

/** A recording client on the background loop, reconnecting after exactly `RECONNECT_DELAY_MS`. */
export function hostileClient(
  version: MQTTProtocolVersion,
  options: Parameters<typeof recordingClient>[1] = {},
): Recorder {
  const r = recordingClient(version, { reconnectJitter: 0, ...options });
  r.client.reconnectDelaySet(RECONNECT_DELAY_MS / 1000, RECONNECT_DELAY_MS / 1000);
  const record = r.client.onDisconnect;
  r.client.onDisconnect = (...args) => {
    lastDisconnectAt.set(r, Date.now());
    record?.(...args);
  };
  r.client.loopStart();
  return r;
}

const lastDisconnectAt = new WeakMap<Recorder, number>();

/** When `onDisconnect` last ran for a client made by `hostileClient`. */
export function disconnectedAt(r: Recorder): number {
  const at = lastDisconnectAt.get(r);
  assert.ok(at !== undefined, 'no onDisconnect yet');
  return at;
}

/** Connects `r` to `broker` and accepts it; resolves with the broker's side of the connection. */
export async function connectTo(
  r: Recorder,
  broker: FakeBroker,
  o: {
    connack?: Parameters<FakeConnection['accept']>[0];
    /** Wait for onConnect (false when the CONNACK is one the client refuses). */
    waitForConnack?: boolean;
    /** CONNECT properties (MQTT 5). */
    properties?: PacketProperties;
  } = {},
): Promise<FakeConnection> {
  const before = r.connacks.length;
  void r.client.connect(broker.host, broker.port, 60, '', 0, undefined, o.properties);
  const connection = await broker.nextConnection();
  await connection.accept(o.connack);
  if (o.waitForConnack !== false) await waitUntil(() => r.connacks.length > before, 5000, 'CONNACK');
  return connection;
}

export interface ExpectedClose {
  /** The reason `onDisconnect` reports. */
  reasonCode: number;
  /** MQTT 5: the reason of the client's DISCONNECT (`null`: none may be sent); default `reasonCode`. */
  sent?: number | null;
  /** A piece of the error's message, which the log line carries. */
  message: RegExp;
}

/**
 * The client closed `connection` because of what the broker did: onDisconnect with the reason (not from the
 * server), on MQTT 5 a DISCONNECT with the reason before the close (none on 3.x: it has no such packet), and
 * a warning log line naming the error.
 */
export async function assertClientClosed(
  r: Recorder,
  connection: FakeConnection,
  expected: ExpectedClose,
  disconnectsBefore: number,
): Promise<void> {
  await waitUntil(() => r.disconnects.length > disconnectsBefore, 5000, 'onDisconnect');
  assert.deepEqual(
    r.disconnects[disconnectsBefore],
    { rc: expected.reasonCode, fromServer: false },
    `onDisconnect; the log ends with ${JSON.stringify(r.logs.slice(-4).map((l) => l.message))}`,
  );
  await connection.closed;
  const disconnect = connection.received.filter((p) => p.type === PacketType.DISCONNECT);
  const sent = expected.sent === undefined ? expected.reasonCode : expected.sent;
  if (connection.protocolVersion === 5 && sent !== null) {
    assert.equal(disconnect.length, 1, 'one DISCONNECT');
    assert.equal(disconnect[0].type === PacketType.DISCONNECT && disconnect[0].reasonCode, sent);
  } else {
    assert.equal(disconnect.length, 0, 'no DISCONNECT');
  }
  const line = r.logs.find((l) => l.message.startsWith('Disconnected (') && expected.message.test(l.message));
  assert.ok(
    line,
    `a log line naming the error; got ${JSON.stringify(r.logs.map((l) => l.message).slice(-5))}`,
  );
}

/**
 * The client reconnects no sooner than its back-off delay, and the new connection works: a QoS 1 publish is
 * acknowledged. Resolves with the new connection.
 */
export async function assertReconnectsAndWorks(r: Recorder, broker: FakeBroker): Promise<FakeConnection> {
  const connection = await broker.nextConnection(5000);
  const waited = Date.now() - disconnectedAt(r);
  // Timers may fire a little early against Date.now(); 20 ms is far below the delay.
  assert.ok(waited >= RECONNECT_DELAY_MS - 20, `reconnected after ${waited} ms, before the back-off delay`);
  const connacks = r.connacks.length;
  await connection.accept();
  await waitUntil(() => r.connacks.length > connacks, 5000, 'CONNACK after the reconnect');
  const info = r.client.publish('after/reconnect', 'ok', 1);
  const publish = await expectSkipping(connection, PacketType.PUBLISH, (p) => p.packetId === info.mid);
  connection.send({ type: PacketType.PUBACK, packetId: publish.packetId ?? 0, reasonCode: 0 });
  await waitUntil(() => r.published.some((p) => p.mid === info.mid), 5000, 'onPublish after the reconnect');
  return connection;
}

type PacketOfType<T extends PacketType> = Extract<Packet, { type: T }>;

/** The next packet of `type` matching `match`, skipping others (resent messages, SUBSCRIBEs, PINGREQs). */
export async function expectSkipping<T extends PacketType>(
  connection: FakeConnection,
  type: T,
  match: (p: PacketOfType<T>) => boolean = () => true,
  maxPackets = 100,
): Promise<PacketOfType<T>> {
  for (let i = 0; i < maxPackets; i++) {
    const p = await connection.next();
    if (p.type === type && match(p as PacketOfType<T>)) return p as PacketOfType<T>;
  }
  throw new Error(`no matching packet of type ${type} within ${maxPackets} packets`);
}

/** Stops the client, bounded. */
export async function stop(r: Recorder): Promise<void> {
  r.client.disconnect();
  r.client.loopStop();
  await waitUntil(() => r.client.loopMode === 'none', 5000, 'the loop to stop');
}

/**
 * The scenarios of issues 6 and 16, with their sizes: full (default), `--quick`, and the smoke test's. Issue 16
 * added the bursts (2b, 3b), sequential connects (6b), the import cost (9), the raw Node and Paho peers.
 */
import { fanInTrial } from './fanin.js';
import { importTrial } from './import.js';
import { latencyTrial } from './latency.js';
import { manyTrial } from './many.js';
import * as M from './metrics.js';
import { throughputTrial } from './throughput.js';
import type { QoS } from '../protocol.js';
import type { PeerName, Scenario, Size } from './types.js';

type BySize<T> = Record<Size, T>;

const fmt = (n: number): string => n.toLocaleString('en-US');
const MIB = 1024 * 1024;

/** The in-flight window of the QoS 1/2 scenarios (same for every peer; see docs/benchmarks.md). */
export const WINDOW = 100;
const BROKER_INFLIGHT = 1000;

function timeouts(full: number, quick: number, smoke = 15_000): (size: Size) => number {
  return (size) => ({ full, quick, smoke })[size];
}

function throughputScenario(
  name: string,
  id: string,
  qos: QoS,
  counts: BySize<number>,
  timeoutFull: number,
  burst = false,
): Scenario {
  const peers: PeerName[] = burst
    ? ['steady', 'raw', 'mqttjs', 'c', 'paho']
    : ['steady', 'raw', 'mqttjs', 'c'];
  return {
    name,
    id,
    title: burst ? `QoS ${qos} burst from one loop` : `QoS ${qos} throughput`,
    describe: (size) =>
      `${fmt(counts[size])} × 64 B, one publisher → one subscriber, ` +
      (qos === 0
        ? '1,000 publishes per event-loop turn'
        : burst
          ? "every publish from one loop, each library's default in-flight limit (raw Node: 100)"
          : `window ${WINDOW}`),
    peers,
    brokerMaxInflight: BROKER_INFLIGHT,
    metrics: M.THROUGHPUT_METRICS,
    timeoutMs: timeouts(timeoutFull, 30_000),
    trial: (peer, env, size) =>
      throughputTrial(peer, env, {
        qos,
        count: counts[size],
        payloadBytes: 64,
        window: WINDOW,
        chunk: 1000,
        cleanSession: true,
        burst,
      }),
  };
}

function latencyScenario(name: string, id: string, qos: QoS, peers: readonly PeerName[]): Scenario {
  const counts: BySize<number> = { full: 5000, quick: 500, smoke: 20 };
  const warmups: BySize<number> = { full: 200, quick: 20, smoke: 5 };
  const budgetsMs: BySize<number> = { full: 30_000, quick: 3000, smoke: 5000 };
  return {
    name,
    id,
    title: `Round trip, QoS ${qos}`,
    describe: (size) =>
      `${fmt(counts[size])} sequential request/response round trips (64 B) after ${warmups[size]} warm-up, ` +
      `or as many as fit in ${budgetsMs[size] / 1000} s`,
    peers,
    brokerMaxInflight: BROKER_INFLIGHT,
    metrics: [M.P50, M.P99, M.MAX, M.ROUNDS, M.REQ_CPU, M.RESP_CPU, M.REQ_RSS, M.RESP_RSS],
    timeoutMs: timeouts(60_000, 20_000),
    trial: (peer, env, size) =>
      latencyTrial(peer, env, {
        qos,
        count: counts[size],
        warmup: warmups[size],
        payloadBytes: 64,
        maxMs: budgetsMs[size],
      }),
  };
}

const LARGE: BySize<{ count: number; bytes: number }> = {
  full: { count: 20, bytes: 16 * MIB },
  quick: { count: 2, bytes: 16 * MIB },
  smoke: { count: 2, bytes: MIB },
};
const MANY: BySize<number> = { full: 1000, quick: 200, smoke: 10 };
const FANIN: BySize<{ publishers: number; count: number }> = {
  full: { publishers: 100, count: 100_000 },
  quick: { publishers: 100, count: 10_000 },
  smoke: { publishers: 5, count: 100 },
};
const PERSISTENT: BySize<number> = { full: 50_000, quick: 5000, smoke: 100 };
/** Scenario 8b's messages per publishMany() call: a quarter of the window, so batches overlap in flight. */
const PERSISTENT_BATCH = 50;
const QOS1_COUNTS: BySize<number> = { full: 50_000, quick: 5000, smoke: 100 };
const QOS2_COUNTS: BySize<number> = { full: 20_000, quick: 2000, smoke: 100 };

export const SCENARIOS: readonly Scenario[] = [
  throughputScenario('qos0', '1', 0, { full: 200_000, quick: 20_000, smoke: 200 }, 120_000),
  throughputScenario('qos1', '2', 1, QOS1_COUNTS, 120_000),
  throughputScenario('qos1-burst', '2b', 1, QOS1_COUNTS, 120_000, true),
  throughputScenario('qos2', '3', 2, QOS2_COUNTS, 120_000),
  throughputScenario('qos2-burst', '3b', 2, QOS2_COUNTS, 120_000, true),
  latencyScenario('latency-qos0', '4a', 0, ['steady', 'raw', 'mqttjs', 'paho']),
  latencyScenario('latency-qos1', '4b', 1, ['steady', 'raw', 'mqttjs']),
  {
    name: 'large',
    id: '5',
    title: 'Large payloads, QoS 1',
    describe: (size) => `${LARGE[size].count} × ${LARGE[size].bytes / MIB} MiB at QoS 1, window 2`,
    peers: ['steady', 'mqttjs'],
    brokerMaxInflight: BROKER_INFLIGHT,
    metrics: [M.MB_PER_SEC, M.RECEIVED, M.PUB_RSS, M.SUB_RSS, M.PUB_CPU, M.SUB_CPU],
    timeoutMs: timeouts(120_000, 30_000),
    trial: (peer, env, size) =>
      throughputTrial(peer, env, {
        qos: 1,
        count: LARGE[size].count,
        payloadBytes: LARGE[size].bytes,
        window: 2,
        chunk: 1,
        cleanSession: true,
        burst: false,
      }),
  },
  {
    name: 'many',
    id: '6',
    title: 'Many clients in one process',
    describe: (size) => `${fmt(MANY[size])} clients connect and subscribe, at most 100 connecting at once`,
    peers: ['steady', 'raw', 'mqttjs'],
    brokerMaxInflight: BROKER_INFLIGHT,
    metrics: [M.CONNECT_MS, M.PEAK_RSS, M.RSS_ABOVE, M.KB_PER_CONN, M.CPU_PER_CLIENT],
    timeoutMs: timeouts(60_000, 20_000),
    trial: (peer, env, size) =>
      manyTrial(peer, env, { clients: MANY[size], concurrency: 100, subscribe: true }),
  },
  {
    name: 'connect-seq',
    id: '6b',
    title: 'Sequential connects in one process',
    describe: (size) =>
      `${fmt(MANY[size])} clients connect one after another (each waits for the previous CONNACK), no subscription`,
    peers: ['steady', 'raw', 'mqttjs', 'paho'],
    brokerMaxInflight: BROKER_INFLIGHT,
    metrics: [M.CONNECTED_MS, M.PEAK_RSS, M.RSS_ABOVE, M.KB_PER_CONN, M.CPU_PER_CLIENT],
    timeoutMs: timeouts(60_000, 20_000),
    trial: (peer, env, size) =>
      manyTrial(peer, env, { clients: MANY[size], concurrency: 1, subscribe: false }),
  },
  {
    name: 'fanin',
    id: '7',
    title: 'Fan-in, QoS 0',
    describe: (size) =>
      `${FANIN[size].publishers} publishers in one process → one subscriber, ${fmt(FANIN[size].count)} × 64 B in all`,
    peers: ['steady', 'mqttjs'],
    brokerMaxInflight: BROKER_INFLIGHT,
    metrics: [M.MSGS_PER_SEC, M.RECEIVED, M.PUB_CPU, M.SUB_CPU, M.PUB_RSS, M.SUB_RSS, M.BROKER_CPU],
    timeoutMs: timeouts(120_000, 30_000),
    trial: (peer, env, size) => fanInTrial(peer, env, { ...FANIN[size], payloadBytes: 64, chunk: 10 }),
  },
  {
    name: 'persistent',
    id: '8',
    title: 'Persistent session, QoS 1: SqliteStore vs MemoryStore',
    describe: (size) =>
      `scenario 2 (${fmt(PERSISTENT[size])} × 64 B, window ${WINDOW}) with cleanSession false, steady-mqtt only`,
    peers: ['steady-sqlite', 'steady'],
    brokerMaxInflight: BROKER_INFLIGHT,
    metrics: M.THROUGHPUT_METRICS,
    timeoutMs: timeouts(120_000, 30_000),
    trial: (peer, env, size) =>
      throughputTrial(peer, env, {
        qos: 1,
        count: PERSISTENT[size],
        payloadBytes: 64,
        window: WINDOW,
        chunk: 1000,
        cleanSession: false,
        burst: false,
      }),
  },
  {
    name: 'persistent-batch',
    id: '8b',
    title: 'Persistent session, QoS 1, publishMany batches: SqliteStore vs MemoryStore',
    describe: (size) =>
      `scenario 8 (${fmt(PERSISTENT[size])} × 64 B, window ${WINDOW}) with the application publishing in batches of ${PERSISTENT_BATCH} (one publishMany() call each, ` +
      'one store transaction), a batch going out when the window has room for it',
    peers: ['steady-sqlite', 'steady'],
    brokerMaxInflight: BROKER_INFLIGHT,
    metrics: M.THROUGHPUT_METRICS,
    timeoutMs: timeouts(120_000, 30_000),
    trial: (peer, env, size) =>
      throughputTrial(peer, env, {
        qos: 1,
        count: PERSISTENT[size],
        payloadBytes: 64,
        window: WINDOW,
        chunk: 1000,
        cleanSession: false,
        burst: false,
        batch: PERSISTENT_BATCH,
      }),
  },
  {
    name: 'import',
    id: '9',
    title: 'Import cost',
    describe: () =>
      'a fresh process imports the library and nothing else (steady-mqtt: its main entry point bundled as an ' +
      "application would; MQTT.js: 'mqtt' from node_modules; raw Node: node:net; Paho: paho.mqtt.client)",
    peers: ['steady', 'raw', 'mqttjs', 'paho'],
    brokerMaxInflight: BROKER_INFLIGHT,
    metrics: [M.IMPORT_MS, M.IMPORT_RSS, M.PROCESS_CPU_MS, M.RSS_ABOVE],
    timeoutMs: timeouts(20_000, 20_000),
    trial: (peer, env) => importTrial(peer, env),
  },
];

export function findScenario(name: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.name === name || s.id === name);
}

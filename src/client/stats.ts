/**
 * `Client.stats()`: what a client has done and holds, as one plain object made at each call. The counts are
 * kept where the work happens, as plain numbers (no allocation per message): the engine counts messages,
 * windows, queues, packet ids and round trips (`SessionEngine.stats()`), the driver bytes and store batches
 * (`EngineDriver.counters()`), the connection its connections and uptime. This file only assembles them.
 */
import type { ClientCore } from './client-core.js';

/** By QoS 0, 1 and 2. */
export interface ByQos {
  qos0: number;
  qos1: number;
  qos2: number;
}

export interface ClientStats {
  /** PUBLISH packets sent for the first time (resends after a reconnect are not counted). */
  messagesSent: ByQos;
  /** Application messages handed to the callbacks (a QoS 2 duplicate that the exactly-once flow drops is not). */
  messagesReceived: ByQos;
  /** Bytes written to and read from the network, every packet included, over every connection. */
  bytesSent: number;
  bytesReceived: number;
  /** QoS 1/2 messages on the wire waiting for their acknowledgement, and incoming ones not yet fully acknowledged. */
  inflight: { outgoing: number; incoming: number };
  /** Messages not sent yet (offline, behind the in-flight window, or while the socket is congested). */
  queued: { messages: number; bytes: number };
  /** Packet identifiers taken by messages, SUBSCRIBEs and UNSUBSCRIBEs. */
  packetIdsInUse: number;
  /** Successful connections (CONNACKs) after the first one. */
  reconnects: number;
  /** How long the current connection has been up, in milliseconds; 0 when not connected. */
  uptimeMs: number;
  /** The last PINGREQ's round trip to its PINGRESP, in milliseconds; undefined before the first. */
  lastPingRoundTripMs: number | undefined;
  /** The last timed QoS 1 message, from its PUBLISH to its PUBACK, in milliseconds (one is timed at a time). */
  lastPublishRoundTripMs: number | undefined;
  /** The session store: `apply()` batches, the operations in them, and the time spent in them (ms). */
  store: { batches: number; operations: number; timeMs: number };
}

const NO_ENGINE = {
  publishesSent: [0, 0, 0],
  messagesReceived: [0, 0, 0],
  inflightOutgoing: 0,
  inflightIncoming: 0,
  queuedMessages: 0,
  queuedBytes: 0,
  packetIdsInUse: 0,
  lastPingRoundTripMs: undefined,
  lastPublishRoundTripMs: undefined,
} as const;

export function collectStats<C, U>(core: ClientCore<C, U>): ClientStats {
  const engine = core.driver.session?.stats() ?? NO_ENGINE;
  const driver = core.driver.counters();
  const connection = core.connection;
  const [s0, s1, s2] = engine.publishesSent;
  const [r0, r1, r2] = engine.messagesReceived;
  return {
    messagesSent: { qos0: s0, qos1: s1, qos2: s2 },
    messagesReceived: { qos0: r0, qos1: r1, qos2: r2 },
    bytesSent: driver.bytesSent,
    bytesReceived: driver.bytesReceived,
    inflight: { outgoing: engine.inflightOutgoing, incoming: engine.inflightIncoming },
    queued: { messages: engine.queuedMessages, bytes: engine.queuedBytes },
    packetIdsInUse: engine.packetIdsInUse,
    reconnects: Math.max(0, connection.connections - 1),
    uptimeMs: connection.uptimeMs(),
    lastPingRoundTripMs: engine.lastPingRoundTripMs,
    lastPublishRoundTripMs: engine.lastPublishRoundTripMs,
    store: { batches: driver.storeBatches, operations: driver.storeOps, timeMs: driver.storeTimeMs },
  };
}

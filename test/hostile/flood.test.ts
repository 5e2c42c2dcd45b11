/**
 * A broker that pushes up to 200,000 QoS 1 messages as fast as the socket takes them, to an application that
 * handles 1,000 a second (manual ack: it acknowledges each message when it has handled it). Client memory stays
 * bounded: on MQTT 5 by the Receive Maximum the client advertised (a broker that ignores it is disconnected
 * with 0x93), on 3.1.1 by TCP back-pressure, the client no longer reading while the application's backlog is
 * full. Nothing is acknowledged before the application took it. The figures are in docs/reliability.md.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MQTTProtocolVersion, type MQTTMessage } from '../../src/index.js';
import { PacketType } from '../../src/packet/types.js';
import { FakeBroker, type FakeConnection } from '../support/fake-broker.js';
import { sleep, waitUntil, type Recorder } from '../client/helpers.js';
import { assertClientClosed, connectTo, hostileClient, memory, stop } from './helpers.js';

const FLOOD = 200_000;
/** How long the application handles messages at its pace before the figures are taken. */
const RUN_MS = 5_000;
/** Messages handled (and acknowledged) per 10 ms tick: 1,000 a second. */
const PER_TICK = 10;
const RECEIVE_MAXIMUM = 100;
/** The 3.x backlog at which the client stops reading (src/session/session.ts), plus a socket read's worth. */
const BACKLOG_BOUND_3X = 1000 + 1000;
const PAYLOAD = new Uint8Array(100).fill(0x61);

interface FloodFigures {
  written: number;
  handled: number;
  maxBacklog: number;
  pubacks: number;
  peakRssGrowth: number;
  peakHeapGrowth: number;
}

/** An application that takes messages from the client and handles `PER_TICK` every 10 ms. */
function slowApplication(r: Recorder) {
  const backlog: MQTTMessage[] = [];
  let handled = 0;
  let maxBacklog = 0;
  r.client.onMessage = (_c, _u, message) => {
    backlog.push(message);
    if (backlog.length > maxBacklog) maxBacklog = backlog.length;
  };
  const timer = setInterval(() => {
    for (const m of backlog.splice(0, PER_TICK)) {
      r.client.ack(m.mid, m.qos);
      handled++;
    }
  }, 10);
  return {
    stop: () => clearInterval(timer),
    get handled() {
      return handled;
    },
    get maxBacklog() {
      return maxBacklog;
    },
  };
}

function floodPublish(i: number) {
  return {
    type: PacketType.PUBLISH,
    topic: 'flood',
    payload: PAYLOAD,
    qos: 1,
    retain: false,
    dup: false,
    packetId: (i % 65535) + 1,
  } as const;
}

function pubacks(connection: FakeConnection): number {
  return connection.received.filter((p) => p.type === PacketType.PUBACK).length;
}

async function runFlood(
  r: Recorder,
  connection: FakeConnection,
  respectReceiveMaximum: boolean,
): Promise<FloodFigures> {
  const app = slowApplication(r);
  const base = memory();
  let peakRss = base.rss;
  let peakHeap = base.heapUsed;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 50);
  let written = 0;
  try {
    written = await connection.flood(FLOOD, floodPublish, {
      timeoutMs: RUN_MS,
      // A broker that keeps to the Receive Maximum: no more unacknowledged messages than the client allowed.
      shouldPause: respectReceiveMaximum
        ? (sent) => sent - pubacks(connection) >= RECEIVE_MAXIMUM
        : undefined,
    });
  } finally {
    clearInterval(sampler);
    app.stop();
  }
  return {
    written,
    handled: app.handled,
    maxBacklog: app.maxBacklog,
    pubacks: pubacks(connection),
    peakRssGrowth: peakRss - base.rss,
    peakHeapGrowth: peakHeap - base.heapUsed,
  };
}

void describe('a flood of QoS 1 messages to a slow application', () => {
  void it('MQTT 3.1.1: the client stops reading while the backlog is full; memory bounded, no early PUBACK', async () => {
    const broker = await FakeBroker.start();
    const r = hostileClient(MQTTProtocolVersion.MQTTv311, { manualAck: true });
    try {
      const connection = await connectTo(r, broker);
      const f = await runFlood(r, connection, false);
      console.log(`flood 3.1.1: ${JSON.stringify(f)}`);
      assert.ok(f.maxBacklog <= BACKLOG_BOUND_3X, `the application held ${f.maxBacklog} messages`);
      assert.ok(f.pubacks <= f.handled, `${f.pubacks} PUBACKs for ${f.handled} handled messages`);
      assert.ok(f.handled > 0, 'the application handled messages');
      assert.ok(f.written < FLOOD, 'the broker could not push everything: back-pressure held it');
      assert.ok(f.peakHeapGrowth < 64 * 1024 * 1024, `heap grew by ${f.peakHeapGrowth} bytes`);
      assert.equal(r.disconnects.length, 0);
    } finally {
      await stop(r);
      await broker.close();
    }
  });

  void it('MQTT 5: a broker that keeps to the Receive Maximum never has more in flight; memory bounded, no early PUBACK', async () => {
    const broker = await FakeBroker.start();
    const r = hostileClient(MQTTProtocolVersion.MQTTv5, { manualAck: true });
    try {
      const connection = await connectTo(r, broker, { properties: { receiveMaximum: RECEIVE_MAXIMUM } });
      const f = await runFlood(r, connection, true);
      console.log(`flood 5: ${JSON.stringify(f)}`);
      assert.ok(f.maxBacklog <= RECEIVE_MAXIMUM, `the application held ${f.maxBacklog} messages`);
      assert.ok(f.pubacks <= f.handled, `${f.pubacks} PUBACKs for ${f.handled} handled messages`);
      assert.ok(f.handled > 0, 'the application handled messages');
      assert.ok(f.peakHeapGrowth < 64 * 1024 * 1024, `heap grew by ${f.peakHeapGrowth} bytes`);
      assert.equal(r.disconnects.length, 0);
    } finally {
      await stop(r);
      await broker.close();
    }
  });

  void it('MQTT 5: a broker that ignores the Receive Maximum is disconnected with 0x93', async () => {
    const broker = await FakeBroker.start();
    const r = hostileClient(MQTTProtocolVersion.MQTTv5, { manualAck: true });
    try {
      const connection = await connectTo(r, broker, { properties: { receiveMaximum: RECEIVE_MAXIMUM } });
      r.client.onMessage = () => undefined; // takes messages and never acknowledges them
      void connection.flood(RECEIVE_MAXIMUM + 1, floodPublish, { timeoutMs: 5000 });
      await assertClientClosed(
        r,
        connection,
        { reasonCode: 0x93, message: /more than Receive Maximum unacknowledged/ },
        0,
      );
      await sleep(10);
      assert.equal(pubacks(connection), 0);
      await waitUntil(() => r.disconnects.length === 1, 1000, 'one close');
    } finally {
      await stop(r);
      await broker.close();
    }
  });
});

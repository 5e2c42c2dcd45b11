/**
 * One throughput trial: the subscriber process subscribes, then the publisher process publishes; the publisher
 * stays connected until the subscriber has reported (its disconnect is not measured). Messages per second count from the publisher's first publish to the subscriber's last receipt (both clocks are the
 * machine's epoch clock, `performance.timeOrigin + performance.now()`).
 */
import type { PubTask, QoS } from '../protocol.js';
import { processCpuUs } from '../lib/proc.js';
import { rssAboveEmptyMb, startPublisher, startSubscriber, storeOf } from './peer-runner.js';
import type { Metrics, PeerName, TrialEnv } from './types.js';

export interface ThroughputParams {
  qos: QoS;
  count: number;
  payloadBytes: number;
  /** In-flight window for QoS 1/2 (0 = no limit). */
  window: number;
  /** QoS 0 publishes per event-loop turn. */
  chunk: number;
  cleanSession: boolean;
  /** QoS 1/2: every publish from one loop, library default in-flight limits (see `PubTask.burst`). */
  burst: boolean;
  /** QoS 1/2 within the window: messages per `publishMany()` call (see `PubTask.batch`); absent: one each. */
  batch?: number;
}

export const TOPIC = 'bench/throughput';

export async function throughputTrial(peer: PeerName, env: TrialEnv, p: ThroughputParams): Promise<Metrics> {
  const common = { host: env.broker.host, port: env.broker.port, topic: TOPIC, qos: p.qos, count: p.count };
  const sub = startSubscriber(peer, env, { ...common, role: 'sub', clientId: `sub-${env.tag}` });
  await sub.ready;
  const brokerCpuStart = processCpuUs(env.broker.pid);
  const task: PubTask = {
    ...common,
    role: 'pub',
    clientId: `pub-${env.tag}`,
    payloadBytes: p.payloadBytes,
    window: p.window,
    chunk: p.chunk,
    cleanSession: p.cleanSession,
    store: storeOf(peer),
    storeDir: env.dir,
    burst: p.burst,
    ...(p.batch === undefined ? {} : { batch: p.batch }),
  };
  const publisher = startPublisher(peer, env, task);
  try {
    await publisher.published;
  } finally {
    sub.finish();
  }
  const s = await sub.result;
  const brokerCpu = processCpuUs(env.broker.pid) - brokerCpuStart;
  publisher.finish();
  const pub = await publisher.result;
  const seconds = (s.lastAt - pub.firstAt) / 1000;
  return {
    msgsPerSec: s.received > 0 ? s.received / seconds : 0,
    mbPerSec: s.received > 0 ? s.bytes / 1e6 / seconds : 0,
    received: s.received,
    pubCpuUs: pub.cpuUs / p.count,
    pubProcessCpuS: pub.processCpuUs / 1e6,
    pubRssAboveMb: rssAboveEmptyMb(peer, env, pub.maxRssKb),
    subCpuUs: s.received > 0 ? s.cpuUs / s.received : NaN,
    pubRssMb: pub.maxRssKb / 1024,
    subRssMb: s.maxRssKb / 1024,
    brokerCpuUs: brokerCpu / p.count,
  };
}

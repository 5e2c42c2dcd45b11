/** One latency trial: a responder process, then a requester process doing sequential round trips. */
import type { QoS } from '../protocol.js';
import { percentileSorted } from '../lib/stats.js';
import { expectRole, startPeerChild } from './peer-runner.js';
import type { Metrics, PeerName, TrialEnv } from './types.js';

export interface LatencyParams {
  qos: QoS;
  count: number;
  warmup: number;
  payloadBytes: number;
  /** Time budget of the measured round trips, ms. */
  maxMs: number;
}

export async function latencyTrial(peer: PeerName, env: TrialEnv, p: LatencyParams): Promise<Metrics> {
  const common = {
    host: env.broker.host,
    port: env.broker.port,
    topic: 'bench/request',
    replyTopic: 'bench/reply',
    qos: p.qos,
  };
  const responder = startPeerChild(peer, env, { ...common, role: 'responder', clientId: `resp-${env.tag}` });
  await responder.ready;
  const requester = startPeerChild(peer, env, {
    ...common,
    role: 'requester',
    clientId: `req-${env.tag}`,
    count: p.count,
    warmup: p.warmup,
    payloadBytes: p.payloadBytes,
    maxMs: p.maxMs,
  });
  let req;
  try {
    req = expectRole(await requester.result, 'requester');
  } finally {
    responder.finish();
  }
  const resp = expectRole(await responder.result, 'responder');
  const rounds = req.samplesUs.length;
  return {
    p50Us: percentileSorted(req.samplesUs, 50),
    p99Us: percentileSorted(req.samplesUs, 99),
    maxUs: req.samplesUs[rounds - 1] ?? NaN,
    rounds,
    reqCpuUs: req.cpuUs / rounds,
    respCpuUs: resp.cpuUs / resp.answered,
    reqRssMb: req.maxRssKb / 1024,
    respRssMb: resp.maxRssKb / 1024,
  };
}

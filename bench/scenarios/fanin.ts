/** One fan-in trial: a subscriber process, then one process with many publishers (QoS 0). */
import { processCpuUs } from '../lib/proc.js';
import { expectRole, startPeerChild, startSubscriber } from './peer-runner.js';
import type { Metrics, PeerName, TrialEnv } from './types.js';

export interface FanInParams {
  publishers: number;
  count: number;
  payloadBytes: number;
  chunk: number;
}

export async function fanInTrial(peer: PeerName, env: TrialEnv, p: FanInParams): Promise<Metrics> {
  const topic = 'bench/fanin';
  const count = Math.floor(p.count / p.publishers) * p.publishers;
  const host = env.broker.host;
  const port = env.broker.port;
  const sub = startSubscriber(peer, env, {
    role: 'sub',
    host,
    port,
    topic,
    qos: 0,
    count,
    clientId: `sub-${env.tag}`,
  });
  await sub.ready;
  const brokerCpuStart = processCpuUs(env.broker.pid);
  const pubs = startPeerChild(peer, env, {
    role: 'fanin',
    host,
    port,
    clientId: `fan-${env.tag}`,
    publishers: p.publishers,
    topic,
    count,
    payloadBytes: p.payloadBytes,
    chunk: p.chunk,
  });
  try {
    await pubs.published;
  } finally {
    sub.finish();
  }
  const s = await sub.result;
  const brokerCpu = processCpuUs(env.broker.pid) - brokerCpuStart;
  pubs.finish();
  const pub = expectRole(await pubs.result, 'fanin');
  const seconds = (s.lastAt - pub.firstAt) / 1000;
  return {
    msgsPerSec: s.received > 0 ? s.received / seconds : 0,
    received: s.received,
    pubCpuUs: pub.cpuUs / count,
    subCpuUs: s.received > 0 ? s.cpuUs / s.received : NaN,
    pubRssMb: pub.maxRssKb / 1024,
    subRssMb: s.maxRssKb / 1024,
    brokerCpuUs: brokerCpu / count,
  };
}

/** One many-clients trial: one process opens `clients` connections (each subscribing, or not); then all disconnect. */
import { expectRole, rssAboveEmptyMb, startPeerChild } from './peer-runner.js';
import type { Metrics, PeerName, TrialEnv } from './types.js';

export async function manyTrial(
  peer: PeerName,
  env: TrialEnv,
  p: { clients: number; concurrency: number; subscribe: boolean },
): Promise<Metrics> {
  const child = startPeerChild(peer, env, {
    role: 'many',
    host: env.broker.host,
    port: env.broker.port,
    clientId: `many-${env.tag}`,
    clients: p.clients,
    concurrency: p.concurrency,
    subscribe: p.subscribe,
  });
  const r = expectRole(await child.result, 'many');
  if (r.connected !== p.clients) throw new Error(`only ${r.connected} of ${p.clients} clients connected`);
  return {
    connectMs: r.elapsedMs,
    rssMb: r.maxRssKb / 1024,
    rssAboveMb: r.keptOpen ? rssAboveEmptyMb(peer, env, r.maxRssKb) : NaN,
    kbPerConn: r.keptOpen ? (r.rssAfterKb - r.rssBeforeKb) / p.clients : NaN,
    cpuUsPerClient: r.cpuUs / p.clients,
  };
}

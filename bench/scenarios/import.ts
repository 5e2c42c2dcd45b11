/**
 * One import-cost trial: a fresh process (the probe bundle, or Paho's script) imports the client library and
 * nothing else, and reports the import's time, the RSS it added, its whole CPU and its peak RSS.
 */
import { pathToFileURL } from 'node:url';
import { startNodeChild } from '../lib/node-child.js';
import { expectRole, rssAboveEmptyMb, startPeerChild } from './peer-runner.js';
import type { Metrics, PeerName, TrialEnv } from './types.js';

function specifierOf(peer: PeerName, env: TrialEnv): string {
  if (peer === 'mqttjs') return 'mqtt';
  if (peer === 'raw') return 'node:net';
  if (peer === 'steady-base') {
    if (env.bundles.steadyLibraryBaseline === undefined)
      throw new Error('no baseline bundle (--baseline REV)');
    return pathToFileURL(env.bundles.steadyLibraryBaseline).href;
  }
  return pathToFileURL(env.bundles.steadyLibrary).href;
}

export async function importTrial(peer: PeerName, env: TrialEnv): Promise<Metrics> {
  const task = { role: 'import', specifier: specifierOf(peer, env) } as const;
  const child =
    peer === 'paho' ? startPeerChild(peer, env, task) : startNodeChild(env.bundles.importProbe, task, [], env.runtime);
  const r = expectRole(await child.result, 'import');
  return {
    importMs: r.importMs,
    importRssMb: r.rssDeltaKb / 1024,
    processCpuMs: r.processCpuUs / 1000,
    rssAboveMb: rssAboveEmptyMb(peer, env, r.maxRssKb),
  };
}

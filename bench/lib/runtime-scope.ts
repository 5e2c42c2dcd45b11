/**
 * What a `--runtime bun|deno` run measures: issue 13's scenarios (QoS 0 and QoS 1 throughput, with publisher CPU
 * per message and peak RSS) unless `--scenario` names others, and only the peers that are JavaScript running
 * under that runtime, compared with the same runtime's MQTT.js. Each peer left out is said once, with why.
 */
import type { PeerName, Scenario } from '../scenarios/types.js';
import { RUNTIME_LABELS, type Runtime } from './runtime.js';

/** The scenarios a Bun or Deno run makes when `--scenario` names none. */
export const RUNTIME_DEFAULT_SCENARIOS: readonly string[] = ['qos0', 'qos1'];

/** The peers that do not run under Bun or Deno, and why. */
const NOT_ON_OTHER_RUNTIMES: Partial<Record<PeerName, string>> = {
  c: "Mosquitto's C clients are native programs, the same under every runtime: see the Node run",
  paho: 'Paho Python runs on Python, the same under every runtime: see the Node run',
  raw: "the raw node:net client is the Node run's floor, not a library a Bun or Deno user would pick",
};

export interface RuntimeScope {
  scenarios: Scenario[];
  /** One line per peer or scenario left out, with the reason. */
  leftOut: string[];
}

/** Keeps, for `runtime`, the peers that run there; a scenario left with fewer than one peer is left out. */
export function scopeToRuntime(scenarios: readonly Scenario[], runtime: Runtime): RuntimeScope {
  if (runtime === 'node') return { scenarios: [...scenarios], leftOut: [] };
  const label = RUNTIME_LABELS[runtime];
  const leftOut = new Set<string>();
  const kept: Scenario[] = [];
  for (const s of scenarios) {
    const peers = s.peers.filter((p) => {
      const reason = NOT_ON_OTHER_RUNTIMES[p];
      if (reason !== undefined) leftOut.add(`${p} left out on ${label}: ${reason}`);
      return reason === undefined;
    });
    if (peers.length === 0) leftOut.add(`scenario ${s.name} left out on ${label}: none of its peers runs there`);
    else kept.push({ ...s, peers });
  }
  return { scenarios: kept, leftOut: [...leftOut] };
}

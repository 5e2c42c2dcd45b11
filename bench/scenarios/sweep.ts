/**
 * The in-flight window sweep (`--sweep`), for issue 6's default-window question: steady-mqtt's QoS 1 and QoS 2
 * throughput, and the broker's CPU per message, at windows 10, 20, 50, 100, 200 and unlimited (0). One
 * pseudo-scenario per (QoS, window) so the runner and its timeouts apply unchanged.
 */
import * as M from './metrics.js';
import { throughputTrial } from './throughput.js';
import type { Scenario, Size } from './types.js';

export const SWEEP_WINDOWS = [10, 20, 50, 100, 200, 0] as const;

const COUNTS: Record<1 | 2, Record<Size, number>> = {
  1: { full: 20_000, quick: 2000, smoke: 100 },
  2: { full: 10_000, quick: 1000, smoke: 100 },
};

export function windowLabel(window: number): string {
  return window === 0 ? 'unlimited' : String(window);
}

export function sweepScenarios(): Scenario[] {
  const out: Scenario[] = [];
  for (const qos of [1, 2] as const) {
    for (const window of SWEEP_WINDOWS) {
      out.push({
        name: `sweep-qos${qos}-w${windowLabel(window)}`,
        id: `sweep`,
        title: `QoS ${qos}, window ${windowLabel(window)}`,
        describe: (s) => `${COUNTS[qos][s].toLocaleString('en-US')} × 64 B`,
        peers: ['steady'],
        brokerMaxInflight: 1000,
        metrics: [M.MSGS_PER_SEC, M.RECEIVED, M.BROKER_CPU, M.PUB_CPU, M.SUB_CPU],
        timeoutMs: () => 120_000,
        trial: (peer, env, s) =>
          throughputTrial(peer, env, {
            qos,
            count: COUNTS[qos][s],
            payloadBytes: 64,
            window,
            chunk: 1000,
            cleanSession: true,
            burst: false,
          }),
      });
    }
  }
  return out;
}

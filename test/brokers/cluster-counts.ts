/**
 * What the cluster failover tests share: the stream's size and rate, the peer program and how to read its result.
 * STEADY_CLUSTER_PER_QOS messages of each QoS (CI: 300) at STEADY_CLUSTER_RATE a second (CI: 200);
 * `npm run test:clusters` sets 4,000 at 300.
 */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import type { Child } from '../fault/children.js';

export const PEER = fileURLToPath(new URL('./fixtures/failover-peer.ts', import.meta.url));
export const PER_QOS = Number(process.env.STEADY_CLUSTER_PER_QOS ?? 300);
export const RATE = Number(process.env.STEADY_CLUSTER_RATE ?? 200);
export const STREAM_MS = ((PER_QOS * 2) / RATE) * 1000;
/** The peer's `reconnectDelaySet(minS, maxS)` and the client's default `reconnectJitter`. */
export const PEER_RECONNECT = { minS: 0.1, maxS: 2, jitter: 0.5 } as const;

/** The `done` line of a peer (fixtures/failover-peer.ts). */
export interface Done {
  sent: { 1: number; 2: number };
  received: { 1: number; 2: number };
  duplicates: { 1: number; 2: number };
  missing: { 1: number; 2: number };
  missingIds: string[];
  missingSpan: { 1: number[]; 2: number[] };
  duplicateIds: string[];
  reconnects: number;
  resumeMs: number[];
  attempts: number;
}

export function doneOf(child: Child): Done {
  const line = child.lines.find((l) => l.startsWith('done '));
  assert.ok(
    line !== undefined,
    `no result from the peer; stderr:\n${child.stderr()}\n${child.lines.join('\n')}`,
  );
  return JSON.parse(line.slice(5)) as Done;
}

/** The peer's connection events, for the evidence line. */
export function connectionEvents(child: Child): string[] {
  return child.lines.filter((l) => /^(dis)?connected /.test(l));
}

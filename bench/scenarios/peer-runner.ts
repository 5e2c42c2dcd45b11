/** Starting a peer's subscriber or publisher: a Node bundle for steady-mqtt and MQTT.js, the C clients for `c`. */
import type { PubResult, PubTask, StoreKind, SubResult, SubTask, Task } from '../protocol.js';
import { runCPub, startCSub } from '../lib/c-clients.js';
import { startChild, startNodeChild, type NodeChild } from '../lib/node-child.js';
import { PAHO_PYTHON, PAHO_SCRIPT } from '../lib/baselines.js';
import type { PeerName, TrialEnv } from './types.js';

/** How long a receiver waits for more after its publisher finished, before reporting what it has. */
export const IDLE_MS = 2000;

export function storeOf(peer: PeerName): StoreKind {
  return peer === 'steady-sqlite' || peer === 'steady-sqlite-base' ? 'sqlite' : 'memory';
}

/** Starts the child of `peer` for `task` (not for the C peer), JavaScript peers under `env.runtime`. */
export function startPeerChild(peer: PeerName, env: TrialEnv, task: Task): NodeChild {
  if (peer === 'c') throw new Error('the C clients have no Node child');
  if (peer === 'paho') return startChild(PAHO_PYTHON, [PAHO_SCRIPT], task);
  if (peer === 'mqttjs') return startNodeChild(env.bundles.mqttjs, task, [], env.runtime);
  // --profile covers the raw peer too: its profile is the floor to compare steady-mqtt's with.
  if (peer === 'raw') return startNodeChild(env.bundles.raw, task, env.steadyNodeArgs, env.runtime);
  if (peer === 'steady-base' || peer === 'steady-sqlite-base') {
    if (env.bundles.steadyBaseline === undefined) throw new Error('no baseline bundle (--baseline REV)');
    return startNodeChild(env.bundles.steadyBaseline, task, env.steadyNodeArgs, env.runtime);
  }
  return startNodeChild(env.bundles.steady, task, env.steadyNodeArgs, env.runtime);
}

/** Peak RSS of `peer`'s process above an empty process of its runtime (Node/Bun/Deno, Python; C: as it is), MB. */
export function rssAboveEmptyMb(peer: PeerName, env: TrialEnv, maxRssKb: number): number {
  const base = peer === 'paho' ? env.baselines.pythonRssKb : peer === 'c' ? 0 : env.baselines.runtimeRssKb;
  return (maxRssKb - base) / 1024;
}

export interface Subscriber {
  ready: Promise<void>;
  result: Promise<SubResult>;
  finish(): void;
}

export function startSubscriber(peer: PeerName, env: TrialEnv, task: SubTask): Subscriber {
  if (peer === 'c') {
    const sub = startCSub(task, env.broker, env.timeoutMs);
    return { ready: sub.ready, result: sub.result, finish: () => sub.finish(IDLE_MS) };
  }
  const child = startPeerChild(peer, env, task);
  return {
    ready: child.ready,
    result: handled(child.result.then((r) => expectRole(r, 'sub'))),
    finish: () => child.finish(),
  };
}

export interface Publisher {
  /** Everything published (QoS 1/2: acknowledged); a Node publisher then waits for `finish()` to disconnect. */
  published: Promise<void>;
  result: Promise<PubResult>;
  finish(): void;
}

export function startPublisher(peer: PeerName, env: TrialEnv, task: PubTask): Publisher {
  if (peer === 'c') {
    // mosquitto_pub exits by itself at the end of its input, once everything is sent (and acknowledged).
    const result = handled(runCPub(task, env.broker, env.timeoutMs));
    return { published: handled(result.then(() => undefined)), result, finish: () => undefined };
  }
  const child = startPeerChild(peer, env, task);
  return {
    published: child.published,
    result: handled(child.result.then((r) => expectRole(r, 'pub'))),
    finish: () => child.finish(),
  };
}

/**
 * Marks a promise as handled: after a trial timed out, the runner kills its processes and nobody awaits their
 * promises any more; their rejections must not crash the harness. Whoever awaits it still sees the rejection.
 */
export function handled<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

export function expectRole<R extends { role: string }, K extends R['role']>(
  result: R,
  role: K,
): Extract<R, { role: K }> {
  if (result.role !== role) throw new Error(`expected a ${role} result, got ${result.role}`);
  return result as Extract<R, { role: K }>;
}

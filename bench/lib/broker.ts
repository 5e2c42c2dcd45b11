/**
 * The benchmark's broker: a private Mosquitto (test/support/mosquitto.ts) on a free loopback port, without
 * packet logging, with queues large enough never to be the bottleneck, and with `log_type subscribe` so the
 * harness can see when a C client's subscription is in place.
 */
import { startBroker, type Broker } from '../../test/support/mosquitto.js';

export const BROKER_MAX_QUEUED_MESSAGES = 10_000_000;

const EXTRA_CONFIG = [
  'log_type error',
  'log_type warning',
  'log_type notice',
  'log_type information',
  'log_type subscribe',
  'max_queued_bytes 0',
  'message_size_limit 0',
  // Without it the broker's small packets wait for delayed ACKs (Nagle): 40-90 ms QoS 1 round trips for every client.
  'set_tcp_nodelay true',
].join('\n');

/** Starts a broker whose `max_inflight_messages` (towards each subscriber) is `maxInflight`. */
export function startBenchBroker(maxInflight: number): Promise<Broker> {
  return startBroker({
    quietLog: true,
    maxInflightMessages: maxInflight,
    maxQueuedMessages: BROKER_MAX_QUEUED_MESSAGES,
    config: EXTRA_CONFIG,
  });
}

/** Resolves once the broker's log has a line matching `pattern`; rejects after `timeoutMs`. */
export async function waitForLog(broker: Broker, pattern: RegExp, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(broker.log())) {
    if (Date.now() > deadline) throw new Error(`broker log never matched ${String(pattern)}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

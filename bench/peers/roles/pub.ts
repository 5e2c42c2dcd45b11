/**
 * The publisher. QoS 0: `chunk` publishes per event-loop turn. Then `published`, and a graceful disconnect once
 * the parent says `finish` (the subscriber has reported).
 * QoS 1/2: pipelined within a window: at most `window` publishes await their PUBACK/PUBCOMP (0 = no limit), and
 * each acknowledgement lets the next publish go; or, with `burst`, every publish from one loop, the client at
 * its library's default in-flight limit.
 */
import { epochMs, type PubResult, type PubTask } from '../../protocol.js';
import type { BenchClient, BenchClientFactory } from '../bench-client.js';
import type { ChildContext } from './context.js';
import { makePayload, usageSince, yieldTurn } from './util.js';

export async function runPub(
  task: PubTask,
  factory: BenchClientFactory,
  ctx: ChildContext,
): Promise<PubResult> {
  const client = factory(task.burst ? { ...task, window: null } : task);
  const payload = makePayload(task.payloadBytes);
  await client.connect();
  const cpuStart = process.cpuUsage();
  const firstAt = epochMs();
  if (task.qos === 0) await publishChunked(client, task, payload);
  else if (task.burst) await publishBurst(client, task, payload);
  else await publishWindowed(client, task, payload);
  ctx.emit({ type: 'published' });
  await ctx.finished;
  await client.end();
  const doneAt = epochMs();
  return { role: 'pub', sent: task.count, firstAt, doneAt, ...usageSince(cpuStart) };
}

async function publishChunked(client: BenchClient, task: PubTask, payload: Buffer): Promise<void> {
  let i = 0;
  while (i < task.count) {
    const stop = Math.min(task.count, i + task.chunk);
    for (; i < stop; i++) client.publish(task.topic, payload, 0);
    if (i < task.count) await yieldTurn();
  }
}

/** Publishes `task.count` messages from one loop; resolves on the last acknowledgement. */
function publishBurst(client: BenchClient, task: PubTask, payload: Buffer): Promise<void> {
  return new Promise((resolve) => {
    let acked = 0;
    client.onAcked = () => {
      if (++acked === task.count) resolve();
    };
    for (let i = 0; i < task.count; i++) client.publish(task.topic, payload, task.qos);
  });
}

/**
 * Publishes `task.count` messages keeping at most `task.window` unacknowledged; resolves on the last ack. With
 * `task.batch`, a batch goes out (one `publishMany()` call) once the window has room for all of it.
 */
export function publishWindowed(client: BenchClient, task: PubTask, payload: Buffer): Promise<void> {
  return new Promise((resolve) => {
    const limit = task.window === 0 ? task.count : task.window;
    const batch = Math.min(task.batch ?? 1, limit);
    const publishMany = client.publishMany?.bind(client);
    let sent = 0;
    let acked = 0;
    const pump = (): void => {
      if (batch > 1 && publishMany !== undefined) {
        for (;;) {
          const n = Math.min(batch, task.count - sent);
          if (n === 0 || limit - (sent - acked) < n) return;
          sent += n;
          publishMany(task.topic, payload, task.qos, n);
        }
      }
      while (sent < task.count && sent - acked < limit) {
        sent++;
        client.publish(task.topic, payload, task.qos);
      }
    };
    client.onAcked = () => {
      acked++;
      if (acked === task.count) resolve();
      else pump();
    };
    pump();
  });
}

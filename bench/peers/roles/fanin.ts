/**
 * Fan-in: `publishers` clients in this one process, all connected first; then, turn after turn, each publishes
 * `chunk` QoS 0 messages until each has published its share of `count`; then `published`, and all disconnect
 * gracefully once the parent says `finish`.
 */
import { epochMs, type FanInResult, type FanInTask } from '../../protocol.js';
import type { BenchClient, BenchClientFactory } from '../bench-client.js';
import type { ChildContext } from './context.js';
import { makePayload, usageSince, yieldTurn } from './util.js';

export async function runFanIn(
  task: FanInTask,
  factory: BenchClientFactory,
  ctx: ChildContext,
): Promise<FanInResult> {
  const payload = makePayload(task.payloadBytes);
  const clients: BenchClient[] = [];
  for (let i = 0; i < task.publishers; i++) {
    clients.push(
      factory({
        host: task.host,
        port: task.port,
        clientId: `${task.clientId}-${i}`,
        window: 0,
        cleanSession: true,
        store: 'memory',
      }),
    );
  }
  await Promise.all(clients.map((c) => c.connect()));
  const share = Math.floor(task.count / task.publishers);
  const cpuStart = process.cpuUsage();
  const firstAt = epochMs();
  let sent = 0;
  for (let done = 0; done < share;) {
    const n = Math.min(task.chunk, share - done);
    for (const client of clients) {
      for (let k = 0; k < n; k++) client.publish(task.topic, payload, 0);
    }
    done += n;
    sent += n * clients.length;
    await yieldTurn();
  }
  ctx.emit({ type: 'published' });
  await ctx.finished;
  await Promise.all(clients.map((c) => c.end()));
  const doneAt = epochMs();
  return { role: 'fanin', sent, firstAt, doneAt, ...usageSince(cpuStart) };
}

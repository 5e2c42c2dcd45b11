/** The subscriber: counts messages until `count` arrived (or, after `finish`, until nothing more arrives). */
import { epochMs, type SubResult, type SubTask } from '../../protocol.js';
import type { BenchClientFactory } from '../bench-client.js';
import { settle, usageSince } from './util.js';
import type { ChildContext } from './context.js';

export async function runSub(
  task: SubTask,
  factory: BenchClientFactory,
  ctx: ChildContext,
): Promise<SubResult> {
  const client = factory({ ...task, window: 0, cleanSession: true, store: 'memory' });
  let received = 0;
  let bytes = 0;
  let firstAt = 0;
  let lastAt = 0;
  let cpuStart = process.cpuUsage();
  let complete: () => void = () => undefined;
  const completed = new Promise<void>((resolve) => (complete = resolve));
  client.onMessage = (_topic, payload) => {
    lastAt = epochMs();
    if (received === 0) firstAt = lastAt;
    received++;
    bytes += payload.length;
    if (received === task.count) complete();
  };
  await client.connect();
  await client.subscribe(task.topic, task.qos);
  cpuStart = process.cpuUsage();
  ctx.emit({ type: 'ready' });
  await Promise.race([
    completed,
    ctx.finished.then(() =>
      settle(
        () => received >= task.count,
        () => received,
        ctx.idleMs,
      ),
    ),
  ]);
  const result: SubResult = { role: 'sub', received, bytes, firstAt, lastAt, ...usageSince(cpuStart) };
  await client.end();
  return result;
}

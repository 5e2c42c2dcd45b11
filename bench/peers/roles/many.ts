/**
 * Many clients in one process: `clients` connections, at most `concurrency` being opened at once, each
 * subscribing to its own topic when `subscribe` is set; timed from the first connect to the last CONNACK or
 * SUBACK.
 */
import type { ManyResult, ManyTask } from '../../protocol.js';
import type { BenchClient, BenchClientFactory } from '../bench-client.js';
import { usageSince } from './util.js';

export async function runMany(task: ManyTask, factory: BenchClientFactory): Promise<ManyResult> {
  const clients: BenchClient[] = [];
  const rssBeforeKb = process.memoryUsage().rss / 1024;
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < task.clients) {
      const i = next++;
      const client = factory({
        host: task.host,
        port: task.port,
        clientId: `${task.clientId}-${i}`,
        window: 0,
        cleanSession: true,
        store: 'memory',
      });
      clients.push(client);
      await client.connect();
      if (task.subscribe) await client.subscribe(`bench/many/${i}`, 1);
    }
  };
  await Promise.all(Array.from({ length: Math.min(task.concurrency, task.clients) }, worker));
  const elapsedMs = performance.now() - start;
  const rssAfterKb = process.memoryUsage().rss / 1024;
  const usage = usageSince(cpuStart);
  await Promise.all(clients.map((c) => c.end()));
  return {
    role: 'many',
    connected: clients.length,
    elapsedMs,
    rssBeforeKb,
    rssAfterKb,
    keptOpen: true,
    ...usage,
  };
}

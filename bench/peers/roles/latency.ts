/**
 * Round trips through the broker: the requester publishes a request and waits for the reply before the next;
 * the responder answers each request with the same payload. Both at the task's QoS.
 */
import type { RequesterResult, RequesterTask, ResponderResult, ResponderTask } from '../../protocol.js';
import type { BenchClientFactory } from '../bench-client.js';
import type { ChildContext } from './context.js';
import { makePayload, usageSince } from './util.js';

export async function runResponder(
  task: ResponderTask,
  factory: BenchClientFactory,
  ctx: ChildContext,
): Promise<ResponderResult> {
  const client = factory({ ...task, window: 0, cleanSession: true, store: 'memory' });
  let answered = 0;
  client.onMessage = (_topic, payload) => {
    answered++;
    client.publish(task.replyTopic, payload as Buffer, task.qos);
  };
  await client.connect();
  await client.subscribe(task.topic, task.qos);
  const cpuStart = process.cpuUsage();
  ctx.emit({ type: 'ready' });
  await ctx.finished;
  const result: ResponderResult = { role: 'responder', answered, ...usageSince(cpuStart) };
  await client.end();
  return result;
}

export async function runRequester(
  task: RequesterTask,
  factory: BenchClientFactory,
): Promise<RequesterResult> {
  const client = factory({ ...task, window: 0, cleanSession: true, store: 'memory' });
  const payload = makePayload(task.payloadBytes);
  let replied: () => void = () => undefined;
  client.onMessage = () => replied();
  await client.connect();
  await client.subscribe(task.replyTopic, task.qos);
  const samplesUs: number[] = [];
  let cpuStart = process.cpuUsage();
  let deadline = Infinity;
  for (let i = 0; i < task.warmup + task.count && performance.now() < deadline; i++) {
    if (i === task.warmup) {
      cpuStart = process.cpuUsage();
      deadline = performance.now() + task.maxMs;
    }
    const reply = new Promise<void>((resolve) => (replied = resolve));
    const start = performance.now();
    client.publish(task.topic, payload, task.qos);
    await reply;
    if (i >= task.warmup) samplesUs.push((performance.now() - start) * 1000);
  }
  const usage = usageSince(cpuStart);
  await client.end();
  samplesUs.sort((a, b) => a - b);
  return { role: 'requester', samplesUs, ...usage };
}

/**
 * The soak's sampler: every interval, what the process holds (RSS and heap after a collection, active handles,
 * requests and timers as Node reports them, open file descriptors) and the message counts so far.
 */
import { readdirSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

export interface Counts {
  lost: number;
  duplicatedQos2: number;
  delivered: number;
}

export interface Sample extends Counts {
  /** Seconds since the start. */
  t: number;
  rss: number;
  heapUsed: number;
  handles: number;
  requests: number;
  timers: number;
  /** -1 where /proc/self/fd is not available. */
  fds: number;
}

function openFds(): number {
  try {
    return readdirSync('/proc/self/fd').length;
  } catch {
    return -1;
  }
}

export function takeSample(startedAt: number, counts: Counts): Sample {
  gc();
  const memory = process.memoryUsage();
  const resources = process.getActiveResourcesInfo();
  const timers = resources.filter((r) => r === 'Timeout' || r === 'Immediate').length;
  const requests = resources.filter((r) => r.endsWith('Req') || r.endsWith('Request')).length;
  return {
    t: (Date.now() - startedAt) / 1000,
    rss: memory.rss,
    heapUsed: memory.heapUsed,
    handles: resources.length - timers - requests,
    requests,
    timers,
    fds: openFds(),
    ...counts,
  };
}

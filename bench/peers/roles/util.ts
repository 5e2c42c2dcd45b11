/** Small helpers shared by the roles a child process plays. */
import type { Usage } from '../../protocol.js';

/** A payload of `size` printable bytes ('a'), with no newline, so the C clients' line mode carries it as is. */
export function makePayload(size: number): Buffer {
  return Buffer.alloc(size, 0x61);
}

/** Lets the event loop run I/O before the next chunk of work. */
export function yieldTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** CPU since `start` (a `process.cpuUsage()` value), the whole process's CPU so far and its peak RSS. */
export function usageSince(start: NodeJS.CpuUsage): Usage {
  const cpu = process.cpuUsage(start);
  const whole = process.cpuUsage();
  return {
    cpuUs: cpu.user + cpu.system,
    maxRssKb: process.resourceUsage().maxRSS,
    processCpuUs: whole.user + whole.system,
  };
}

/**
 * Resolves once `done()` is true, or once `progress()` has not changed for `idleMs` (checked every 100 ms).
 * Used after the publisher finished, so a subscriber that lost messages reports instead of waiting forever.
 */
export function settle(done: () => boolean, progress: () => number, idleMs: number): Promise<void> {
  return new Promise((resolve) => {
    let last = progress();
    let idleSince = Date.now();
    const check = (): void => {
      const now = progress();
      if (now !== last) {
        last = now;
        idleSince = Date.now();
      }
      if (done() || Date.now() - idleSince >= idleMs) {
        clearInterval(timer);
        resolve();
      }
    };
    const timer = setInterval(check, 100);
    check();
  });
}

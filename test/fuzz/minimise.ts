/**
 * Shrinks a crashing input before it is kept, so a regression vector shows the bug rather than the fuzzer's
 * noise: delta debugging over byte ranges (halves, quarters ... single bytes), then each byte lowered to zero.
 * Every step is bounded, and a candidate is kept only when it still fails the same way.
 */
import type { FuzzTarget } from './target.js';

/** Upper bound on candidate runs per crash: minimising must not stall the fuzzing run. */
const MAX_ATTEMPTS = 20_000;

/** What identifies one failure: the message's first line and the first stack frame under it. */
export function signatureOf(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const lines = (err.stack ?? err.message).split('\n');
  const frame = lines.find((l) => l.trimStart().startsWith('at ')) ?? '';
  return `${err.message.split('\n')[0]}|${frame.trim()}`;
}

export function failsAlike(target: FuzzTarget, input: Uint8Array, signature: string): boolean {
  try {
    target.run(input);
    return false;
  } catch (err) {
    return signatureOf(err) === signature;
  }
}

/** The error `input` fails with, or undefined when it holds every invariant. */
export function failureOf(target: FuzzTarget, input: Uint8Array): unknown {
  try {
    target.run(input);
    return undefined;
  } catch (err) {
    return err;
  }
}

export function minimise(input: Uint8Array, stillFails: (candidate: Uint8Array) => boolean): Uint8Array {
  let best = input;
  let attempts = 0;
  const attempt = (candidate: Uint8Array): boolean => {
    attempts++;
    if (!stillFails(candidate)) return false;
    best = candidate;
    return true;
  };
  // Remove ranges, from large to single bytes.
  for (let size = Math.max(1, best.length >> 1); size >= 1 && attempts < MAX_ATTEMPTS; size >>= 1) {
    for (let at = 0; at < best.length && attempts < MAX_ATTEMPTS;) {
      const candidate = new Uint8Array(best.length - Math.min(size, best.length - at));
      candidate.set(best.subarray(0, at));
      candidate.set(best.subarray(at + size), at);
      if (!attempt(candidate)) at += size;
    }
  }
  // Lower the remaining bytes to zero where the failure does not need their value.
  for (let i = 0; i < best.length && attempts < MAX_ATTEMPTS; i++) {
    if (best[i] === 0) continue;
    const candidate = Uint8Array.from(best);
    candidate[i] = 0;
    attempt(candidate);
  }
  return best;
}

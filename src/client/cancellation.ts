/**
 * The one helper behind every `{ signal, timeoutMs }` of the client: it bounds a Promise by an `AbortSignal` and
 * a timeout. Whichever comes first settles the result (the signal's reason, a `TimeoutError`, or the work's own
 * outcome), runs the caller's `cancel` (which removes the waiter it had registered), and then nothing of it is
 * left: the abort listener is removed and the timer cleared in every case, so a settled wait holds no reference.
 *
 * Cancelling a wait never withdraws what the wait was for: a QoS 1/2 message stays in the session, a
 * SUBSCRIBE stays sent. Only the waiting stops.
 */
import { InvalidArgumentError } from '../errors.js';
import { TimeoutError } from './errors.js';

/** What every awaitable method of the client accepts. */
export interface WaitOptions {
  /** Aborting it rejects the wait with the signal's `reason` (and removes the waiter). */
  signal?: AbortSignal;
  /** Rejects the wait with a `TimeoutError` after this many milliseconds (none when undefined). */
  timeoutMs?: number;
}

/** The largest delay `setTimeout` honours (about 24.8 days); a longer one would fire at once. */
const MAX_TIMEOUT_MS = 2_147_483_647;

/**
 * Checks `options` of `method`: an object (or undefined) with an `AbortSignal` and a `timeoutMs` >= 0.
 * @throws InvalidArgumentError naming what is wrong.
 */
export function checkWaitOptions(options: WaitOptions | undefined, method: string): WaitOptions {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError(`${method} options must be an object, got ${String(options)}`);
  }
  const { signal, timeoutMs } = options;
  if (signal !== undefined && !isAbortSignal(signal)) {
    throw new InvalidArgumentError(`${method}: signal must be an AbortSignal`);
  }
  if (
    timeoutMs !== undefined &&
    (typeof timeoutMs !== 'number' || !(timeoutMs >= 0) || timeoutMs > MAX_TIMEOUT_MS)
  ) {
    throw new InvalidArgumentError(
      `${method}: timeoutMs must be a number from 0 to ${MAX_TIMEOUT_MS}, got ${String(timeoutMs)}`,
    );
  }
  return options;
}

function isAbortSignal(value: unknown): value is AbortSignal {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as AbortSignal).aborted === 'boolean' &&
    typeof (value as AbortSignal).addEventListener === 'function' &&
    typeof (value as AbortSignal).removeEventListener === 'function'
  );
}

/**
 * `work` bounded by `options`: resolves or rejects as `work` does, unless the signal aborts first (rejects with
 * its reason) or `timeoutMs` passes (rejects with a `TimeoutError` saying `what` did not complete). On abort or
 * timeout, `cancel` runs first, to remove whatever waiter `work` depends on. A signal already aborted rejects at
 * once (after `cancel`). With neither a signal nor a timeout, `work` is returned as is.
 */
export function bounded<T>(
  work: Promise<T>,
  options: WaitOptions,
  what: string,
  cancel: () => void = () => undefined,
): Promise<T> {
  const { signal, timeoutMs } = options;
  if (signal === undefined && timeoutMs === undefined) return work;
  if (signal?.aborted === true) {
    cancel();
    return rejected(abortReason(signal));
  }
  return new Promise<T>((resolve, rejectWith) => {
    // An abort reason (and the work's own error) may be any value, as `AbortSignal.reason` is.
    const reject: (reason: unknown) => void = rejectWith;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let settled = false;
    const finish = (): boolean => {
      if (settled) return false;
      settled = true;
      if (timer !== undefined) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      return true;
    };
    const onAbort = (): void => {
      if (!finish()) return;
      cancel();
      reject(abortReason(signal));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    if (timeoutMs !== undefined) {
      timer = setTimeout(() => {
        if (!finish()) return;
        cancel();
        reject(new TimeoutError(`${what} did not complete within ${timeoutMs} ms`));
      }, timeoutMs);
    }
    work.then(
      (value) => {
        if (finish()) resolve(value);
      },
      (error: unknown) => {
        if (finish()) reject(error);
      },
    );
  });
}

/** A Promise rejected with `reason`, whatever it is (an abort reason may be any value). */
export function rejected<T>(reason: unknown): Promise<T> {
  return new Promise<T>((_resolve, rejectWith) => {
    const reject: (reason: unknown) => void = rejectWith;
    reject(reason);
  });
}

/** The signal's reason; a DOMException "AbortError" for a signal aborted without one (as `fetch()` rejects). */
export function abortReason(signal: AbortSignal | undefined): unknown {
  return signal?.reason ?? new DOMException('The operation was aborted', 'AbortError');
}

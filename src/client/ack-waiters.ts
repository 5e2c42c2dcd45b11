/**
 * The Promises of `subscribeAndWait()` and `unsubscribeAndWait()`, by message id: the dispatcher settles one
 * with the SUBACK's or UNSUBACK's reason codes, `closedForGood()` rejects them all. A waiter that is aborted or
 * times out is removed (through `bounded()`), so the map holds only Promises someone still waits on.
 */
import { bounded, type WaitOptions } from './cancellation.js';
import type { ReasonCode } from './reason-code.js';

interface AckWaiter {
  resolve(codes: ReasonCode[]): void;
  reject(error: unknown): void;
}

export class AckWaiters {
  /** Made on the first wait: most clients never wait on a SUBACK (issue 16, idle memory). */
  #waiters: Map<number, AckWaiter> | undefined;

  /** Waiters not settled yet (for tests). */
  get size(): number {
    return this.#waiters?.size ?? 0;
  }

  /** A Promise for the acknowledgement of `mid` (a SUBSCRIBE or UNSUBSCRIBE packet id), bounded by `wait`. */
  wait(mid: number, wait: WaitOptions, what: string): Promise<ReasonCode[]> {
    let waiter: AckWaiter | undefined;
    const acked = new Promise<ReasonCode[]>((resolve, reject) => {
      waiter = { resolve, reject };
    });
    const waiters = (this.#waiters ??= new Map<number, AckWaiter>());
    if (waiter !== undefined) waiters.set(mid, waiter);
    return bounded(acked, wait, what, () => {
      if (waiters.get(mid) === waiter) waiters.delete(mid);
    });
  }

  /** The acknowledgement of `mid` arrived. */
  settle(mid: number, codes: ReasonCode[]): void {
    const waiter = this.#waiters?.get(mid);
    if (waiter === undefined) return;
    this.#waiters?.delete(mid);
    waiter.resolve(codes);
  }

  /** Rejects every waiter with `error`. */
  rejectAll(error: unknown): void {
    const waiters = [...(this.#waiters?.values() ?? [])];
    this.#waiters?.clear();
    for (const waiter of waiters) waiter.reject(error);
  }
}

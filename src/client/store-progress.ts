/**
 * `StoreProgress`: how far the store has got, for `MQTTMessageInfo.waitForStored()`. The driver counts the
 * store operations it takes from the engine (`queued`) and those the store has committed (`applied`); both only
 * grow, and operations commit in the order they were taken. A message's operation is among the first `queued`
 * when `publish()` returns, so that count is its mark: it is stored once `applied` reaches the mark.
 *
 * Only the driver changes the counts. With a synchronous store (`MemoryStore`, `SqliteStore`) `applied` catches
 * up before `publish()` returns, so no handle ever waits.
 */
import type { StoreError } from '../store/errors.js';

interface Waiter {
  mark: number;
  resolve: () => void;
  reject: (error: StoreError) => void;
}

export class StoreProgress {
  /** Store operations taken from the engine so far. */
  queued = 0;
  /** Store operations committed so far. */
  #applied = 0;
  #failure: StoreError | undefined;
  #waiters: Waiter[] = [];

  get applied(): number {
    return this.#applied;
  }

  /** The driver: `count` more operations committed. */
  advance(count: number): void {
    this.#applied += count;
    if (this.#waiters.length === 0) return;
    const still: Waiter[] = [];
    for (const waiter of this.#waiters) {
      if (waiter.mark <= this.#applied) waiter.resolve();
      else still.push(waiter);
    }
    this.#waiters = still;
  }

  /** The driver: the store failed; nothing more will be committed. */
  fail(error: StoreError): void {
    this.#failure ??= error;
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const waiter of waiters) waiter.reject(error);
  }

  /**
   * Resolves once the first `mark` operations are committed; rejects with the store's error when it failed
   * before. `cancel` removes the waiter (the wait was aborted or timed out).
   */
  whenApplied(mark: number): { promise: Promise<void>; cancel: () => void } {
    if (mark <= this.#applied) return { promise: Promise.resolve(), cancel: () => undefined };
    if (this.#failure !== undefined) {
      return { promise: Promise.reject(this.#failure), cancel: () => undefined };
    }
    let waiter: Waiter | undefined;
    const promise = new Promise<void>((resolve, reject) => {
      waiter = { mark, resolve, reject };
      this.#waiters.push(waiter);
    });
    return { promise, cancel: () => (this.#waiters = this.#waiters.filter((w) => w !== waiter)) };
  }
}

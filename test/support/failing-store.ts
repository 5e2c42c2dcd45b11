/**
 * A store that works (on a `MemoryStore`) until `failing` is set, then throws a `StoreError` on every
 * `apply()`, as a full disk would (its cause carries SQLite's `SQLITE_FULL` code). Not volatile: the client
 * commits each command to it, as to a durable store.
 */
import { MemoryStore, StoreError, type Store, type StoredSession, type StoreOp } from '../../src/index.js';

export class FailingStore implements Store {
  failing = false;
  readonly inner = new MemoryStore();
  /** The batches applied before the failure. */
  applied = 0;

  load(key: string): StoredSession | Promise<StoredSession> {
    return this.inner.load(key);
  }

  apply(key: string, ops: readonly StoreOp[]): void | Promise<void> {
    if (this.failing) {
      throw new StoreError('disk full (simulated)', {
        cause: Object.assign(new Error('full'), { code: 'SQLITE_FULL' }),
      });
    }
    this.applied++;
    return this.inner.apply(key, ops);
  }

  close(): void | Promise<void> {
    return this.inner.close();
  }
}

/**
 * Where the client gets its session engine and its default store: the one place that names the concrete
 * classes of `src/session/` and `src/store/`.
 */
import { Session } from '../session/session.js';
import type { SessionEngine, SessionOptions } from '../session/types.js';
import { MemoryStore } from '../store/memory-store.js';
import type { Store, StoredSession } from '../store/types.js';

/** A new engine for `options`, resuming `restored` (what the store holds) when given. */
export function createSessionEngine(options: SessionOptions, restored?: StoredSession): SessionEngine {
  return new Session(options, restored);
}

/** The store used when the options name none: a `MemoryStore` per client. */
export function createDefaultStore(): Store {
  return new MemoryStore();
}

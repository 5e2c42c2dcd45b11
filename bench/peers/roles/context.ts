/** What a role gets from the child process around it. */
import type { ChildEvent } from '../../protocol.js';

export interface ChildContext {
  /** Writes one event line to stdout. */
  emit(event: ChildEvent): void;
  /** Resolves when the parent writes `finish` on stdin (the other side is done). */
  finished: Promise<void>;
  /** How long a receiver waits for more after `finish` before reporting what it has, ms. */
  idleMs: number;
}

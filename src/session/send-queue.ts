/**
 * The queue of outgoing messages waiting for the wire, in `seq` (publish) order: messages never sent (QoS 0 ones
 * published offline included) and, after a reconnect, unacknowledged ones waiting for their resend.
 *
 * An entry is waiting exactly when it is neither finished (`done`) nor on the wire (`onWire`). Entries that stop
 * waiting out of order (acknowledged before their resend, dropped) stay in the array as stale references and are
 * skipped lazily, so nothing is ever spliced out of the middle; the array is compacted from the head.
 *
 * It also keeps what the queue limits bound: the number and payload bytes of never-sent ('queued') entries.
 */
import type { Properties, QoS } from '../packet/types.js';
import type { OutgoingState } from '../store/types.js';

export interface OutEntry {
  seq: number;
  /** The packet id (QoS 1/2) or the QoS 0 mid. */
  mid: number;
  qos: QoS;
  topic: string;
  payload: Uint8Array;
  retain: boolean;
  properties: Properties | undefined;
  /** QoS 0 entries stay 'queued' until written. */
  state: OutgoingState;
  /** Written on the current connection: counts in the in-flight window. */
  onWire: boolean;
  /** Finished or dropped. */
  done: boolean;
}

export class SendQueue {
  #items: OutEntry[] = [];
  #head = 0;
  #waiting = 0;
  #queuedCount = 0;
  #queuedBytes = 0;

  /** Entries waiting (neither done nor on the wire). */
  get waiting(): number {
    return this.#waiting;
  }

  /** Never-sent ('queued') waiting entries. */
  get queuedCount(): number {
    return this.#queuedCount;
  }

  /** The payload bytes of the never-sent waiting entries. */
  get queuedBytes(): number {
    return this.#queuedBytes;
  }

  push(e: OutEntry): void {
    this.#items.push(e);
    this.#waiting++;
    if (e.state === 'queued') this.#countQueued(e, 1);
  }

  /** The first waiting entry, left in place (undefined when none waits). */
  peek(): OutEntry | undefined {
    const items = this.#items;
    while (this.#head < items.length) {
      const e = items[this.#head];
      if (!e.done && !e.onWire) return e;
      this.#head++;
    }
    this.#compact();
    return undefined;
  }

  /** Removes the entry `peek()` returned: it goes to the wire (or is refused). */
  shift(e: OutEntry): void {
    this.#head++;
    this.#waiting--;
    if (e.state === 'queued') this.#countQueued(e, -1);
    this.#compact();
  }

  /** `e` stops waiting out of order (acknowledged before its resend, dropped): its reference goes stale. */
  leave(e: OutEntry): void {
    this.#waiting--;
    if (e.state === 'queued') this.#countQueued(e, -1);
  }

  /** A waiting entry went from 'sent'/'pubrec' back to 'queued' (the broker lost the session). */
  requeued(e: OutEntry): void {
    this.#countQueued(e, 1);
  }

  /** The oldest never-sent entry: what 'drop-oldest' drops ('sent' ones may be at the broker: never dropped). */
  oldestQueued(): OutEntry | undefined {
    for (let i = this.#head; i < this.#items.length; i++) {
      const e = this.#items[i];
      if (!e.done && !e.onWire && e.state === 'queued') return e;
    }
    return undefined;
  }

  /** After a disconnect: every unfinished QoS 1/2 entry (`records`, in seq order) plus the waiting QoS 0 ones. */
  rebuild(records: Iterable<OutEntry>): void {
    const qos0: OutEntry[] = [];
    for (let i = this.#head; i < this.#items.length; i++) {
      const e = this.#items[i];
      if (e.qos === 0 && !e.done) qos0.push(e);
    }
    const items: OutEntry[] = [];
    let j = 0;
    for (const e of records) {
      while (j < qos0.length && qos0[j].seq < e.seq) items.push(qos0[j++]);
      items.push(e);
    }
    while (j < qos0.length) items.push(qos0[j++]);
    this.#items = items;
    this.#head = 0;
    this.#waiting = items.length;
    this.#queuedCount = 0;
    this.#queuedBytes = 0;
    for (const e of items) if (e.state === 'queued') this.#countQueued(e, 1);
  }

  #countQueued(e: OutEntry, sign: 1 | -1): void {
    this.#queuedCount += sign;
    this.#queuedBytes += sign * e.payload.length;
  }

  #compact(): void {
    if (this.#head === this.#items.length) {
      this.#items.length = 0;
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
  }
}

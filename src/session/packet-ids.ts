/**
 * Packet identifier allocation, shared by PUBLISH (QoS 1/2), SUBSCRIBE and UNSUBSCRIBE, and used as the `mid`
 * of QoS 0 messages too (Paho's behaviour), so that every pending `mid` is unique.
 *
 * Wire hygiene (design.md): a new session's ids start at 1 and count up, wrapping 65535 -> 1 and skipping any
 * still in use, so logs and tests are reproducible. An id in use is never handed out again [MQTT-2.2.1-3]
 * (a packet identifier becomes available for reuse only after its acknowledgement).
 */
const MAX_ID = 65535;
/** Ids per page of the in-use bitmap (a power of two): 1,024 ids, 128 bytes. */
const PAGE_SHIFT = 10;
const PAGE_IDS = 1 << PAGE_SHIFT;
const PAGES = (MAX_ID + PAGE_IDS) >>> PAGE_SHIFT;

export class PacketIds {
  /**
   * The ids in use, one bit each, in pages of 1,024 ids made on first use: ids are handed out in sequence, so
   * the ids in use sit in one or two pages and an idle connection holds a few hundred bytes, not the 8 KiB of a
   * whole bitmap (1,000 connections: 8 MB). A page is let go once empty and the counter has moved past it.
   * `O(1)`, no hashing on the hot path.
   */
  #pages: (Uint32Array | undefined)[] | undefined;
  /** Ids in use per page. */
  #pageCounts: Uint16Array | undefined;
  #count = 0;
  #next = 1;

  /** Ids in use. */
  get size(): number {
    return this.#count;
  }

  isUsed(id: number): boolean {
    const page = this.#pages?.[id >>> PAGE_SHIFT];
    return page !== undefined && (page[(id >>> 5) & 31] & (1 << (id & 31))) !== 0;
  }

  /** Reserves and returns the next free id, or 0 when all 65535 are in use. */
  allocate(): number {
    const id = this.peek();
    if (id !== 0) this.commit(id, true);
    return id;
  }

  /**
   * Returns the next free id without reserving it (a QoS 0 message sent at once needs a `mid` but holds no
   * identifier on the wire). The counter still advances, as Paho's does.
   */
  transient(): number {
    const id = this.peek();
    if (id !== 0) this.commit(id, false);
    return id;
  }

  /** The id `allocate()` would return, without taking it (0 when none is free). */
  peek(): number {
    if (this.#count >= MAX_ID) return 0;
    let id = this.#next;
    if (this.#count === 0) return id;
    while (this.isUsed(id)) id = id === MAX_ID ? 1 : id + 1;
    return id;
  }

  /** Takes `id` (from `peek()`): the counter continues after it; `reserve` marks it in use. */
  commit(id: number, reserve: boolean): void {
    if (reserve) this.mark(id);
    this.#next = id === MAX_ID ? 1 : id + 1;
    const page = id >>> PAGE_SHIFT;
    if (this.#next >>> PAGE_SHIFT !== page) this.#dropIfEmpty(page);
  }

  /** Marks `id` as in use (restoring a stored session). */
  mark(id: number): void {
    const pages = (this.#pages ??= new Array<Uint32Array | undefined>(PAGES));
    const counts = (this.#pageCounts ??= new Uint16Array(PAGES));
    const p = id >>> PAGE_SHIFT;
    const page = (pages[p] ??= new Uint32Array(PAGE_IDS >>> 5));
    const bit = 1 << (id & 31);
    const word = (id >>> 5) & 31;
    if ((page[word] & bit) === 0) {
      page[word] |= bit;
      counts[p]++;
      this.#count++;
    }
  }

  release(id: number): void {
    const p = id >>> PAGE_SHIFT;
    const page = this.#pages?.[p];
    if (page === undefined) return;
    const bit = 1 << (id & 31);
    const word = (id >>> 5) & 31;
    if ((page[word] & bit) !== 0) {
      page[word] &= ~bit;
      (this.#pageCounts as Uint16Array)[p]--;
      this.#count--;
      if (this.#next >>> PAGE_SHIFT !== p) this.#dropIfEmpty(p);
    }
  }

  /** Continues counting after `id` (restored sessions resume after their highest stored id). */
  startAfter(id: number): void {
    this.#next = id >= MAX_ID ? 1 : id + 1;
  }

  /** Lets an empty page go (the counter's own page is kept: it is about to be used again). */
  #dropIfEmpty(p: number): void {
    const pages = this.#pages;
    if (pages !== undefined && pages[p] !== undefined && (this.#pageCounts as Uint16Array)[p] === 0) {
      pages[p] = undefined;
    }
  }
}

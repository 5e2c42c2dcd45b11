/**
 * Packet identifier allocation, shared by PUBLISH (QoS 1/2), SUBSCRIBE and UNSUBSCRIBE, and used as the `mid`
 * of QoS 0 messages too (Paho's behaviour), so that every pending `mid` is unique.
 *
 * Wire hygiene (design.md): a new session's ids start at 1 and count up, wrapping 65535 -> 1 and skipping any
 * still in use, so logs and tests are reproducible. An id in use is never handed out again [MQTT-2.2.1-3]
 * (a packet identifier becomes available for reuse only after its acknowledgement).
 */
const MAX_ID = 65535;

export class PacketIds {
  /** One byte per id: 1 = in use. 64 KiB, and `O(1)` with no hashing on the hot path. */
  private readonly used = new Uint8Array(MAX_ID + 1);
  private count = 0;
  private next = 1;

  /** Ids in use. */
  get size(): number {
    return this.count;
  }

  isUsed(id: number): boolean {
    return this.used[id] === 1;
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
    if (this.count >= MAX_ID) return 0;
    let id = this.next;
    while (this.used[id] === 1) id = id === MAX_ID ? 1 : id + 1;
    return id;
  }

  /** Takes `id` (from `peek()`): the counter continues after it; `reserve` marks it in use. */
  commit(id: number, reserve: boolean): void {
    if (reserve) this.mark(id);
    this.next = id === MAX_ID ? 1 : id + 1;
  }

  /** Marks `id` as in use (restoring a stored session). */
  mark(id: number): void {
    if (this.used[id] === 0) {
      this.used[id] = 1;
      this.count++;
    }
  }

  release(id: number): void {
    if (this.used[id] === 1) {
      this.used[id] = 0;
      this.count--;
    }
  }

  /** Continues counting after `id` (restored sessions resume after their highest stored id). */
  startAfter(id: number): void {
    this.next = id >= MAX_ID ? 1 : id + 1;
  }
}

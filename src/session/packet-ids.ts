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
  /**
   * One bit per id: set = in use. 8 KiB, `O(1)` with no hashing on the hot path, and allocated on the first id
   * reserved (a QoS 0 publisher or an idle connection never needs it).
   */
  private used: Uint32Array | undefined;
  private count = 0;
  private next = 1;

  /** Ids in use. */
  get size(): number {
    return this.count;
  }

  isUsed(id: number): boolean {
    const used = this.used;
    return used !== undefined && (used[id >>> 5] & (1 << (id & 31))) !== 0;
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
    if (this.count === 0) return id;
    while (this.isUsed(id)) id = id === MAX_ID ? 1 : id + 1;
    return id;
  }

  /** Takes `id` (from `peek()`): the counter continues after it; `reserve` marks it in use. */
  commit(id: number, reserve: boolean): void {
    if (reserve) this.mark(id);
    this.next = id === MAX_ID ? 1 : id + 1;
  }

  /** Marks `id` as in use (restoring a stored session). */
  mark(id: number): void {
    const used = (this.used ??= new Uint32Array((MAX_ID + 32) >>> 5));
    const bit = 1 << (id & 31);
    const word = id >>> 5;
    if ((used[word] & bit) === 0) {
      used[word] |= bit;
      this.count++;
    }
  }

  release(id: number): void {
    const used = this.used;
    if (used === undefined) return;
    const bit = 1 << (id & 31);
    const word = id >>> 5;
    if ((used[word] & bit) !== 0) {
      used[word] &= ~bit;
      this.count--;
    }
  }

  /** Continues counting after `id` (restored sessions resume after their highest stored id). */
  startAfter(id: number): void {
    this.next = id >= MAX_ID ? 1 : id + 1;
  }
}

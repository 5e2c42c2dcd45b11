/**
 * Keepalive bookkeeping (3.1.2.10, [MQTT-3.1.2-20]; 3.1.1: [MQTT-3.1.2-23]): the client sends PINGREQ when it has SENT nothing for the keepalive
 * interval (any control packet resets the broker's timer, so only our own silence matters), and closes the
 * connection when, after a PINGREQ, no byte at all arrives within the ping timeout. Any received byte counts,
 * including a part of a large packet still arriving (Paho #914), so a slow large download is never mistaken for a
 * dead broker. Pure arithmetic on the caller's "now": no timer, no clock.
 */
export class Keepalive {
  /** The interval in force (ms); 0 = keepalive off. */
  #intervalMs = 0;
  #pingTimeoutMs = 0;
  /** When a byte last arrived. */
  #lastReceived = 0;
  /** When the oldest unanswered PINGREQ was sent; -1 when none is outstanding. */
  #pingSentAt = -1;
  #lastRoundTripMs: number | undefined;

  /** From the last answered PINGREQ to its PINGRESP (ms); undefined before the first. */
  get lastRoundTripMs(): number | undefined {
    return this.#lastRoundTripMs;
  }

  /** How long to wait for a byte after a PINGREQ (ms). */
  get pingTimeoutMs(): number {
    return this.#pingTimeoutMs;
  }

  /** A connection is up (CONNACK received) with `keepaliveSeconds` in force. */
  start(now: number, keepaliveSeconds: number, pingTimeoutMs: number | undefined): void {
    this.#intervalMs = keepaliveSeconds * 1000;
    this.#pingTimeoutMs = pingTimeoutMs ?? this.#intervalMs;
    this.#lastReceived = now;
    this.#pingSentAt = -1;
  }

  stop(): void {
    this.#intervalMs = 0;
    this.#pingSentAt = -1;
  }

  /** Bytes arrived at `now` (any byte, a part of a packet included). */
  received(now: number): void {
    this.#lastReceived = now;
  }

  /** When a PINGREQ is due, given the time bytes were last sent; undefined when keepalive is off. */
  pingDue(lastSent: number): number | undefined {
    return this.#intervalMs > 0 ? lastSent + this.#intervalMs : undefined;
  }

  /** When the outstanding PINGREQ times out; undefined when none is outstanding. */
  timeoutAt(): number | undefined {
    if (this.#intervalMs === 0 || this.#pingSentAt < 0) return undefined;
    return Math.max(this.#pingSentAt, this.#lastReceived) + this.#pingTimeoutMs;
  }

  pingSent(now: number): void {
    if (this.#pingSentAt < 0) this.#pingSentAt = now;
  }

  pingResponse(now: number): void {
    if (this.#pingSentAt >= 0) this.#lastRoundTripMs = now - this.#pingSentAt;
    this.#pingSentAt = -1;
  }
}

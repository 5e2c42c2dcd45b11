/**
 * Reconnect back-off: exponential from `minDelay` to `maxDelay` seconds (Paho's `reconnect_delay_set`), with
 * jitter so that many clients cut off together do not reconnect in step.
 *
 * The delay returns to its minimum only after a connection that stayed up `STABLE_CONNECTION_MS` after its
 * CONNACK or that delivered a message or a SUBACK/UNSUBACK (`proven()`), not after every CONNACK: a broker that accepts the CONNECT and then drops the connection (a RabbitMQ
 * cluster node whose client's queue lives on a dead node drops it at SUBSCRIBE) would otherwise be retried at the
 * minimum delay for good, a busy loop (129 attempts in 12.7 s at a 0.1 s minimum, before this rule).
 */
import { InvalidArgumentError } from '../errors.js';
import { reconnectDelayMs, type BackoffSettings } from './reconnect-policy.js';

/**
 * How long a connection must stay up after its CONNACK for its loss to count as a new incident (the back-off
 * starts again from the minimum). Long enough to outlast a broker's "accept, then drop at the first request"
 * (SUBSCRIBE, PUBLISH and their answers take milliseconds), short next to the default maximum delay (120 s).
 */
export const STABLE_CONNECTION_MS = 10_000;

/** The settings and the attempt count of the reconnect policy (`reconnect-policy.ts`); the `Connection` owns one. */
export class ReconnectBackoff implements BackoffSettings {
  #minDelayS = 1;
  #maxDelayS = 120;
  #jitter: number;
  #attempt = 0;
  /** When the current connection's CONNACK arrived (the caller's clock), until that connection ends. */
  #connectedAt: number | undefined;
  readonly #random: () => number;

  /**
   * @param jitter the fraction of each delay that is random (0: exactly 1, 2, 4... seconds as Paho; 0.5: each
   *   delay is drawn from [delay/2, delay]).
   * @param random a source of numbers in [0, 1), for tests.
   */
  constructor(jitter = 0.5, random: () => number = Math.random) {
    if (typeof jitter !== 'number' || !(jitter >= 0 && jitter <= 1)) {
      throw new InvalidArgumentError(`reconnectJitter must be a number from 0 to 1, got ${String(jitter)}`);
    }
    this.#jitter = jitter;
    this.#random = random;
  }

  /** Paho's `reconnect_delay_set(min_delay, max_delay)`, in seconds (fractions allowed). */
  set(minDelayS: number, maxDelayS: number): void {
    if (typeof minDelayS !== 'number' || !(minDelayS >= 0) || !Number.isFinite(minDelayS)) {
      throw new InvalidArgumentError(`minDelay must be a number of seconds >= 0, got ${String(minDelayS)}`);
    }
    if (typeof maxDelayS !== 'number' || !(maxDelayS >= minDelayS) || !Number.isFinite(maxDelayS)) {
      throw new InvalidArgumentError(
        `maxDelay must be a number of seconds >= minDelay, got ${String(maxDelayS)}`,
      );
    }
    this.#minDelayS = minDelayS;
    this.#maxDelayS = maxDelayS;
  }

  get minDelayS(): number {
    return this.#minDelayS;
  }

  get maxDelayS(): number {
    return this.#maxDelayS;
  }

  get jitter(): number {
    return this.#jitter;
  }

  /** The delay before the next attempt, in milliseconds; each call doubles the nominal delay up to the max. */
  nextDelayMs(lastError?: unknown): number {
    const delayMs = reconnectDelayMs(this.#attempt, lastError, this, this.#random());
    this.#attempt++;
    return delayMs;
  }

  /** Retries since the last connection that stayed up `STABLE_CONNECTION_MS` (or since `reset()`). */
  get attempt(): number {
    return this.#attempt;
  }

  /** A successful CONNACK at `nowMs`: the back-off keeps its count until this connection proves stable. */
  connected(nowMs: number): void {
    this.#connectedAt = nowMs;
  }

  /**
   * The current connection did work the broker could only do for a session it serves: it delivered a message or
   * acknowledged a SUBSCRIBE or UNSUBSCRIBE. Its loss is a new incident, however soon it comes (a flaky network
   * that cuts a working connection every few hundred milliseconds is retried from the minimum delay each time).
   * PUBACK and PUBCOMP do not count: a cluster node may acknowledge the publishes resent after a CONNACK and still
   * drop the connection at the SUBSCRIBE that follows.
   */
  proven(): void {
    if (this.#connectedAt !== undefined) this.#attempt = 0;
  }

  /**
   * The connection ended at `nowMs` (before any retry is scheduled): if it had stayed up `STABLE_CONNECTION_MS`
   * since its CONNACK, the next delay is the minimum again; a shorter one leaves the delay growing.
   */
  closed(nowMs: number): void {
    const since = this.#connectedAt;
    this.#connectedAt = undefined;
    if (since !== undefined && nowMs - since >= STABLE_CONNECTION_MS) this.#attempt = 0;
  }

  /** A fresh start (`disconnect()`): the next delay is the minimum. */
  reset(): void {
    this.#attempt = 0;
    this.#connectedAt = undefined;
  }
}

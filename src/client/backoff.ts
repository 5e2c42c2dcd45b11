/**
 * Reconnect back-off: exponential from `minDelay` to `maxDelay` seconds (Paho's `reconnect_delay_set`), with
 * jitter so that many clients cut off together do not reconnect in step.
 */
import { InvalidArgumentError } from '../errors.js';
import { reconnectDelayMs, type BackoffSettings } from './reconnect-policy.js';

/** The settings and the attempt count of the reconnect policy (`reconnect-policy.ts`); the `Connection` owns one. */
export class ReconnectBackoff implements BackoffSettings {
  #minDelayS = 1;
  #maxDelayS = 120;
  #jitter: number;
  #attempt = 0;
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

  /** Retries since the last successful CONNACK. */
  get attempt(): number {
    return this.#attempt;
  }

  /** After a successful CONNACK: the next delay is the minimum again. */
  reset(): void {
    this.#attempt = 0;
  }
}

/**
 * The reconnect policy of the background loops, as one pure function: how long to wait before attempt
 * `attempt` (0 for the first retry after a loss or failure), given the settings and a random number. The
 * `Connection` counts the attempts (`ReconnectBackoff`: reset after a connection that stayed up
 * `STABLE_CONNECTION_MS`, not by every CONNACK) and supplies the clock and the random source.
 */

export interface BackoffSettings {
  /** Paho's `reconnect_delay_set(min_delay, max_delay)`, in seconds. */
  readonly minDelayS: number;
  readonly maxDelayS: number;
  /** The fraction of each delay that is random: 0 gives exactly 1, 2, 4... seconds as Paho; 0.5 draws each delay from [delay/2, delay]. */
  readonly jitter: number;
}

/**
 * Milliseconds to wait before retry number `attempt`: the nominal delay doubles from `minDelayS` up to
 * `maxDelayS`, and `jitter` of it is random (`random` in [0, 1)). `lastError` (why the connection ended, if it
 * failed) does not change the delay today; it is part of the policy's inputs so that a policy that tells a
 * refusal from a cut needs no new plumbing.
 */
export function reconnectDelayMs(
  attempt: number,
  _lastError: unknown,
  settings: BackoffSettings,
  random: number,
): number {
  const nominalS = Math.min(settings.maxDelayS, settings.minDelayS * 2 ** Math.min(attempt, 30));
  const factor = 1 - settings.jitter * random;
  return Math.round(nominalS * factor * 1000);
}

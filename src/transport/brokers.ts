/**
 * A list of brokers for failover: the connection goes to the current one, and on a failed or lost connection
 * the next one becomes current (wrapping around), so a cluster's members are tried in turn.
 */
import { InvalidArgumentError } from '../errors.js';
import type { TransportKind } from './types.js';
import { isBrokerUrl, parseBrokerUrl, type BrokerUrl } from './url.js';

/** A broker: a URL, or a host (with the list's default port and transport). */
export type BrokerSpec = string | { host: string; port?: number };

/** Tries brokers in turn. */
export class BrokerList {
  readonly #brokers: readonly BrokerUrl[];
  #index = 0;

  /**
   * @param brokers URLs (`mqtt://a:1883`, `wss://b/mqtt`...) or bare hosts / `{ host, port }`, which use
   *   `defaults`.
   * @throws InvalidArgumentError for an empty list or an invalid entry.
   */
  constructor(
    brokers: readonly BrokerSpec[],
    defaults: { kind: TransportKind; port: number; path?: string } = { kind: 'tcp', port: 1883 },
  ) {
    if (brokers.length === 0) throw new InvalidArgumentError('the broker list is empty');
    this.#brokers = brokers.map((spec) => {
      if (typeof spec === 'string' && isBrokerUrl(spec)) return parseBrokerUrl(spec);
      const host = typeof spec === 'string' ? spec : spec.host;
      const port = typeof spec === 'string' ? defaults.port : (spec.port ?? defaults.port);
      if (typeof host !== 'string' || host === '') {
        throw new InvalidArgumentError('each broker must be a URL, a host name or { host, port }');
      }
      const entry: BrokerUrl = { kind: defaults.kind, host, port, url: `${host}:${port}` };
      if (defaults.path !== undefined) entry.path = defaults.path;
      return entry;
    });
  }

  /** The broker to connect to now. */
  get current(): BrokerUrl {
    return this.#brokers[this.#index];
  }

  /** The position of `current` in the list. */
  get index(): number {
    return this.#index;
  }

  get size(): number {
    return this.#brokers.length;
  }

  /** All brokers, in order. */
  get all(): readonly BrokerUrl[] {
    return this.#brokers;
  }

  /** Moves to the next broker (after the last: the first) and returns it. */
  advance(): BrokerUrl {
    this.#index = (this.#index + 1) % this.#brokers.length;
    return this.current;
  }

  /** Goes back to the first broker. */
  reset(): void {
    this.#index = 0;
  }
}

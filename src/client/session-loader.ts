/**
 * `SessionLoader`: builds the session engine from the store before a connection (and for commands given
 * before one), and gives a disconnected engine new settings. The engine lives in the driver; this file decides
 * when it is created, reconfigured or replaced.
 */
import { SessionReconfigureError } from '../session/errors.js';
import type { SessionEngine, SessionOptions } from '../session/types.js';
import type { Store, StoredSession } from '../store/types.js';
import { isPromise, noop } from './async.js';
import { sameSessionOptions, type ConfigHolder } from './client-config.js';
import type { EngineDriver } from './engine-driver.js';
import { LogLevel } from './enums.js';
import { ClientStateError } from './errors.js';
import { createSessionEngine } from './session-factory.js';

/** Where the loader's log lines go (the dispatcher: `onLog` and the logger). */
export interface SessionLogger {
  log(level: LogLevel, message: string): void;
}

export class SessionLoader {
  readonly #driver: EngineDriver;
  readonly #store: Store;
  readonly #settings: ConfigHolder;
  readonly #logger: SessionLogger;
  readonly #random: () => number;
  /** The settings the engine was built with (`ClientConfig.toSessionOptions()`). */
  #builtWith: SessionOptions | undefined;
  #loading: Promise<void> | undefined;

  constructor(
    driver: EngineDriver,
    store: Store,
    settings: ConfigHolder,
    logger: SessionLogger,
    random: () => number,
  ) {
    this.#random = random;
    this.#driver = driver;
    this.#store = store;
    this.#settings = settings;
    this.#logger = logger;
  }

  /**
   * Makes sure an engine exists. With `rebuild`, a disconnected engine whose settings changed takes the new
   * settings (`SessionEngine.reconfigure`: queued messages, QoS 0 included, and unsent SUBSCRIBE/UNSUBSCRIBE
   * are kept); only a change the engine refuses (the protocol version, the client id while a session is held)
   * replaces it by a new engine restored from the store. Returns a Promise only when the store loads
   * asynchronously.
   */
  prepare(rebuild: boolean): Promise<void> | undefined {
    if (this.#loading !== undefined) return this.#loading;
    const driver = this.#driver;
    const current = driver.session;
    if (current !== undefined && (!rebuild || current.state !== 'disconnected')) return undefined;
    // Built once per connect: compared with what the engine was built with, and handed to it if different.
    const options = this.#settings.config.toSessionOptions();
    options.random = this.#random;
    const storeKey = options.clientId === '' ? '(broker-assigned)' : options.clientId;
    if (current !== undefined) {
      const built = this.#builtWith;
      if (built !== undefined && sameSessionOptions(built, options)) return undefined;
      if (driver.transport !== undefined) return undefined;
      try {
        current.reconfigure(options);
        driver.setSession(current, storeKey); // the same engine; the store key follows a new client id
        this.#builtWith = options;
        this.#logger.log(LogLevel.MQTT_LOG_DEBUG, 'Settings changed: the session engine took them');
        return undefined;
      } catch (error) {
        if (!(error instanceof SessionReconfigureError)) throw error;
        this.#logger.log(
          LogLevel.MQTT_LOG_WARNING,
          `Settings changed (${error.message}): restarting the session engine from the store; queued QoS 0 ` +
            'messages and unsent SUBSCRIBE/UNSUBSCRIBE requests are dropped',
        );
      }
    }
    const install = (restored: StoredSession): void => {
      driver.setSession(createSessionEngine(options, restored), storeKey);
      this.#builtWith = options;
    };
    driver.commitPending(); // the store must hold what the engine has done before it is read
    const loaded = this.#store.load(storeKey);
    if (!isPromise(loaded)) {
      install(loaded);
      return undefined;
    }
    const loading = loaded.then(install).finally(() => {
      this.#loading = undefined;
    });
    loading.catch(noop);
    this.#loading = loading;
    return loading;
  }

  /** The engine, created now if needed; throws when the store loads asynchronously and has not yet. */
  engine(): SessionEngine {
    const loading = this.prepare(false);
    const session = this.#driver.session;
    if (loading !== undefined || session === undefined) {
      throw new ClientStateError(
        'the store loads asynchronously: await connect() before publishing or subscribing',
      );
    }
    return session;
  }

  /** `reinitialise()`: the next engine is built from the new settings. */
  forget(): void {
    this.#builtWith = undefined;
  }
}

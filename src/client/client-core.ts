/**
 * `ClientCore`: what one `Client` is made of, built once by its constructor. The facade (`client.ts`) holds one
 * and hands each call to the file that owns the behaviour:
 *   - the settings (`ClientConfig`), the userdata and the logger, which this core owns and `reinitialise()`
 *     replaces;
 *   - the user's callbacks (`CallbackSlots`), read by the dispatcher;
 *   - the `Connection` (state, loop modes, reconnect), which owns the `EngineDriver` and the `Dispatcher`.
 */
import { MQTTErrorCode } from '../session/error-code.js';
import { CALLBACK_SLOTS, type Authenticator, type CallbackSlots } from './callback-slots.js';
import { ClientConfig, type ConfigHolder } from './client-config.js';
import { Connection } from './connection.js';
import type { Dispatcher, DispatcherSettings } from './dispatcher.js';
import type { EngineDriver } from './engine-driver.js';
import { MQTTProtocolVersion, type CallbackAPIVersion } from './enums.js';
import { ClientStateError } from './errors.js';
import type { Logger } from './logging.js';
import { validateClientOptions, type ClientOptions } from './options.js';
import { Requester } from './request-response.js';
import { runtimeOf } from './runtime.js';
import { createDefaultStore } from './session-factory.js';

/** The facade's `suppressExceptions` field. */
export interface ExceptionPolicy {
  readonly suppressExceptions: boolean;
}

export class ClientCore<C, U> implements ConfigHolder {
  readonly callbackApiVersion: CallbackAPIVersion;
  /** The settings a connection is made with; replaced by `reinitialise()`. */
  config: ClientConfig;
  userdata: U;
  logger: Logger | undefined;
  /**
   * The user's callbacks: the client itself, whose `onX` slots are plain own properties (`exposeCallbacks`), so
   * that `client.onConnect = ...` is the write the dispatcher reads, with no accessor pair per slot and client.
   */
  readonly callbacks: CallbackSlots<C, U>;
  readonly connection: Connection<C, U>;
  readonly driver: EngineDriver;
  readonly dispatcher: Dispatcher<C, U>;
  /** The `responseTopic` option: where responses to `request()` come (kept by `reinitialise()`). */
  readonly responseTopic: string | undefined;
  /** The requester side of request/response (`request-response.ts`); it subscribes on the first `request()`. */
  readonly requester: Requester<C, U>;

  /**
   * @param client passed first to every callback; its `suppressExceptions` (a plain public field of the
   *   facade) is read at each callback error. `options` must have been checked by `validateClientOptions`.
   */
  constructor(
    client: C & CallbackSlots<C, U> & ExceptionPolicy,
    callbackApiVersion: CallbackAPIVersion,
    options: ClientOptions<U>,
  ) {
    this.callbackApiVersion = callbackApiVersion;
    this.config = new ClientConfig(options);
    this.userdata = options.userdata as U;
    this.logger = options.logger;
    this.responseTopic = options.responseTopic;
    this.callbacks = exposeCallbacks(client);
    this.connection = new Connection<C, U>({
      client,
      callbacks: this.callbacks,
      settings: new CoreSettings(this, client, options.authenticator),
      config: this,
      store: options.store ?? createDefaultStore(),
      runtime: runtimeOf(options),
      jitter: options.reconnectJitter ?? 0.5,
    });
    this.driver = this.connection.driver;
    this.dispatcher = this.connection.dispatcher;
    this.requester = new Requester<C, U>(this);
    this.dispatcher.responseRouter = this.requester;
  }

  /** The settings, to change `what`: refused while a connection is open, opening or scheduled. */
  settingsToChange(what: string): ClientConfig {
    if (this.connection.busy) {
      throw new ClientStateError(
        `cannot change ${what} while connected or reconnecting; call disconnect() first`,
      );
    }
    return this.config;
  }

  /**
   * `reinitialise()`: as if newly constructed, keeping the callback API version, the protocol, the logger and
   * the store. Closes any connection at once, stops the loops, clears the callbacks, settings and session.
   */
  reinitialise(clientId: string, cleanSession: boolean, userdata: U | undefined): void {
    const options: ClientOptions<U> = { clientId, userdata, protocol: this.config.protocol };
    if (this.config.protocol !== MQTTProtocolVersion.MQTTv5) options.cleanSession = cleanSession;
    validateClientOptions(options);
    this.connection.reset();
    this.dispatcher.endIterators();
    this.dispatcher.dropAll(MQTTErrorCode.MQTT_ERR_CONN_LOST);
    this.dispatcher.reset();
    this.requester.forgetSubscriptions();
    this.config = new ClientConfig(options);
    this.userdata = userdata as U;
    Object.assign(this.callbacks, emptyCallbacks());
  }
}

/** Every callback slot unset. */
function emptyCallbacks<C, U>(): CallbackSlots<C, U> {
  const slots: Partial<CallbackSlots<C, U>> = {};
  for (const name of CALLBACK_SLOTS) slots[name] = undefined;
  return slots as CallbackSlots<C, U>;
}

/**
 * Makes each callback slot an own data property of `client`, unset, and returns the client as the record the
 * dispatcher reads. Own properties, as plain fields would be: the Paho facade tells callback slots from methods
 * that way. (Issue 16: accessors defined per client cost 30 closures and a dictionary of descriptors each, about
 * 2 KiB of every idle client's heap.)
 */
function exposeCallbacks<C, U>(client: CallbackSlots<C, U>): CallbackSlots<C, U> {
  return Object.assign(client, emptyCallbacks<C, U>());
}

/**
 * What the dispatcher reads of the client at each use (the settings, userdata and logger `reinitialise()` may
 * replace): methods on the prototype reading the core, not six closures per client (issue 16).
 */
class CoreSettings<C, U> implements DispatcherSettings<U> {
  readonly authenticator: Authenticator | undefined;
  readonly #core: ClientCore<C, U>;
  readonly #policy: ExceptionPolicy;

  constructor(core: ClientCore<C, U>, policy: ExceptionPolicy, authenticator: Authenticator | undefined) {
    this.#core = core;
    this.#policy = policy;
    this.authenticator = authenticator;
  }

  userdata(): U {
    return this.#core.userdata;
  }

  logger(): Logger | undefined {
    return this.#core.logger;
  }

  protocol(): MQTTProtocolVersion {
    return this.#core.config.protocol;
  }

  manualAck(): boolean {
    return this.#core.config.manualAck;
  }

  describeBroker(): string {
    const config = this.#core.config;
    return config.net.current?.url ?? `${config.host}:${config.port}`;
  }

  rethrowCallbackErrors(): boolean {
    const mode = this.#core.connection.mode;
    return !this.#policy.suppressExceptions && (mode === 'manual' || mode === 'external');
  }
}

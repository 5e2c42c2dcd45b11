/**
 * `ConnectionManager`: the client's loop modes and connection lifecycle.
 *
 *   - one connection attempt at a time: `connect()`, `reconnect()`, `loopStart()` and the reconnect timer all
 *     join the attempt in progress, so `loopStart()` + `connect()` opens one connection;
 *   - in the background modes (`loopStart`, `loopForever`) a lost or failed connection is retried after an
 *     exponential, jittered back-off, reset by a successful CONNACK;
 *   - the manual `loop()` and external loops never reconnect;
 *   - mixing loop modes throws `ClientStateError`.
 *
 * It also builds the session engine (from the store) before connecting.
 */
import { MQTTErrorCode } from '../session/error-code.js';
import { SessionReconfigureError } from '../session/errors.js';
import type { SessionEngine } from '../session/types.js';
import type { Store, StoredSession } from '../store/types.js';
import type { Transport } from '../transport/transport.js';
import type { ReconnectBackoff } from './backoff.js';
import type { Client } from './client.js';
import type { ClientConfig } from './client-config.js';
import type { CloseReason, EngineDriver } from './engine-driver.js';
import { LogLevel } from './enums.js';
import { ClientStateError } from './errors.js';
import type { EventDispatcher } from './event-dispatcher.js';
import { describeError } from './logging.js';
import { createSessionEngine } from './session-factory.js';

/** Which loop drives the client. */
export type LoopMode = 'none' | 'manual' | 'external' | 'background' | 'forever';

const LOOP_NAMES: Record<LoopMode, string> = {
  none: 'no loop',
  manual: 'the manual loop (loop())',
  external: 'an external loop (loopRead/loopWrite/loopMisc)',
  background: 'the background loop (loopStart())',
  forever: 'loopForever()',
};

const noop = (): void => undefined;

function isPromise(value: unknown): value is Promise<unknown> {
  return (
    typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function'
  );
}

export interface ConnectionContext<U> {
  client: Client<U>;
  config: () => ClientConfig;
  userdata: () => U;
  driver: EngineDriver;
  store: Store;
  backoff: ReconnectBackoff;
  events: EventDispatcher<U>;
}

export class ConnectionManager<U> {
  readonly #ctx: ConnectionContext<U>;
  #mode: LoopMode = 'none';
  #opening: Promise<MQTTErrorCode> | undefined;
  #wantConnection = false;
  #replacing = false;
  #everConnected = false;
  #retryFirstConnection = false;
  #lostConnection = false;
  #reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  #forever: { resolve: (rc: MQTTErrorCode) => void; reject: (error: unknown) => void } | undefined;
  #fingerprint: string | undefined;
  #sessionLoading: Promise<void> | undefined;

  constructor(context: ConnectionContext<U>) {
    this.#ctx = context;
  }

  get mode(): LoopMode {
    return this.#mode;
  }

  /** A transport is open or opening, or a reconnect is scheduled. */
  get busy(): boolean {
    return (
      this.#ctx.driver.transport !== undefined ||
      this.#opening !== undefined ||
      this.#reconnectTimer !== undefined
    );
  }

  get opening(): Promise<MQTTErrorCode> | undefined {
    return this.#opening;
  }

  /** `connectAsync()`: a connection is wanted; a running background loop opens it. */
  want(): void {
    this.#wantConnection = true;
    if (this.#isBackground() && !this.busy) void this.#start('loop');
  }

  /** `reconnect()`: closes the current connection (if any) and opens a new one; joins an attempt in progress. */
  async reconnect(): Promise<MQTTErrorCode> {
    if (this.#ctx.config().host === '') {
      throw new ClientStateError('reconnect() needs connect() or connectAsync() first');
    }
    this.#wantConnection = true;
    this.#cancelReconnect();
    if (this.#opening !== undefined) return this.#opening;
    const driver = this.#ctx.driver;
    if (driver.transport !== undefined) {
      this.#replacing = true;
      const closed = driver.whenClosed();
      driver.destroyTransport();
      await closed;
      this.#replacing = false;
      if (this.#opening !== undefined) return this.#opening;
    }
    return this.#start('user');
  }

  /**
   * `disconnect()`: no connection is wanted any more. Returns what to do: `'send'` (a transport is open: send
   * DISCONNECT), `'opening'` (DISCONNECT goes out once open), or `'none'`.
   */
  unwant(): 'send' | 'opening' | 'none' {
    this.#wantConnection = false;
    this.#cancelReconnect();
    if (this.#ctx.driver.transport !== undefined) return 'send';
    if (this.#opening !== undefined) return 'opening';
    this.#endLoops(MQTTErrorCode.MQTT_ERR_SUCCESS);
    return 'none';
  }

  /** `reinitialise()`: drops everything at once. */
  reset(): void {
    this.#wantConnection = false;
    this.#cancelReconnect();
    this.#ctx.driver.destroyTransport();
    this.#endLoops(MQTTErrorCode.MQTT_ERR_SUCCESS);
    this.#fingerprint = undefined;
  }

  /** A successful CONNACK was dispatched. */
  connected(): void {
    this.#ctx.backoff.reset();
    this.#everConnected = true;
  }

  /** `onDisconnect` was dispatched: end the loops, or reconnect in the background modes. */
  closed(_reason: CloseReason): void {
    this.#lostConnection = true;
    if (this.#replacing || this.#opening !== undefined) return;
    if (!this.#wantConnection) {
      this.#endLoops(MQTTErrorCode.MQTT_ERR_SUCCESS);
      return;
    }
    if (!this.#isBackground()) return;
    if (this.#ctx.config().reconnectOnFailure) {
      this.#scheduleReconnect();
    } else {
      this.#wantConnection = false;
      this.#endLoops(MQTTErrorCode.MQTT_ERR_CONN_LOST);
    }
  }

  // ---- loop modes ----

  loop(timeoutMs: number): Promise<MQTTErrorCode> {
    this.#enterMode('manual', 'loop()');
    return this.#loopOnce(timeoutMs);
  }

  loopStart(): MQTTErrorCode {
    if (this.#mode === 'background') return MQTTErrorCode.MQTT_ERR_INVAL;
    this.#enterMode('background', 'loopStart()');
    if (this.#wantConnection && !this.busy) void this.#start('loop');
    return MQTTErrorCode.MQTT_ERR_SUCCESS;
  }

  loopStop(): MQTTErrorCode {
    if (this.#mode !== 'background') return MQTTErrorCode.MQTT_ERR_INVAL;
    this.#cancelReconnect();
    this.#setMode('none');
    return MQTTErrorCode.MQTT_ERR_SUCCESS;
  }

  loopForever(retryFirstConnection: boolean): Promise<MQTTErrorCode> {
    if (this.#mode === 'forever') throw new ClientStateError('loopForever() is already running');
    if (!this.#wantConnection && !this.busy) {
      throw new ClientStateError('call connect() or connectAsync() before loopForever()');
    }
    this.#enterMode('forever', 'loopForever()');
    this.#retryFirstConnection = retryFirstConnection;
    this.#everConnected = false;
    const done = new Promise<MQTTErrorCode>((resolve, reject) => {
      this.#forever = { resolve, reject };
    });
    done.catch(noop);
    this.#ctx.driver.setLive(true); // hands over what was held (maybe the CONNACK) before anything else
    if (this.#wantConnection && !this.busy) void this.#start('loop');
    return done;
  }

  loopRead(): MQTTErrorCode {
    this.#enterMode('external', 'loopRead()');
    const driver = this.#ctx.driver;
    this.#lostConnection = false;
    const hadWork = driver.hasHeldWork;
    driver.processHeld(false);
    this.#rethrowCallbackError();
    if (this.#lostConnection) return MQTTErrorCode.MQTT_ERR_CONN_LOST;
    return driver.transport !== undefined || hadWork
      ? MQTTErrorCode.MQTT_ERR_SUCCESS
      : MQTTErrorCode.MQTT_ERR_NO_CONN;
  }

  loopWrite(): MQTTErrorCode {
    this.#enterMode('external', 'loopWrite()');
    if (this.#ctx.driver.transport === undefined) return MQTTErrorCode.MQTT_ERR_NO_CONN;
    this.#ctx.driver.flushWrites();
    return MQTTErrorCode.MQTT_ERR_SUCCESS;
  }

  loopMisc(): MQTTErrorCode {
    this.#enterMode('external', 'loopMisc()');
    if (this.#ctx.driver.transport === undefined) return MQTTErrorCode.MQTT_ERR_NO_CONN;
    this.#ctx.driver.tickIfDue();
    return MQTTErrorCode.MQTT_ERR_SUCCESS;
  }

  /** Re-evaluates whether writes wait for `loopWrite()` (external loops, or a register-write hook). */
  updateWriteHolding(): void {
    const external = this.#mode === 'external';
    const hook = this.#mode === 'none' && this.#ctx.client.onSocketRegisterWrite !== undefined;
    this.#ctx.driver.setHoldWrites(external || hook);
  }

  // ---- the session engine ----

  /**
   * Makes sure an engine exists. With `rebuild`, a disconnected engine whose settings changed takes the new
   * settings (`SessionEngine.reconfigure`: queued messages, QoS 0 included, and unsent SUBSCRIBE/UNSUBSCRIBE
   * are kept); only a change the engine refuses (the protocol version, the client id while a session is held)
   * replaces it by a new engine restored from the store. Returns a Promise only when the store loads
   * asynchronously.
   */
  prepareSession(rebuild: boolean): Promise<void> | undefined {
    if (this.#sessionLoading !== undefined) return this.#sessionLoading;
    const { driver, store } = this.#ctx;
    const current = driver.session;
    if (current !== undefined && (!rebuild || current.state !== 'disconnected')) return undefined;
    const config = this.#ctx.config();
    const fingerprint = config.sessionFingerprint();
    const options = config.toSessionOptions();
    const storeKey = options.clientId === '' ? '(broker-assigned)' : options.clientId;
    if (current !== undefined) {
      if (fingerprint === this.#fingerprint) return undefined;
      if (driver.transport !== undefined) return undefined;
      try {
        current.reconfigure(options);
        driver.setSession(current, storeKey); // the same engine; the store key follows a new client id
        this.#fingerprint = fingerprint;
        this.#log(LogLevel.MQTT_LOG_DEBUG, 'Settings changed: the session engine took them');
        return undefined;
      } catch (error) {
        if (!(error instanceof SessionReconfigureError)) throw error;
        this.#log(
          LogLevel.MQTT_LOG_WARNING,
          `Settings changed (${error.message}): restarting the session engine from the store; queued QoS 0 ` +
            'messages and unsent SUBSCRIBE/UNSUBSCRIBE requests are dropped',
        );
      }
    }
    const install = (restored: StoredSession): void => {
      driver.setSession(createSessionEngine(options, restored), storeKey);
      this.#fingerprint = fingerprint;
    };
    const loaded = store.load(storeKey);
    if (!isPromise(loaded)) {
      install(loaded);
      return undefined;
    }
    const loading = loaded.then(install).finally(() => {
      this.#sessionLoading = undefined;
    });
    loading.catch(noop);
    this.#sessionLoading = loading;
    return loading;
  }

  /** The engine, created now if needed; throws when the store loads asynchronously and has not yet. */
  requireSession(): SessionEngine {
    const loading = this.prepareSession(false);
    const session = this.#ctx.driver.session;
    if (loading !== undefined || session === undefined) {
      throw new ClientStateError(
        'the store loads asynchronously: await connect() before publishing or subscribing',
      );
    }
    return session;
  }

  // ---- internals ----

  #start(initiator: 'user' | 'loop'): Promise<MQTTErrorCode> {
    const attempt = this.#openOnce(initiator).then(
      (rc) => {
        this.#opening = undefined;
        return rc;
      },
      (error: unknown) => {
        this.#opening = undefined;
        this.#failed(error, initiator);
        throw error;
      },
    );
    attempt.catch(noop);
    this.#opening = attempt;
    return attempt;
  }

  async #openOnce(initiator: 'user' | 'loop'): Promise<MQTTErrorCode> {
    const { client, driver, events } = this.#ctx;
    const prepared = this.prepareSession(true);
    if (prepared !== undefined) await prepared;
    events.invoke('onPreConnect', () => client.onPreConnect?.(client, this.#ctx.userdata()));
    this.updateWriteHolding();
    const config = this.#ctx.config();
    // With a broker list, each broker is tried in turn (from the current one) before the attempt fails.
    for (let tried = 1; ; tried++) {
      const target = config.net.target(config.host, config.port);
      this.#log(
        LogLevel.MQTT_LOG_DEBUG,
        `Connecting to ${target.url} (from ${initiator === 'loop' ? 'the loop' : 'connect()'})`,
      );
      try {
        await driver.open(
          {
            ...target,
            connectTimeoutMs: Math.round(config.connectTimeout * 1000),
            bindAddress: config.bindAddress,
            bindPort: config.bindPort,
          },
          (transport: Transport) => {
            events.socket = transport.raw;
            events.invoke('onSocketOpen', () =>
              client.onSocketOpen?.(client, this.#ctx.userdata(), transport.raw),
            );
          },
        );
      } catch (error) {
        config.net.failed();
        if (tried >= config.net.brokerCount || !this.#wantConnection) throw error;
        this.#log(
          LogLevel.MQTT_LOG_WARNING,
          `Connection to ${target.url} failed (${describeError(error)}); trying the next broker`,
        );
        continue;
      }
      this.#log(LogLevel.MQTT_LOG_DEBUG, `Sent CONNECT to ${target.url}`);
      break;
    }
    if (!this.#wantConnection) {
      // disconnect() was called while the transport was opening.
      driver.run((session, now) => session.disconnect(0, undefined, now));
    }
    return MQTTErrorCode.MQTT_ERR_SUCCESS;
  }

  #failed(error: unknown, initiator: 'user' | 'loop'): void {
    const { client, config, events } = this.#ctx;
    const { reconnectOnFailure } = config();
    this.#log(LogLevel.MQTT_LOG_ERR, `Connection to ${this.#describe()} failed: ${describeError(error)}`);
    events.connectFailed(error);
    if (!this.#isBackground()) return;
    if (initiator === 'loop')
      events.invoke('onConnectFail', () => client.onConnectFail?.(client, this.#ctx.userdata()));
    if (this.#mode === 'forever' && !this.#everConnected && !this.#retryFirstConnection) {
      this.#wantConnection = false;
      const forever = this.#forever;
      this.#forever = undefined;
      this.#setMode('none');
      forever?.reject(error);
      return;
    }
    if (this.#wantConnection && reconnectOnFailure) this.#scheduleReconnect();
  }

  #scheduleReconnect(): void {
    if (this.busy) return;
    const delayMs = this.#ctx.backoff.nextDelayMs();
    this.#log(LogLevel.MQTT_LOG_INFO, `Reconnecting to ${this.#describe()} in ${delayMs} ms`);
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = undefined;
      if (this.#wantConnection && this.#isBackground() && !this.busy) void this.#start('loop');
    }, delayMs);
  }

  #cancelReconnect(): void {
    if (this.#reconnectTimer !== undefined) clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = undefined;
  }

  #enterMode(mode: LoopMode, caller: string): void {
    if (this.#mode === mode) return;
    if (this.#mode !== 'none') {
      throw new ClientStateError(
        `${caller} cannot be used while ${LOOP_NAMES[this.#mode]} is in use: do not mix loop modes`,
      );
    }
    this.#setMode(mode);
  }

  #setMode(mode: LoopMode): void {
    this.#mode = mode;
    this.#ctx.driver.setLive(mode === 'background' || mode === 'forever');
    this.updateWriteHolding();
  }

  #isBackground(): boolean {
    return this.#mode === 'background' || this.#mode === 'forever';
  }

  async #loopOnce(timeoutMs: number): Promise<MQTTErrorCode> {
    const driver = this.#ctx.driver;
    this.#lostConnection = false;
    if (driver.transport === undefined && this.#opening === undefined && !driver.hasHeldWork) {
      return MQTTErrorCode.MQTT_ERR_NO_CONN;
    }
    await driver.waitForInput(timeoutMs);
    if (this.#mode !== 'manual') return MQTTErrorCode.MQTT_ERR_SUCCESS;
    driver.processHeld();
    this.#rethrowCallbackError();
    if (this.#lostConnection) return MQTTErrorCode.MQTT_ERR_CONN_LOST;
    return driver.transport !== undefined || this.#opening !== undefined
      ? MQTTErrorCode.MQTT_ERR_SUCCESS
      : MQTTErrorCode.MQTT_ERR_NO_CONN;
  }

  /** `suppressExceptions` false: a callback's exception caught while processing leaves `loop()`/`loopRead()`. */
  #rethrowCallbackError(): void {
    const pending = this.#ctx.events.takeCallbackError();
    if (pending !== undefined) throw pending.error;
  }

  /** The connection is over for good (disconnect(), or lost without reconnecting): loops end. */
  #endLoops(rc: MQTTErrorCode): void {
    this.#cancelReconnect();
    const forever = this.#forever;
    this.#forever = undefined;
    if (this.#mode !== 'none') this.#setMode('none');
    forever?.resolve(rc);
  }

  /** The broker last tried, for log lines. */
  #describe(): string {
    const config = this.#ctx.config();
    return config.net.current?.url ?? `${config.host}:${config.port}`;
  }

  #log(level: LogLevel, message: string): void {
    this.#ctx.events.log(level, message);
  }
}

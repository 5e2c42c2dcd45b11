/**
 * `Connection`: the one owner of the client's connection state, its loop modes and its reconnect policy, and the
 * one consumer of the `EngineDriver`'s events (which it hands on to the `Dispatcher`).
 *
 *   - the state is one `ConnectionState` at a time, changed only by `#transition()`, which logs the change at
 *     `MQTT_LOG_DEBUG` and tells the `onTransition()` observers (stats and status streams hook there; the
 *     diagnostics channels are published where each event happens);
 *   - one connection attempt at a time: `connect()`, `reconnect()`, `loopStart()` and the reconnect timer all
 *     join the attempt in progress, so `loopStart()` + `connect()` opens one connection;
 *   - in the background modes (`loopStart`, `loopForever`) a lost or failed connection is retried after the
 *     delay of `reconnect-policy.ts` (exponential, jittered; back to the minimum only after a connection that
 *     stayed up `STABLE_CONNECTION_MS` or delivered a message or a SUBACK/UNSUBACK, so a broker that CONNACKs then drops is not retried in a busy loop).
 *     What happens next is decided and applied before the callbacks hear of the loss (`onDisconnect`,
 *     `onConnectFail`): a callback that calls `disconnect()`, `loopStop()` or `reconnect()` overrides it as
 *     every later command would;
 *   - the manual `loop()` and external loops never reconnect; mixing loop modes throws `ClientStateError`.
 */
import { InvalidArgumentError } from '../errors.js';
import type { ProtocolVersion } from '../packet/types.js';
import { MQTTErrorCode } from '../session/error-code.js';
import { AuthenticationError } from '../session/errors.js';
import type { SessionEngine } from '../session/types.js';
import type { Store } from '../store/types.js';
import type { ClientDiagnostics, DiagnosticsSource } from '../transport/diagnostics-channels.js';
import { platform } from '../transport/platform.js';
import { ReconnectBackoff } from './backoff.js';
import { noop } from './async.js';
import type { CallbackSlots } from './callback-slots.js';
import type { ClientConfig, ConfigHolder } from './client-config.js';
import { connackReasonCode, Dispatcher, type DispatcherSettings } from './dispatcher.js';
import { EngineDriver, type CloseReason, type DriverConsumer, type DriverEvent } from './engine-driver.js';
import { LogLevel } from './enums.js';
import { ClientStateError } from './errors.js';
import { describeError } from './logging.js';
import type { Runtime, TimerHandle } from './runtime.js';
import { SessionLoader } from './session-loader.js';

/** Which loop drives the client. */
export type LoopMode = 'none' | 'manual' | 'external' | 'background' | 'forever';

/** The state of the client's connection (the MQTT session's own state is the engine's). */
export type ConnectionState =
  /** No transport, no attempt, nothing scheduled. */
  | { readonly kind: 'idle' }
  /** An attempt is opening a transport (trying each broker of a list in turn); `attempt` settles when done. */
  | { readonly kind: 'opening'; readonly attempt: Promise<MQTTErrorCode> }
  /** The transport is open and CONNECT sent; no successful CONNACK yet. */
  | { readonly kind: 'open' }
  /** A successful CONNACK was handed on. */
  | { readonly kind: 'connected' }
  /** `disconnect()` sent DISCONNECT; the transport closes next. */
  | { readonly kind: 'closing' }
  /** `reconnect()` closes the open transport to open a new one. */
  | { readonly kind: 'replacing' }
  /** A background loop retries after `delayMs` (retry number `attempt` since the last stable connection). */
  | {
      readonly kind: 'waiting';
      readonly delayMs: number;
      readonly attempt: number;
      readonly timer: TimerHandle;
    };

/** One change of state, as the `onTransition()` observers get it. */
export interface ConnectionTransition {
  readonly from: ConnectionState;
  readonly to: ConnectionState;
  /** The runtime's clock, in milliseconds. */
  readonly at: number;
}

export type TransitionObserver = (transition: ConnectionTransition) => void;

const LOOP_NAMES: Record<LoopMode, string> = {
  none: 'no loop',
  manual: 'the manual loop (loop())',
  external: 'an external loop (loopRead/loopWrite/loopMisc)',
  background: 'the background loop (loopStart())',
  forever: 'loopForever()',
};

const IDLE: ConnectionState = { kind: 'idle' };
const OPEN: ConnectionState = { kind: 'open' };

/** A running `loopForever()`: how it ends, and whether its first connection has succeeded. */
interface ForeverRun {
  resolve(rc: MQTTErrorCode): void;
  reject(error: unknown): void;
  readonly retryFirstConnection: boolean;
  everConnected: boolean;
}

export interface ConnectionParts<C, U> {
  /** Passed first to every callback. */
  client: C;
  callbacks: CallbackSlots<C, U>;
  settings: DispatcherSettings<U>;
  config: ConfigHolder;
  store: Store;
  runtime: Runtime;
  /** `reconnectJitter`. */
  jitter: number;
}

export class Connection<C, U> implements DriverConsumer {
  readonly #driver: EngineDriver;
  readonly #dispatcher: Dispatcher<C, U>;
  readonly backoff: ReconnectBackoff;
  readonly #settings: ConfigHolder;
  readonly #runtime: Runtime;
  readonly #sessions: SessionLoader;
  readonly #observers: TransitionObserver[] = [];
  /** The diagnostics channels, where the platform has them (`transport/diagnostics-channels.ts`). */
  readonly #diagnostics: ClientDiagnostics | undefined;
  #state: ConnectionState = IDLE;
  #mode: LoopMode = 'none';
  /** A connection is wanted (`connect()`, `connectAsync()`, `reconnect()`) and `disconnect()` was not called. */
  #wanted = false;
  #forever: ForeverRun | undefined;
  /** Transports closed so far: a loop pass that saw one returns `MQTT_ERR_CONN_LOST`. */
  #closes = 0;
  /** Successful connections so far (CONNACKs handed on), and when the current one began (runtime clock). */
  #connections = 0;
  #connectedAt = 0;

  constructor(parts: ConnectionParts<C, U>) {
    this.#settings = parts.config;
    const runtime = parts.runtime;
    this.#runtime = runtime;
    // One closure for the back-off and the engine (issue 16: every closure is part of each idle client's heap).
    const random = (): number => runtime.random();
    this.backoff = new ReconnectBackoff(parts.jitter, random);
    this.#diagnostics = platform.diagnostics?.(new ConnectionDiagnosticsSource(parts.client, this));
    const store = this.#diagnostics?.observeStore(parts.store) ?? parts.store;
    this.#driver = new EngineDriver(this, store, runtime, this.#diagnostics);
    this.#dispatcher = new Dispatcher(parts.client, parts.callbacks, parts.settings, this.#driver);
    this.#sessions = new SessionLoader(this.#driver, parts.store, parts.config, this.#dispatcher, random);
  }

  /** The settings the connection is made with now. */
  get config(): ClientConfig {
    return this.#settings.config;
  }

  /** The driver of the engine: the client's commands run there. */
  get driver(): EngineDriver {
    return this.#driver;
  }

  /** The dispatcher of the callbacks. */
  get dispatcher(): Dispatcher<C, U> {
    return this.#dispatcher;
  }

  get state(): ConnectionState {
    return this.#state;
  }

  get mode(): LoopMode {
    return this.#mode;
  }

  /** Calls `observer` after every change of state; returns the function that stops it. */
  onTransition(observer: TransitionObserver): () => void {
    this.#observers.push(observer);
    return () => {
      const index = this.#observers.indexOf(observer);
      if (index >= 0) this.#observers.splice(index, 1);
    };
  }

  /** Successful connections so far (each successful CONNACK), for `stats()`. */
  get connections(): number {
    return this.#connections;
  }

  /** How long the current connection has been up (ms since its CONNACK); 0 when not connected. */
  uptimeMs(): number {
    return this.#state.kind === 'connected' ? this.#runtime.now() - this.#connectedAt : 0;
  }

  /** A transport is open or opening, or a reconnect is scheduled: settings cannot change. */
  get busy(): boolean {
    return this.#state.kind !== 'idle';
  }

  /** The attempt in progress, if any. */
  get opening(): Promise<MQTTErrorCode> | undefined {
    return this.#state.kind === 'opening' ? this.#state.attempt : undefined;
  }

  /** True after a successful CONNACK has been processed by the engine, until the connection closes. */
  isConnected(): boolean {
    return this.#state.kind !== 'idle' && this.#driver.session?.state === 'connected';
  }

  // ---- commands ----

  /** `connectAsync()`: a connection is wanted; a running background loop opens it. */
  want(): void {
    this.#wanted = true;
    if (this.#isBackground() && !this.busy) void this.#start('loop');
  }

  /** `reconnect()`: closes the current connection (if any) and opens a new one; joins an attempt in progress. */
  async reconnect(): Promise<MQTTErrorCode> {
    if (this.#settings.config.host === '') {
      throw new ClientStateError('reconnect() needs connect() or connectAsync() first');
    }
    this.#wanted = true;
    this.#cancelReconnect();
    const opening = this.opening;
    if (opening !== undefined) return opening;
    const driver = this.#driver;
    if (driver.transport !== undefined) {
      this.#transition({ kind: 'replacing' });
      const closed = driver.whenClosed();
      driver.destroyTransport();
      await closed;
      if (this.#state.kind === 'replacing') this.#transition(IDLE);
      const joined = this.opening;
      if (joined !== undefined) return joined;
    }
    return this.#start('user');
  }

  /**
   * `disconnect()`: no connection is wanted any more. Returns what to do: `'send'` (a transport is open: send
   * DISCONNECT), `'opening'` (DISCONNECT goes out once open), or `'none'`.
   */
  unwant(): 'send' | 'opening' | 'none' {
    this.#wanted = false;
    this.#cancelReconnect();
    this.backoff.reset();
    if (this.#driver.transport !== undefined) {
      const kind = this.#state.kind;
      if (kind === 'open' || kind === 'connected') this.#transition({ kind: 'closing' });
      return 'send';
    }
    if (this.opening !== undefined) return 'opening';
    this.#endLoops(MQTTErrorCode.MQTT_ERR_SUCCESS, 'disconnect() was called');
    return 'none';
  }

  /** `reinitialise()`: drops everything at once. */
  reset(): void {
    this.#wanted = false;
    this.#cancelReconnect();
    this.backoff.reset();
    this.#driver.abandonTransport();
    this.#endLoops(MQTTErrorCode.MQTT_ERR_SUCCESS, 'reinitialise() was called');
    this.#sessions.forget();
  }

  /** The engine, created now if needed (see `SessionLoader.engine`). */
  requireSession(): SessionEngine {
    return this.#sessions.engine();
  }

  /** Builds the engine now when the store allows it, so commands given right after are queued in order. */
  prepareSession(): void {
    this.#sessions.prepare(false)?.catch(noop);
  }

  // ---- the driver's events ----

  handle(event: DriverEvent): void {
    switch (event.type) {
      case 'transport-opened':
        this.#dispatcher.socketOpened(event.transport.raw);
        break;
      case 'transport-down': {
        const kind = this.#state.kind;
        if (kind === 'open' || kind === 'connected' || kind === 'closing') {
          this.#transition(IDLE);
        }
        break;
      }
      case 'transport-closed':
        this.#closed(event.reason);
        break;
      case 'connack': {
        const reasonCode = connackReasonCode(this.#settings.config.protocol, event.reasonCode);
        if (!reasonCode.isFailure) {
          this.backoff.connected(this.#runtime.now());
          if (this.#forever !== undefined) this.#forever.everConnected = true;
          if (this.#state.kind === 'open') this.#transition({ kind: 'connected' });
        } else {
          // A broker that refuses the CONNECT stops being current, as one that cannot be reached does: a cluster
          // node answering "Server unavailable" would otherwise be retried for good while the others are up.
          this.#settings.config.net.failed();
        }
        this.#diagnostics?.connack(event.reasonCode, event.sessionPresent, event.properties);
        this.#dispatcher.connack(reasonCode, event.sessionPresent, event.properties);
        break;
      }
      case 'writes-pending':
        this.#dispatcher.writesPending();
        break;
      case 'writes-flushed':
        this.#dispatcher.writesFlushed();
        break;
      case 'store-failed':
        this.#dispatcher.log(LogLevel.MQTT_LOG_ERR, `Session store failed: ${describeError(event.error)}`);
        this.#diagnostics?.error('store', event.error);
        this.#storeFailed(event.error);
        break;
      case 'internal-error':
        this.#diagnostics?.error('internal', event.error);
        this.#dispatcher.log(
          LogLevel.MQTT_LOG_ERR,
          `Internal error, connection closed: ${describeError(event.error)}`,
        );
        break;
      case 'message':
      case 'subscribed':
      case 'unsubscribed':
        this.backoff.proven();
        this.#dispatcher.handle(event);
        break;
      default:
        this.#dispatcher.handle(event);
    }
  }

  /** The transport's end reached the client: decide what follows, apply it, then tell the callbacks. */
  #closed(reason: CloseReason): void {
    this.#closes++;
    this.backoff.closed(this.#runtime.now());
    // The authenticator refused the broker's proof: `connectAndWait()` rejects with its error (SCRAM's
    // `AuthenticationError`), not with the end of the loops that follows.
    if (reason.error instanceof AuthenticationError) this.#dispatcher.connectFailed(reason.error, false);
    const diagnostics = this.#diagnostics;
    if (diagnostics !== undefined) {
      const { reasonCode, fromServer, properties, error } = reason;
      diagnostics.disconnect(reasonCode, fromServer, properties, error);
      if (error !== undefined) diagnostics.error('connection', error);
    }
    this.#afterClose(reason);
    this.#dispatcher.transportClosed(reason);
  }

  #afterClose(reason: CloseReason): void {
    const kind = this.#state.kind;
    if (kind === 'replacing' || kind === 'opening') return;
    if (!this.#wanted) {
      this.#endLoops(MQTTErrorCode.MQTT_ERR_SUCCESS, 'disconnect() was called');
      return;
    }
    if (!this.#isBackground()) return;
    if (this.#settings.config.reconnectOnFailure) {
      this.#scheduleReconnect(reason.error);
    } else {
      this.#wanted = false;
      this.#endLoops(
        MQTTErrorCode.MQTT_ERR_CONN_LOST,
        'the connection was lost and reconnectOnFailure is off',
      );
    }
  }

  /**
   * The store failed: no connection will be opened again (`EngineDriver.open()` refuses), so the client is
   * closed for good now, and `loopForever()` rejects with the store's error rather than retrying in vain.
   */
  #storeFailed(error: unknown): void {
    this.#wanted = false;
    this.#cancelReconnect();
    const forever = this.#forever;
    this.#forever = undefined;
    const storeError = this.#driver.storeError ?? error;
    forever?.reject(storeError);
    this.#endLoops(
      MQTTErrorCode.MQTT_ERR_UNKNOWN,
      `the session store failed: ${describeError(error)}`,
      storeError,
    );
  }

  // ---- loop modes ----

  loop(timeoutMs: number): Promise<MQTTErrorCode> {
    if (typeof timeoutMs !== 'number' || !(timeoutMs >= 0)) {
      throw new InvalidArgumentError(`timeoutMs must be a number >= 0, got ${String(timeoutMs)}`);
    }
    this.#enterMode('manual', 'loop()');
    return this.#loopOnce(timeoutMs);
  }

  loopStart(): MQTTErrorCode {
    if (this.#mode === 'background') return MQTTErrorCode.MQTT_ERR_INVAL;
    this.#enterMode('background', 'loopStart()');
    if (this.#wanted && !this.busy) void this.#start('loop');
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
    if (!this.#wanted && !this.busy) {
      throw new ClientStateError('call connect() or connectAsync() before loopForever()');
    }
    this.#enterMode('forever', 'loopForever()');
    const done = new Promise<MQTTErrorCode>((resolve, reject) => {
      this.#forever = { resolve, reject, retryFirstConnection, everConnected: false };
    });
    done.catch(noop);
    this.#driver.setLive(true); // hands over what was held (maybe the CONNACK) before anything else
    if (this.#wanted && !this.busy) void this.#start('loop');
    return done;
  }

  loopRead(): MQTTErrorCode {
    this.#enterMode('external', 'loopRead()');
    const driver = this.#driver;
    const closes = this.#closes;
    const hadWork = driver.hasHeldWork;
    driver.processHeld(false);
    this.#rethrowCallbackError();
    if (this.#closes !== closes) return MQTTErrorCode.MQTT_ERR_CONN_LOST;
    return driver.transport !== undefined || hadWork
      ? MQTTErrorCode.MQTT_ERR_SUCCESS
      : MQTTErrorCode.MQTT_ERR_NO_CONN;
  }

  loopWrite(): MQTTErrorCode {
    this.#enterMode('external', 'loopWrite()');
    if (this.#driver.transport === undefined) return MQTTErrorCode.MQTT_ERR_NO_CONN;
    this.#driver.flushWrites();
    return MQTTErrorCode.MQTT_ERR_SUCCESS;
  }

  loopMisc(): MQTTErrorCode {
    this.#enterMode('external', 'loopMisc()');
    if (this.#driver.transport === undefined) return MQTTErrorCode.MQTT_ERR_NO_CONN;
    this.#driver.tickIfDue();
    return MQTTErrorCode.MQTT_ERR_SUCCESS;
  }

  /** Re-evaluates whether writes wait for `loopWrite()` (external loops, or a register-write hook). */
  #updateWriteHolding(): void {
    const external = this.#mode === 'external';
    const hook = this.#mode === 'none' && this.#dispatcher.wantsWriteHooks;
    this.#driver.setHoldWrites(external || hook);
  }

  // ---- internals ----

  #transition(to: ConnectionState): void {
    const from = this.#state;
    this.#state = to;
    if (to.kind === 'connected') {
      this.#connections++;
      this.#connectedAt = this.#runtime.now();
    }
    this.#dispatcher.log(LogLevel.MQTT_LOG_DEBUG, `Connection ${from.kind} -> ${to.kind}`);
    if (this.#observers.length === 0) return;
    const transition: ConnectionTransition = { from, to, at: this.#runtime.now() };
    for (const observer of [...this.#observers]) {
      try {
        observer(transition);
      } catch (error) {
        this.#dispatcher.log(LogLevel.MQTT_LOG_ERR, `A transition observer failed: ${describeError(error)}`);
      }
    }
  }

  #start(initiator: 'user' | 'loop'): Promise<MQTTErrorCode> {
    const attempt: Promise<MQTTErrorCode> = this.#openOnce(initiator).then(
      (rc) => {
        if (this.#state.kind === 'opening' && this.#state.attempt === attempt) {
          this.#transition(this.#driver.transport !== undefined ? OPEN : IDLE);
        }
        return rc;
      },
      (error: unknown) => {
        if (this.#state.kind === 'opening' && this.#state.attempt === attempt) {
          this.#transition(IDLE);
        }
        this.#failed(error, initiator);
        throw error;
      },
    );
    attempt.catch(noop);
    this.#transition({ kind: 'opening', attempt });
    return attempt;
  }

  async #openOnce(initiator: 'user' | 'loop'): Promise<MQTTErrorCode> {
    const prepared = this.#sessions.prepare(true);
    if (prepared !== undefined) await prepared;
    this.#dispatcher.preConnect();
    this.#updateWriteHolding();
    const config = this.#settings.config;
    // With a broker list, each broker is tried in turn (from the current one) before the attempt fails.
    for (let tried = 1; ; tried++) {
      const target = config.net.target(config.host, config.port);
      this.#log(
        LogLevel.MQTT_LOG_DEBUG,
        `Connecting to ${target.url} (from ${initiator === 'loop' ? 'the loop' : 'connect()'})`,
      );
      this.#diagnostics?.connect(target.url);
      try {
        await this.#driver.open({
          ...target,
          connectTimeoutMs: Math.round(config.connectTimeout * 1000),
          bindAddress: config.bindAddress,
          bindPort: config.bindPort,
        });
      } catch (error) {
        config.net.failed();
        if (tried >= config.net.brokerCount || !this.#wanted) throw error;
        this.#log(
          LogLevel.MQTT_LOG_WARNING,
          `Connection to ${target.url} failed (${describeError(error)}); trying the next broker`,
        );
        continue;
      }
      this.#log(LogLevel.MQTT_LOG_DEBUG, `Sent CONNECT to ${target.url}`);
      break;
    }
    if (!this.#wanted) {
      // disconnect() was called while the transport was opening.
      this.#driver.run((session, now) => session.disconnect(0, undefined, now));
    }
    return MQTTErrorCode.MQTT_ERR_SUCCESS;
  }

  /** An attempt failed: decide what follows, apply it, then tell the callbacks. */
  #failed(error: unknown, initiator: 'user' | 'loop'): void {
    this.#log(LogLevel.MQTT_LOG_ERR, `Connection to ${this.#describe()} failed: ${describeError(error)}`);
    this.#diagnostics?.error('connect', error);
    const background = this.#isBackground();
    if (background) this.#afterFailure(error);
    this.#dispatcher.connectFailed(error, background && initiator === 'loop');
  }

  #afterFailure(error: unknown): void {
    const forever = this.#forever;
    if (this.#mode === 'forever' && forever !== undefined) {
      if (!forever.everConnected && !forever.retryFirstConnection) {
        this.#wanted = false;
        this.#forever = undefined;
        this.#setMode('none');
        forever.reject(error);
        this.#dispatcher.closedForGood(
          new ClientStateError("the client is closed: loopForever()'s first connection failed", {
            cause: error,
          }),
        );
        return;
      }
    }
    if (this.#wanted && this.#settings.config.reconnectOnFailure) this.#scheduleReconnect(error);
  }

  #scheduleReconnect(lastError: unknown): void {
    if (this.busy) return;
    const attempt = this.backoff.attempt;
    const delayMs = this.backoff.nextDelayMs(lastError);
    this.#log(LogLevel.MQTT_LOG_INFO, `Reconnecting to ${this.#describe()} in ${delayMs} ms`);
    const timer = this.#runtime.setTimeout(() => {
      if (this.#state.kind !== 'waiting' || this.#state.timer !== timer) return;
      this.#transition(IDLE);
      if (this.#wanted && this.#isBackground()) void this.#start('loop');
    }, delayMs);
    this.#transition({ kind: 'waiting', delayMs, attempt, timer });
    this.#diagnostics?.reconnect(attempt, delayMs);
  }

  #cancelReconnect(): void {
    if (this.#state.kind !== 'waiting') return;
    this.#runtime.clearTimeout(this.#state.timer);
    this.#transition(IDLE);
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
    this.#driver.setLive(mode === 'background' || mode === 'forever');
    this.#updateWriteHolding();
  }

  #isBackground(): boolean {
    return this.#mode === 'background' || this.#mode === 'forever';
  }

  async #loopOnce(timeoutMs: number): Promise<MQTTErrorCode> {
    const driver = this.#driver;
    const closes = this.#closes;
    if (driver.transport === undefined && this.opening === undefined && !driver.hasHeldWork) {
      return MQTTErrorCode.MQTT_ERR_NO_CONN;
    }
    await driver.waitForInput(timeoutMs);
    if (this.#mode !== 'manual') return MQTTErrorCode.MQTT_ERR_SUCCESS;
    driver.processHeld();
    this.#rethrowCallbackError();
    if (this.#closes !== closes) return MQTTErrorCode.MQTT_ERR_CONN_LOST;
    return driver.transport !== undefined || this.opening !== undefined
      ? MQTTErrorCode.MQTT_ERR_SUCCESS
      : MQTTErrorCode.MQTT_ERR_NO_CONN;
  }

  /** `suppressExceptions` false: a callback's exception caught while processing leaves `loop()`/`loopRead()`. */
  #rethrowCallbackError(): void {
    const pending = this.#dispatcher.takeCallbackError();
    if (pending !== undefined) throw pending.error;
  }

  /**
   * The connection is over for good (disconnect(), or lost without reconnecting): loops end, and every Promise
   * still waiting on the client settles (`Dispatcher.closedForGood()`), saying `why`.
   */
  #endLoops(rc: MQTTErrorCode, why: string, cause?: unknown): void {
    this.#cancelReconnect();
    const forever = this.#forever;
    this.#forever = undefined;
    if (this.#mode !== 'none') this.#setMode('none');
    forever?.resolve(rc);
    this.#dispatcher.closedForGood(
      new ClientStateError(`the client is closed: ${why}`, cause === undefined ? undefined : { cause }),
    );
  }

  /** The broker last tried, for log lines. */
  #describe(): string {
    const config = this.#settings.config;
    return config.net.current?.url ?? `${config.host}:${config.port}`;
  }

  #log(level: LogLevel, message: string): void {
    this.#dispatcher.log(level, message);
  }
}

/** What `ConnectionDiagnosticsSource` reads of its `Connection`. */
interface DiagnosedConnection {
  readonly driver: EngineDriver;
  readonly config: ClientConfig;
}

/**
 * What the diagnostics channels read of a client when they publish: its methods on the prototype, not four
 * closures per client (issue 16).
 */
class ConnectionDiagnosticsSource implements DiagnosticsSource {
  readonly client: unknown;
  readonly #connection: DiagnosedConnection;

  constructor(client: unknown, connection: DiagnosedConnection) {
    this.client = client;
    this.#connection = connection;
  }

  clientId(): string {
    const connection = this.#connection;
    return connection.driver.session?.clientId ?? connection.config.clientId;
  }

  protocol(): ProtocolVersion {
    return this.#connection.config.protocol;
  }

  now(): number {
    return this.#connection.driver.now();
  }
}

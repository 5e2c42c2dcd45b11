/**
 * `Client`: Paho's MQTT client in TypeScript (Paho 2.x, `CallbackAPIVersion.VERSION2`, names in camelCase).
 *
 * It wires the sans-IO session engine (through `EngineDriver`), a store, a transport, timers and the user's
 * callbacks (through `EventDispatcher`), and runs one of Paho's four loop modes (`ConnectionManager`):
 *   - `loopStart()` / `loopForever()`: network events are processed in the background on the event loop, and
 *     lost or failed connections are retried with exponential back-off and jitter;
 *   - `loop(timeoutMs)`: manual; incoming bytes are buffered and nothing is dispatched until it is called; it
 *     never reconnects;
 *   - external loops: `loopRead()`, `loopWrite()`, `loopMisc()`, `wantWrite()` and the socket callbacks.
 * Mixing them throws a `ClientStateError`. Every call is usable without awaiting: commands are queued in order.
 */
import { InvalidArgumentError } from '../errors.js';
import { PacketType, type Properties as PacketProperties } from '../packet/types.js';
import { MQTTErrorCode } from '../session/error-code.js';
import { validateTopicName } from '../topic/validate.js';
import { noop } from './async.js';
import { CALLBACK_SLOTS, type Authenticator, type CallbackSlots } from './callback-slots.js';
import type {
  OnAuthOf,
  OnCallbackErrorOf,
  OnConnectFailOf,
  OnConnectOf,
  OnDisconnectOf,
  OnLogOf,
  OnMessageOf,
  OnPreConnectOf,
  OnPublishOf,
  OnSocketOf,
  OnSubscribeOf,
  OnUnsubscribeOf,
} from './callback-slots.js';
import { ClientConfig, type CleanStartOption } from './client-config.js';
import {
  checkCallbackApiVersion,
  checkCleanSession,
  checkConnectTimeout,
  checkHost,
  checkedWill,
  checkLogger,
} from './client-checks.js';
import { Connection, type LoopMode } from './connection.js';
import type { ConnectResult, Dispatcher } from './dispatcher.js';
import type { EngineDriver } from './engine-driver.js';
import { checkAuthWithoutSession } from './enhanced-auth.js';
import { CallbackAPIVersion, MQTTProtocolVersion } from './enums.js';
import { ClientStateError } from './errors.js';
import type { Logger } from './logging.js';
import type { MQTTMessageInfo } from './message-info.js';
import type { MQTTMessage } from './mqtt-message.js';
import {
  checkBooleanOption,
  checkIntegerOption,
  validateClientOptions,
  type ClientOptions,
} from './options.js';
import { toPayloadBytes, type PayloadType } from './payload.js';
import { toPacketProperties, type Properties } from './properties.js';
import type { ReasonCode } from './reason-code.js';
import { runtimeOf } from './runtime.js';
import { createDefaultStore } from './session-factory.js';
import {
  normalizeSubscribe,
  normalizeUnsubscribe,
  type SubscribeTopic,
  type SubscriptionSpec,
} from './subscribe-args.js';
import { checkQos, type SubscribeOptions, type SubscribeOptionsInit } from './subscribe-options.js';
import { connectSrv, type TransportMethods } from './transport-methods.js';
import type { ConnectHost, CurrentBroker, ProxySetArgument } from './transport-config.js';
import type { TlsOptions } from '../transport/tls-options.js';
import type { WebSocketHeadersOption } from '../transport/websocket-options.js';

export type { ConnectResult } from './dispatcher.js';
export type { LoopMode } from './connection.js';

const MAX_COUNT = Number.MAX_SAFE_INTEGER;

/** Each client's `Connection`, for what builds on its state (tests, stats): not part of the public API. */
const connections = new WeakMap<object, unknown>();

/**
 * The `Connection` of `client`: its `state` and `onTransition()` hook. Internal (not exported by the entry
 * points): the public facade stays as Paho's.
 */
export function connectionOf<U>(client: Client<U>): Connection<Client<U>, U> {
  const connection = connections.get(client);
  if (connection === undefined) throw new ClientStateError('not a steady-mqtt Client');
  return connection as Connection<Client<U>, U>;
}

export class Client<U = unknown> {
  /** On CONNACK (success or refusal). */
  declare onConnect: OnConnectOf<Client<U>, U> | undefined;
  /** A connection attempt by `loopStart()`/`loopForever()` failed. */
  declare onConnectFail: OnConnectFailOf<Client<U>, U> | undefined;
  /** The connection closed. */
  declare onDisconnect: OnDisconnectOf<Client<U>, U> | undefined;
  /** An application message that no `messageCallbackAdd()` filter matched. */
  declare onMessage: OnMessageOf<Client<U>, U> | undefined;
  /** An outgoing message completed. */
  declare onPublish: OnPublishOf<Client<U>, U> | undefined;
  /** On SUBACK. */
  declare onSubscribe: OnSubscribeOf<Client<U>, U> | undefined;
  /** On UNSUBACK. */
  declare onUnsubscribe: OnUnsubscribeOf<Client<U>, U> | undefined;
  /** Every log line. */
  declare onLog: OnLogOf<Client<U>, U> | undefined;
  /** Before each connection attempt. */
  declare onPreConnect: OnPreConnectOf<Client<U>, U> | undefined;
  /** External-loop hooks (their `socket` is the transport's underlying object, a `net.Socket` for TCP). */
  declare onSocketOpen: OnSocketOf<Client<U>, U> | undefined;
  declare onSocketClose: OnSocketOf<Client<U>, U> | undefined;
  declare onSocketRegisterWrite: OnSocketOf<Client<U>, U> | undefined;
  declare onSocketUnregisterWrite: OnSocketOf<Client<U>, U> | undefined;
  /** MQTT 5 enhanced authentication: the broker sent AUTH (0x18 continue, or 0x00 re-authentication success). */
  declare onAuth: OnAuthOf<Client<U>, U> | undefined;
  /** A user callback threw or its Promise rejected (whatever `suppressExceptions` says). */
  declare onCallbackError: OnCallbackErrorOf<Client<U>, U> | undefined;
  /**
   * Paho's `suppress_exceptions`. `true` (the default, a deliberate choice: a throwing callback never kills the
   * loop): an exception from a callback is caught, logged at `MQTT_LOG_ERR` and passed to `onCallbackError`.
   * `false`: the same, and the manual `loop()` (and `loopRead()`) then rethrows it, after the batch it was
   * processing; the background loops (`loopStart`, `loopForever`) never throw: they report it the same way.
   */
  suppressExceptions = true;

  readonly #callbackApiVersion: CallbackAPIVersion;
  #config: ClientConfig;
  #userdata: U;
  #logger: Logger | undefined;
  /** The user's callbacks: the `onX` properties above read and write this record. */
  readonly #callbacks: CallbackSlots<Client<U>, U> = emptyCallbacks();
  readonly #connection: Connection<Client<U>, U>;
  readonly #driver: EngineDriver;
  readonly #dispatcher: Dispatcher<Client<U>, U>;

  /**
   * @param callbackApiVersion must be `CallbackAPIVersion.VERSION2`.
   * @param options Paho's constructor arguments and steady-mqtt's extras (see `ClientOptions`).
   * @throws NotSupportedError for `VERSION1`; InvalidArgumentError for an invalid option.
   */
  constructor(callbackApiVersion: CallbackAPIVersion, options: ClientOptions<U> = {}) {
    checkCallbackApiVersion(callbackApiVersion);
    validateClientOptions(options);
    this.#callbackApiVersion = callbackApiVersion;
    this.#config = new ClientConfig(options);
    this.#userdata = options.userdata as U;
    this.#logger = options.logger;
    const authenticator: Authenticator | undefined = options.authenticator;
    exposeCallbacks(this, this.#callbacks);
    this.#connection = new Connection<Client<U>, U>({
      client: this,
      callbacks: this.#callbacks,
      settings: {
        userdata: () => this.#userdata,
        logger: () => this.#logger,
        protocol: () => this.#config.protocol,
        manualAck: () => this.#config.manualAck,
        describeBroker: () => this.#config.net.current?.url ?? `${this.#config.host}:${this.#config.port}`,
        rethrowCallbackErrors: () =>
          !this.suppressExceptions &&
          (this.#connection.mode === 'manual' || this.#connection.mode === 'external'),
        authenticator,
      },
      config: () => this.#config,
      store: options.store ?? createDefaultStore(),
      runtime: runtimeOf(options),
      jitter: options.reconnectJitter ?? 0.5,
    });
    this.#driver = this.#connection.driver;
    this.#dispatcher = this.#connection.dispatcher;
    connections.set(this, this.#connection);
  }

  // ---- Paho's properties -------------------------------------------------------------------------------------

  get callbackApiVersion(): CallbackAPIVersion {
    return this.#callbackApiVersion;
  }
  get host(): string {
    return this.#config.host;
  }
  set host(value: string) {
    this.#assertIdle('host');
    this.#config.host = checkHost(value);
  }
  get port(): number {
    return this.#config.port;
  }
  set port(value: number) {
    this.#assertIdle('port');
    this.#config.port = checkIntegerOption('port', value, 1, 65535);
  }
  /** Seconds between control packets; 0 turns keepalive off. */
  get keepalive(): number {
    return this.#driver.session?.state === 'connected'
      ? this.#driver.session.keepalive
      : this.#config.keepalive;
  }
  set keepalive(value: number) {
    this.#assertIdle('keepalive');
    this.#config.keepalive = checkIntegerOption('keepalive', value, 0, 65535);
  }
  /** Seconds allowed to open the transport (default 5); separate from the keepalive. */
  get connectTimeout(): number {
    return this.#config.connectTimeout;
  }
  set connectTimeout(value: number) {
    this.#assertIdle('connectTimeout');
    this.#config.connectTimeout = checkConnectTimeout(value);
  }
  get username(): string | undefined {
    return this.#config.username;
  }
  set username(value: string | undefined) {
    this.#assertIdle('username');
    this.#config.setCredentials(value, this.#config.password);
  }
  get password(): Uint8Array | undefined {
    return this.#config.password;
  }
  set password(value: string | Uint8Array | undefined) {
    this.#assertIdle('password');
    this.#config.setPassword(value);
  }
  get maxInflightMessages(): number {
    return this.#config.maxInflightMessages;
  }
  set maxInflightMessages(value: number) {
    this.#assertIdle('maxInflightMessages');
    this.#config.maxInflightMessages = checkIntegerOption('maxInflightMessages', value, 0, 65535);
    this.#config.maxInflightSet = true;
  }
  get maxQueuedMessages(): number {
    return this.#config.maxQueuedMessages;
  }
  set maxQueuedMessages(value: number) {
    this.#assertIdle('maxQueuedMessages');
    this.#config.maxQueuedMessages = checkIntegerOption('maxQueuedMessages', value, 0, MAX_COUNT);
  }
  get protocol(): MQTTProtocolVersion {
    return this.#config.protocol;
  }
  set protocol(value: MQTTProtocolVersion) {
    this.#assertIdle('protocol');
    this.#config.setProtocol(value);
  }
  get transport(): string {
    return this.#config.transport;
  }
  /** The client id in use: the broker's Assigned Client Identifier once connected (MQTT 5). */
  get clientId(): string {
    return this.#driver.session?.clientId || this.#config.clientId;
  }
  set clientId(value: string) {
    this.#assertIdle('clientId');
    if (typeof value !== 'string') throw new InvalidArgumentError('clientId must be a string');
    this.#config.clientId = value;
  }
  /** MQTT 3.x clean session flag. */
  get cleanSession(): boolean {
    return this.#config.cleanSession;
  }
  set cleanSession(value: boolean) {
    this.#assertIdle('cleanSession');
    this.#config.cleanSession = checkCleanSession(value, this.#config.protocol);
  }
  get logger(): Logger | undefined {
    return this.#logger;
  }
  set logger(value: Logger | undefined) {
    this.#logger = checkLogger(value);
  }
  get willTopic(): string | undefined {
    return this.#config.will?.topic;
  }
  get willPayload(): Uint8Array | undefined {
    return this.#config.will?.payload;
  }
  /** Which loop drives the client now. */
  get loopMode(): LoopMode {
    return this.#connection.mode;
  }
  /** The broker connected to, or tried last (with its place in the broker list); undefined before any attempt. */
  get currentBroker(): CurrentBroker | undefined {
    return this.#config.net.current;
  }

  // ---- Transports: TLS, WebSocket, proxy, SRV (see transport-methods.ts) -------------------------------------

  /** Paho's `tls_set`; see `TransportMethods.tlsSet`. Throws `ClientStateError` while connected. */
  tlsSet(options?: TlsOptions | string): void {
    this.#net('TLS').setTls(typeof options === 'string' ? { caCerts: options } : (options ?? {}));
  }
  /** Paho's `tls_set_context`; see `TransportMethods.tlsSetContext`. */
  tlsSetContext(context?: Parameters<TransportMethods['tlsSetContext']>[0]): void {
    this.#net('TLS').setTlsContext(context);
  }
  /** Paho's `tls_insecure_set`: `true` skips only the host-name check; see `TransportMethods`. */
  tlsInsecureSet(value: boolean): void {
    this.#net('TLS').setInsecure(value);
  }
  /** Paho's `ws_set_options`: path (default `/mqtt`) and headers (an object or a function of the defaults). */
  wsSetOptions(path = '/mqtt', headers?: WebSocketHeadersOption): void {
    this.#net('WebSocket options').setWebSocketOptions(path, headers);
  }
  /** Paho's `proxy_set`: SOCKS5/HTTP proxy options or URL, `'env'` (default) or `'none'`. */
  proxySet(proxy: ProxySetArgument): void {
    this.#net('the proxy').setProxy(proxy);
  }

  /**
   * Paho's `connect_srv`: looks up `_mqtt._tcp.<domain>` (`_secure-mqtt._tcp` once `tlsSet()` was called), then
   * `connect()`s to the brokers found, in RFC 2782 order, trying each in turn.
   */
  async connectSrv(
    domain: string,
    keepalive = 60,
    bindAddress = '',
    bindPort = 0,
    cleanStart?: CleanStartOption,
    properties?: Properties | PacketProperties,
  ): Promise<MQTTErrorCode> {
    const brokers = await connectSrv(domain, this.#config.net.tlsEnabled);
    return this.connect(brokers, 1883, keepalive, bindAddress, bindPort, cleanStart, properties);
  }

  // ---- Connection lifecycle ----------------------------------------------------------------------------------

  /**
   * Connects to `host:port`. Resolves with `MQTT_ERR_SUCCESS` once the CONNECT is sent (the CONNACK arrives
   * through `onConnect`); rejects with a `ConnectionError` (`ConnectTimeoutError` after `connectTimeout`).
   * Throws at once on invalid arguments. `cleanStart` and `properties` are MQTT 5 only. Not awaiting it is
   * fine: a failure is also logged, and reported by `loopForever()`.
   */
  connect(
    host: ConnectHost,
    port = 1883,
    keepalive = 60,
    bindAddress = '',
    bindPort = 0,
    cleanStart?: CleanStartOption,
    properties?: Properties | PacketProperties,
  ): Promise<MQTTErrorCode> {
    this.#config.configureConnect(host, port, keepalive, bindAddress, bindPort, cleanStart, properties);
    return this.reconnect();
  }

  /**
   * Records the connection settings without connecting (Paho's `connect_async`): a running `loopStart()` or
   * `loopForever()` connects, or `reconnect()` does.
   */
  connectAsync(
    host: ConnectHost,
    port = 1883,
    keepalive = 60,
    bindAddress = '',
    bindPort = 0,
    cleanStart?: CleanStartOption,
    properties?: Properties | PacketProperties,
  ): void {
    this.#config.configureConnect(host, port, keepalive, bindAddress, bindPort, cleanStart, properties);
    this.#dispatcher.holdMessages = false;
    this.#connection.want();
  }

  /**
   * Connects again with the stored settings, closing the current connection first if there is one. Resolves
   * when the CONNECT is sent; rejects with a `ConnectionError`. A call while connecting joins that attempt.
   */
  reconnect(): Promise<MQTTErrorCode> {
    this.#connection.prepareSession();
    this.#dispatcher.holdMessages = false;
    const attempt = this.#connection.reconnect();
    attempt.catch(noop);
    return attempt;
  }

  /**
   * `connect()`, resolving on a successful CONNACK with `onConnect`'s arguments; rejects with a
   * `ConnectionRefusedError` on a refusal or a `ConnectionError`. Needs a running `loopStart()`.
   */
  async connectAndWait(
    host: ConnectHost,
    port = 1883,
    keepalive = 60,
    bindAddress = '',
    bindPort = 0,
    cleanStart?: CleanStartOption,
    properties?: Properties | PacketProperties,
  ): Promise<ConnectResult> {
    const mode = this.#connection.mode;
    if (mode !== 'background' && mode !== 'forever') {
      throw new ClientStateError('connectAndWait() needs a running loop: call loopStart() first');
    }
    const connack = this.#dispatcher.nextConnack();
    await this.connect(host, port, keepalive, bindAddress, bindPort, cleanStart, properties);
    return connack;
  }

  /**
   * Sends DISCONNECT (with `reasonCode` and `properties` on MQTT 5) and closes; `onDisconnect` follows, and
   * `loopForever()` resolves. The will is not published (unless MQTT 5 reason 0x04 is given). Returns
   * `MQTT_ERR_NO_CONN` when there was no connection.
   */
  disconnect(reasonCode: number | ReasonCode = 0, properties?: Properties | PacketProperties): MQTTErrorCode {
    const code =
      typeof reasonCode === 'number'
        ? checkIntegerOption('reasonCode', reasonCode, 0, 255)
        : reasonCode.value;
    const packetProperties = toPacketProperties(properties, PacketType.DISCONNECT, this.#config.protocol);
    this.#dispatcher.endIterators();
    this.#dispatcher.holdMessages = true;
    const action = this.#connection.unwant();
    if (action === 'send') {
      this.#driver.run((session, now) => session.disconnect(code, packetProperties, now));
      return MQTTErrorCode.MQTT_ERR_SUCCESS;
    }
    // While opening, DISCONNECT goes out as soon as the transport is open.
    return action === 'opening' ? MQTTErrorCode.MQTT_ERR_SUCCESS : MQTTErrorCode.MQTT_ERR_NO_CONN;
  }

  /** `disconnect()`, resolving once the connection is closed. */
  async disconnectAndWait(
    reasonCode: number | ReasonCode = 0,
    properties?: Properties | PacketProperties,
  ): Promise<void> {
    const opening = this.#connection.opening;
    this.disconnect(reasonCode, properties);
    if (opening !== undefined) await opening.catch(noop);
    await this.#driver.whenClosed();
  }

  /**
   * MQTT 5 enhanced authentication (section 4.12): sends AUTH. Reason `0x18` "Continue authentication" answers
   * the broker's challenge (see `onAuth`) [MQTT-4.12.0-3]; `0x19` "Re-authenticate" starts a re-authentication
   * once connected [MQTT-4.12.1-1]. The Authentication Method is the CONNECT's; it is filled in when
   * `properties` leave it out [MQTT-4.12.0-5]. Returns `MQTT_ERR_NO_CONN` without a connection (nothing sent).
   * @throws InvalidArgumentError on MQTT 3.x, for another reason code, without an `authenticationMethod` in
   *   the CONNECT properties [MQTT-4.12.0-7], for another method, or for 0x19 before the CONNACK.
   */
  auth(reasonCode: number | ReasonCode = 0x18, properties?: Properties | PacketProperties): MQTTErrorCode {
    if (this.#config.protocol !== MQTTProtocolVersion.MQTTv5) {
      throw new InvalidArgumentError('auth() needs MQTT 5: there is no AUTH packet in MQTT 3.x');
    }
    const code =
      typeof reasonCode === 'number'
        ? checkIntegerOption('reasonCode', reasonCode, 0, 255)
        : reasonCode.value;
    const packetProperties = toPacketProperties(properties, PacketType.AUTH, this.#config.protocol) ?? {};
    const session = this.#driver.session;
    if (session === undefined) {
      // No engine yet: check what the engine would, then report that nothing was sent.
      checkAuthWithoutSession(this.#config.connectProperties?.authenticationMethod, code, packetProperties);
      return MQTTErrorCode.MQTT_ERR_NO_CONN;
    }
    const open =
      this.#driver.transport !== undefined &&
      (session.state === 'connecting' || session.state === 'connected');
    // The engine checks the arguments in every state, and sends only on an open connection.
    this.#driver.run((engine, now) => engine.auth(code, packetProperties, now));
    return open ? MQTTErrorCode.MQTT_ERR_SUCCESS : MQTTErrorCode.MQTT_ERR_NO_CONN;
  }

  /** Paho's `reconnect_delay_set`: back-off from `minDelay` to `maxDelay` seconds (fractions allowed). */
  reconnectDelaySet(minDelay = 1, maxDelay = 120): void {
    this.#connection.backoff.set(minDelay, maxDelay);
  }

  /** True after a successful CONNACK has been processed, until the connection closes. */
  isConnected(): boolean {
    return this.#connection.isConnected();
  }

  /**
   * Resets the client as if newly constructed (keeping the callback API version, protocol and store): closes
   * any connection at once, stops loops, clears callbacks, settings and the session.
   */
  reinitialise(clientId = '', cleanSession = true, userdata?: U): void {
    const options: ClientOptions<U> = { clientId, userdata, protocol: this.#config.protocol };
    if (this.#config.protocol !== MQTTProtocolVersion.MQTTv5) options.cleanSession = cleanSession;
    validateClientOptions(options);
    this.#connection.reset();
    this.#dispatcher.endIterators();
    this.#dispatcher.dropAll(MQTTErrorCode.MQTT_ERR_CONN_LOST);
    this.#dispatcher.reset();
    this.#config = new ClientConfig(options);
    this.#userdata = userdata as U;
    Object.assign(this.#callbacks, emptyCallbacks());
  }

  // ---- Configuration -----------------------------------------------------------------------------------------

  /** Sets (or, with no username, clears) the credentials. A string password is sent as UTF-8. */
  usernamePwSet(username: string | undefined, password?: string | Uint8Array): void {
    this.#assertIdle('the credentials');
    this.#config.setCredentials(username, password);
  }

  /** Sets the will, published by the broker if the connection is lost without DISCONNECT. */
  willSet(
    topic: string,
    payload: PayloadType = null,
    qos = 0,
    retain = false,
    properties?: Properties | PacketProperties,
  ): void {
    this.#assertIdle('the will');
    this.#config.will = checkedWill(topic, payload, qos, retain, properties, this.#config.protocol);
  }

  /** Removes the will. */
  willClear(): void {
    this.#assertIdle('the will');
    this.#config.will = undefined;
  }

  /** Outgoing QoS 1/2 messages in flight at once (default 100; 0 = no local limit). */
  maxInflightMessagesSet(inflight: number): void {
    this.maxInflightMessages = inflight;
  }

  /** Messages held while offline or behind the window (default 0 = unlimited). Returns the client. */
  maxQueuedMessagesSet(queueSize: number): this {
    this.maxQueuedMessages = queueSize;
    return this;
  }

  userDataSet(userdata: U): void {
    this.#userdata = userdata;
  }

  userDataGet(): U {
    return this.#userdata;
  }

  /** Mirrors log lines to `logger` (default `console`): ERR → error, WARNING → warn, INFO/NOTICE → info, DEBUG → debug. */
  enableLogger(logger: Logger = console): void {
    this.logger = logger;
  }

  disableLogger(): void {
    this.#logger = undefined;
  }

  /** Switches manual acknowledgement (see `ack()`); applies from the next connection. */
  manualAckSet(on: boolean): void {
    this.#config.manualAck = checkBooleanOption('manualAck', on);
  }

  /** Sets bit 7 of the CONNECT protocol level (the Mosquitto bridge extension). */
  enableBridgeMode(): void {
    this.#assertIdle('bridge mode');
    this.#config.bridgeMode = true;
  }

  // ---- Messaging ---------------------------------------------------------------------------------------------

  /**
   * Publishes a message. Returns at once with an `MQTTMessageInfo` (`mid`, `rc`, `waitForPublish()`). While
   * disconnected, messages are queued (bounded by `maxQueuedMessages` / `maxQueuedBytes`) and sent on connect.
   * @throws InvalidTopicError / InvalidArgumentError before anything is sent: wildcard or empty topic, QoS not
   *   0..2, payload of another type or over 268,435,455 bytes, properties on MQTT 3.x.
   * @throws StoreError for QoS 1/2 once the session store has failed (this message could not be stored, or an
   *   earlier operation failed): the client then opens no connection and sends nothing more; create it again on
   *   a working store, and it resumes from what the store holds.
   */
  publish(
    topic: string,
    payload: PayloadType = null,
    qos = 0,
    retain = false,
    properties?: Properties | PacketProperties,
  ): MQTTMessageInfo {
    if (typeof topic !== 'string')
      throw new InvalidArgumentError(`topic must be a string, got ${typeof topic}`);
    const packetProperties = toPacketProperties(properties, PacketType.PUBLISH, this.#config.protocol);
    const aliased =
      this.#config.protocol === MQTTProtocolVersion.MQTTv5 && packetProperties?.topicAlias !== undefined;
    validateTopicName(topic, { allowEmpty: aliased });
    const checkedQos = checkQos(qos);
    checkBooleanOption('retain', retain);
    const bytes = toPayloadBytes(payload);
    this.#connection.requireSession();
    if (checkedQos > 0) this.#throwIfStoreFailed();
    const info = this.#dispatcher.publish({
      topic,
      payload: bytes,
      qos: checkedQos,
      retain,
      properties: packetProperties,
    });
    // The store failed on this very message: it was not stored, so it is not accepted (nothing of it was sent).
    if (checkedQos > 0) this.#throwIfStoreFailed();
    return info;
  }

  /** Once the session store failed, QoS 1/2 messages are refused with its `StoreError` (never kept in memory). */
  #throwIfStoreFailed(): void {
    const failure = this.#driver.storeError;
    if (failure !== undefined) throw failure;
  }

  /**
   * Subscribes. Accepts every Paho form on every protocol version: `('a/b')`, `('a/b', qos)`,
   * `('a/b', options)`, `(['a/b', qos])`, `(['a/b', options])`, `([['a', 0], ['b', options]])`, with MQTT 5
   * `properties` last. Returns `[MQTT_ERR_SUCCESS, mid]`; the SUBACK arrives through `onSubscribe`. Requested
   * while disconnected, the SUBSCRIBE is sent on connect.
   * @throws InvalidTopicError / InvalidArgumentError on an invalid filter, QoS or option, before anything is sent.
   */
  subscribe(
    topic: SubscribeTopic,
    qos?: SubscriptionSpec,
    options?: SubscribeOptions | SubscribeOptionsInit | Properties | PacketProperties | null,
    properties?: Properties | PacketProperties | null,
  ): [MQTTErrorCode, number] {
    const { subscriptions, properties: props } = normalizeSubscribe(
      topic,
      qos,
      options,
      properties,
      this.#config.protocol,
    );
    this.#connection.requireSession();
    const mid = this.#driver.run((session, now) => session.subscribe(subscriptions, props, now));
    return [MQTTErrorCode.MQTT_ERR_SUCCESS, mid];
  }

  /** Unsubscribes from one filter or a list. Returns `[MQTT_ERR_SUCCESS, mid]`; UNSUBACK → `onUnsubscribe`. */
  unsubscribe(
    topic: string | readonly string[],
    properties?: Properties | PacketProperties | null,
  ): [MQTTErrorCode, number] {
    const { topicFilters, properties: props } = normalizeUnsubscribe(
      topic,
      properties,
      this.#config.protocol,
    );
    this.#connection.requireSession();
    const mid = this.#driver.run((session, now) => session.unsubscribe(topicFilters, props, now));
    return [MQTTErrorCode.MQTT_ERR_SUCCESS, mid];
  }

  /**
   * Manual-ack mode: acknowledges incoming message `mid` (QoS 1: PUBACK; QoS 2: the flow goes on). Returns
   * `MQTT_ERR_NOT_FOUND` when no such message waits.
   */
  ack(mid: number, qos: number): MQTTErrorCode {
    checkIntegerOption('mid', mid, 0, 65535);
    const checkedQos = checkQos(qos);
    if (checkedQos === 0) return MQTTErrorCode.MQTT_ERR_SUCCESS;
    if (this.#driver.session === undefined) return MQTTErrorCode.MQTT_ERR_NOT_FOUND;
    const done = this.#driver.run((session, now) => session.ack(mid, checkedQos, now));
    return done ? MQTTErrorCode.MQTT_ERR_SUCCESS : MQTTErrorCode.MQTT_ERR_NOT_FOUND;
  }

  /**
   * Calls `callback` for messages matching `sub` (a filter with wildcards). Every matching filter's callback
   * runs; `onMessage` runs only when none matched.
   */
  messageCallbackAdd(sub: string, callback: OnMessageOf<Client<U>, U>): void {
    if (typeof callback !== 'function') {
      throw new InvalidArgumentError('messageCallbackAdd() needs a callback function');
    }
    this.#dispatcher.addMessageCallback(sub, callback);
  }

  /** Removes the callback of filter `sub` (an unknown filter is ignored). */
  messageCallbackRemove(sub: string): void {
    this.#dispatcher.removeMessageCallback(sub);
  }

  /**
   * Incoming messages as an async iterator (`for await (const message of client.messages())`), optionally only
   * those matching `filter`. Beside the callbacks, not instead of them. At most `bufferSize` (default 10,000)
   * messages wait; beyond that the oldest is dropped with a warning. Ends on `disconnect()` or `break`.
   */
  messages(options: { filter?: string; bufferSize?: number } = {}): AsyncIterableIterator<MQTTMessage> {
    const limit = checkIntegerOption('bufferSize', options.bufferSize ?? 10_000, 1, Number.MAX_SAFE_INTEGER);
    return this.#dispatcher.messages(limit, options.filter);
  }

  // ---- Loops -------------------------------------------------------------------------------------------------

  /**
   * The manual loop: waits up to `timeoutMs` for network input, then processes it and everything buffered
   * (callbacks run here) and the keepalive. Never reconnects. Resolves with `MQTT_ERR_SUCCESS`,
   * `MQTT_ERR_CONN_LOST` when the connection closed, or `MQTT_ERR_NO_CONN`.
   * @throws ClientStateError when another loop mode is in use.
   */
  loop(timeoutMs = 1000): Promise<MQTTErrorCode> {
    if (typeof timeoutMs !== 'number' || !(timeoutMs >= 0)) {
      throw new InvalidArgumentError(`timeoutMs must be a number >= 0, got ${String(timeoutMs)}`);
    }
    return this.#connection.loop(timeoutMs);
  }

  /**
   * Processes network events in the background and reconnects with back-off. Call before or after
   * `connect()`/`connectAsync()`; one connection is opened. Returns `MQTT_ERR_INVAL` if already running.
   * @throws ClientStateError when another loop mode is in use.
   */
  loopStart(): MQTTErrorCode {
    return this.#connection.loopStart();
  }

  /** Stops the background loop (the connection stays open, unserviced). `MQTT_ERR_INVAL` if not running. */
  loopStop(): MQTTErrorCode {
    return this.#connection.loopStop();
  }

  /**
   * Runs the loop until `disconnect()`: processes network events and reconnects with back-off. Resolves with
   * `MQTT_ERR_SUCCESS` after `disconnect()` (or `MQTT_ERR_CONN_LOST` when the connection is lost and
   * `reconnectOnFailure` is off). Rejects with the `ConnectionError` if the first connection fails, unless
   * `retryFirstConnection`.
   * @throws ClientStateError when another loop mode is in use or nothing to connect to was given.
   */
  loopForever(options: { retryFirstConnection?: boolean } = {}): Promise<MQTTErrorCode> {
    return this.#connection.loopForever(options.retryFirstConnection === true);
  }

  /** External loop: processes the input buffered since the last call (call when the socket had data). */
  loopRead(): MQTTErrorCode {
    return this.#connection.loopRead();
  }

  /** External loop: writes the waiting bytes (call when `wantWrite()` and the socket is writable). */
  loopWrite(): MQTTErrorCode {
    return this.#connection.loopWrite();
  }

  /** External loop: keepalive and timeouts; call about once a second. */
  loopMisc(): MQTTErrorCode {
    return this.#connection.loopMisc();
  }

  /** True when outgoing bytes wait for `loopWrite()`. */
  wantWrite(): boolean {
    return this.#driver.wantWrite;
  }

  /** The transport's underlying object (a `net.Socket` for TCP), or undefined when not connected. */
  socket(): unknown {
    return this.#driver.transport?.raw;
  }

  // ---- Internals ---------------------------------------------------------------------------------------------

  #net(what: string): ClientConfig['net'] {
    this.#assertIdle(what);
    return this.#config.net;
  }

  #assertIdle(what: string): void {
    if (this.#connection.busy) {
      throw new ClientStateError(
        `cannot change ${what} while connected or reconnecting; call disconnect() first`,
      );
    }
  }
}

/** Every callback slot unset. */
function emptyCallbacks<C, U>(): CallbackSlots<C, U> {
  const slots: Partial<CallbackSlots<C, U>> = {};
  for (const name of CALLBACK_SLOTS) slots[name] = undefined;
  return slots as CallbackSlots<C, U>;
}

/**
 * Makes each slot of `callbacks` an own property of `client` (`client.onConnect = ...` writes the record the
 * dispatcher reads). Own properties, as plain fields would be: the Paho facade tells callback slots from methods
 * that way.
 */
function exposeCallbacks<C, U>(client: C & object, callbacks: CallbackSlots<C, U>): void {
  for (const name of CALLBACK_SLOTS) {
    Object.defineProperty(client, name, {
      get: () => callbacks[name],
      set: (value: never) => {
        callbacks[name] = value;
      },
      enumerable: true,
      configurable: true,
    });
  }
}

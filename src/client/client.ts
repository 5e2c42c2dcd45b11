/**
 * `Client`: Paho's MQTT client in TypeScript (Paho 2.x, `CallbackAPIVersion.VERSION2`, names in camelCase).
 *
 * The public facade, with no logic of its own: each member hands its call to the file that owns the behaviour
 * (docs/architecture.md follows a publish and a message through them):
 *   - Paho's properties and setting methods (`host`, `tlsSet()`, ...): `client-settings.ts`; callbacks: `callback-slots.ts`;
 *   - connecting and disconnecting: `client-lifecycle.ts`; messaging: `client-commands.ts`;
 *   - the loop modes and the connection state: `connection.ts`; settings: `client-config.ts`;
 *   - what one client is made of: `client-core.ts`.
 * The loop modes: `loopStart()` / `loopForever()` process network events in the background and retry lost or
 * failed connections with back-off; `loop(timeoutMs)` is manual and never reconnects; `loopRead()`,
 * `loopWrite()`, `loopMisc()` and the socket callbacks serve an external loop. Mixing them throws a
 * `ClientStateError`. Every call is usable without awaiting: commands are queued in order.
 */
import type { Properties as PacketProperties } from '../packet/types.js';
import type { MQTTErrorCode } from '../session/error-code.js';
import type { CallbackSlots, OnMessageOf } from './callback-slots.js';
import type { WaitOptions } from './cancellation.js';
import { checkCallbackApiVersion } from './client-checks.js';
import * as commands from './client-commands.js';
import type { PublishManyMessage, PublishManyOptions, PublishParameters } from './publish-args.js';
import type { MessagesOptions } from './client-commands.js';
import { ClientCore } from './client-core.js';
import * as waits from './client-waits.js';
import type { LoopForeverOptions } from './client-waits.js';
import * as lifecycle from './client-lifecycle.js';
import type {
  ConnectAndWaitParameters,
  ConnectParameters,
  ConnectSrvParameters,
} from './client-lifecycle.js';
import { defineClientSettings, type ClientProperties, type ClientSettingMethods } from './client-settings.js';
import type { Connection } from './connection.js';
import type { ConnectResult } from './dispatcher.js';
import type { CallbackAPIVersion } from './enums.js';
import type { MQTTMessageInfo } from './message-info.js';
import type { MQTTMessage } from './mqtt-message.js';
import { validateClientOptions, type ClientOptions } from './options.js';
import type { PayloadType } from './payload.js';
import type { Properties } from './properties.js';
import type { ReasonCode } from './reason-code.js';
import * as requestResponse from './request-response.js';
import type { RequestOptions } from './request-response.js';
import * as responder from './responder.js';
import type { HandleOptions, RequestHandler, RespondOptions } from './responder.js';
import type { SubscribeParameters } from './subscribe-args.js';
import { collectStats, type ClientStats } from './stats.js';

export type { ConnectResult } from './dispatcher.js';
export type { LoopMode } from './connection.js';

type AnyProperties = Properties | PacketProperties;
type Core<U> = ClientCore<Client<U>, U>;

let coreOf: <U>(client: Client<U>) => Core<U>;

/** The `Connection` of `client` (its `state`, `onTransition()`, `backoff`): internal, for tests and stats. */
export function connectionOf<U>(client: Client<U>): Connection<Client<U>, U> {
  return coreOf(client).connection;
}

/**
 * The callback slots (`onConnect`, `onMessage`, ... : own properties of each client, see `callback-slots.ts`),
 * Paho's properties (`host`, `port`, ...) and setting methods (`tlsSet()`, `willSet()`, ...: on the prototype,
 * see `client-settings.ts`). Declared here and defined there, so that this file stays the list of operations.
 */
export interface Client<U = unknown>
  extends CallbackSlots<Client<U>, U>, ClientProperties, ClientSettingMethods<U> {}

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- every member the interface adds is defined: the callback slots by ClientCore, the rest from tables whose types list them all.
export class Client<U = unknown> {
  /**
   * Paho's `suppress_exceptions`. `true` (the default, a deliberate choice: a throwing callback never kills the
   * loop): an exception from a callback is caught, logged at `MQTT_LOG_ERR` and passed to `onCallbackError`.
   * `false`: the same, and the manual `loop()` (and `loopRead()`) then rethrows it, after the batch it was
   * processing; the background loops (`loopStart`, `loopForever`) never throw: they report it the same way.
   */
  suppressExceptions = true;

  readonly #core: Core<U>;

  static {
    coreOf = <U>(client: Client<U>): Core<U> => client.#core;
    defineClientSettings(
      Client.prototype,
      (client: object) => (client as Client).#core as ClientCore<unknown, unknown>,
    );
  }

  /**
   * @param callbackApiVersion must be `CallbackAPIVersion.VERSION2`.
   * @param options Paho's constructor arguments and steady-mqtt's extras (see `ClientOptions`).
   * @throws NotSupportedError for `VERSION1`; InvalidArgumentError for an invalid option.
   */
  constructor(callbackApiVersion: CallbackAPIVersion, options: ClientOptions<U> = {}) {
    checkCallbackApiVersion(callbackApiVersion);
    validateClientOptions(options);
    this.#core = new ClientCore<Client<U>, U>(this, callbackApiVersion, options);
  }

  // ---- Connection lifecycle (client-lifecycle.ts) --------------------------------------------------------

  /**
   * Paho's `connect_srv`: looks up `_mqtt._tcp.<domain>` (`_secure-mqtt._tcp` once `tlsSet()` was called), then
   * `connect()`s to the brokers found, in RFC 2782 order, trying each in turn.
   */
  connectSrv(...parameters: ConnectSrvParameters): Promise<MQTTErrorCode> {
    return lifecycle.connectSrv(this.#core, parameters);
  }

  /**
   * Connects to `host:port`. Resolves with `MQTT_ERR_SUCCESS` once the CONNECT is sent (the CONNACK arrives
   * through `onConnect`); rejects with a `ConnectionError` (`ConnectTimeoutError` after `connectTimeout`).
   * Throws at once on invalid arguments. `cleanStart` and `properties` are MQTT 5 only. Not awaiting it is
   * fine: a failure is also logged, and reported by `loopForever()`.
   */
  connect(...parameters: ConnectParameters): Promise<MQTTErrorCode> {
    return lifecycle.connect(this.#core, parameters);
  }

  /**
   * Records the connection settings without connecting (Paho's `connect_async`): a running `loopStart()` or
   * `loopForever()` connects, or `reconnect()` does.
   */
  connectAsync(...parameters: ConnectParameters): void {
    lifecycle.connectAsync(this.#core, parameters);
  }

  /**
   * Connects again with the stored settings, closing the current connection first if there is one. Resolves
   * when the CONNECT is sent; rejects with a `ConnectionError`. A call while connecting joins that attempt.
   */
  reconnect(): Promise<MQTTErrorCode> {
    return lifecycle.reconnect(this.#core);
  }

  /**
   * `connect()`, resolving on a successful CONNACK with `onConnect`'s arguments; rejects with a
   * `ConnectionRefusedError` on a refusal or a `ConnectionError`. Needs a running `loopStart()`. An eighth
   * argument `{ signal, timeoutMs }` bounds the wait (the connection attempt goes on).
   */
  connectAndWait(...parameters: ConnectAndWaitParameters): Promise<ConnectResult> {
    return lifecycle.connectAndWait(this.#core, parameters);
  }

  /**
   * Sends DISCONNECT (with `reasonCode` and `properties` on MQTT 5) and closes; `onDisconnect` follows, and
   * `loopForever()` resolves. The will is not published (unless MQTT 5 reason 0x04 is given). Returns
   * `MQTT_ERR_NO_CONN` when there was no connection.
   */
  disconnect(reasonCode: number | ReasonCode = 0, properties?: AnyProperties): MQTTErrorCode {
    return lifecycle.disconnect(this.#core, reasonCode, properties);
  }

  /** `disconnect()`, resolving once the connection is closed; `wait` (`{ signal, timeoutMs }`) bounds the wait. */
  disconnectAndWait(
    reasonCode: number | ReasonCode = 0,
    properties?: AnyProperties,
    wait?: WaitOptions,
  ): Promise<void> {
    return lifecycle.disconnectAndWait(this.#core, reasonCode, properties, wait);
  }

  /**
   * MQTT 5 enhanced authentication (section 4.12): sends AUTH. Reason `0x18` "Continue authentication" answers
   * the broker's challenge (see `onAuth`) [MQTT-4.12.0-3]; `0x19` "Re-authenticate" starts a re-authentication
   * once connected [MQTT-4.12.1-1]. The Authentication Method is the CONNECT's; it is filled in when
   * `properties` leave it out [MQTT-4.12.0-5]. Returns `MQTT_ERR_NO_CONN` without a connection (nothing sent).
   * @throws InvalidArgumentError on MQTT 3.x, for another reason code, without an `authenticationMethod` in
   *   the CONNECT properties [MQTT-4.12.0-7], for another method, or for 0x19 before the CONNACK.
   */
  auth(reasonCode: number | ReasonCode = 0x18, properties?: AnyProperties): MQTTErrorCode {
    return commands.auth(this.#core, reasonCode, properties);
  }

  /** True after a successful CONNACK has been processed, until the connection closes. */
  isConnected(): boolean {
    return this.#core.connection.isConnected();
  }

  /**
   * Resets the client as if newly constructed (keeping the callback API version, protocol and store): closes
   * any connection at once, stops loops, clears callbacks, settings and the session.
   */
  reinitialise(clientId = '', cleanSession = true, userdata?: U): void {
    this.#core.reinitialise(clientId, cleanSession, userdata);
  }

  // ---- Configuration: the other setting methods are in client-settings.ts -------------------------------------

  /** Messages held while offline or behind the window (default 0 = unlimited). Returns the client. */
  maxQueuedMessagesSet(queueSize: number): this {
    this.maxQueuedMessages = queueSize;
    return this;
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
  publish(...parameters: PublishParameters): MQTTMessageInfo {
    return commands.publish(this.#core, ...parameters);
  }

  /**
   * Publishes a batch: `[{ topic, payload?, qos?, retain?, properties? } | [topic, payload?, qos?, retain?,
   * properties?], ...]`, in order, `options` giving the QoS and retain flag of messages without their own.
   * Returns one `MQTTMessageInfo` per message, as `publish()` would. The batch is one engine command: with a
   * durable store (`SqliteStore`) it is one transaction, committed before this returns, so each accepted QoS 1/2
   * message is stored by then, as with `publish()`, at the cost of one commit instead of one per message.
   * Acceptance is per message, as `publish()`'s (`rc` of each handle: a full queue refuses the rest).
   * @throws InvalidTopicError / InvalidArgumentError when any message is invalid (the error names its index):
   *   every message is checked first, and then none of the batch is accepted.
   * @throws StoreError for a batch with QoS 1/2 messages once the session store has failed (see `publish()`).
   */
  publishMany(
    messages: readonly (PublishManyMessage | PublishParameters)[],
    options?: PublishManyOptions,
  ): MQTTMessageInfo[] {
    return commands.publishMany(this.#core, messages, options);
  }

  /**
   * Subscribes. Accepts every Paho form on every protocol version: `('a/b')`, `('a/b', qos)`,
   * `('a/b', options)`, `(['a/b', qos])`, `(['a/b', options])`, `([['a', 0], ['b', options]])`, with MQTT 5
   * `properties` last. Returns `[MQTT_ERR_SUCCESS, mid]`; the SUBACK arrives through `onSubscribe`. Requested
   * while disconnected, the SUBSCRIBE is sent on connect.
   * @throws InvalidTopicError / InvalidArgumentError on an invalid filter, QoS or option, before anything is sent.
   */
  subscribe(...parameters: SubscribeParameters): [MQTTErrorCode, number] {
    return commands.subscribe(this.#core, ...parameters);
  }

  /** Unsubscribes from one filter or a list. Returns `[MQTT_ERR_SUCCESS, mid]`; UNSUBACK → `onUnsubscribe`. */
  unsubscribe(topic: string | readonly string[], properties?: AnyProperties | null): [MQTTErrorCode, number] {
    return commands.unsubscribe(this.#core, topic, properties);
  }

  /**
   * Manual-ack mode: acknowledges incoming message `mid` (QoS 1: PUBACK; QoS 2: the flow goes on). Returns
   * `MQTT_ERR_NOT_FOUND` when no such message waits.
   */
  ack(mid: number, qos: number): MQTTErrorCode {
    return commands.ack(this.#core, mid, qos);
  }

  /**
   * Calls `callback` for messages matching `sub` (a filter with wildcards). Every matching filter's callback
   * runs; `onMessage` runs only when none matched.
   */
  messageCallbackAdd(sub: string, callback: OnMessageOf<Client<U>, U>): void {
    commands.messageCallbackAdd(this.#core, sub, callback);
  }

  /** Removes the callback of filter `sub` (an unknown filter is ignored). */
  messageCallbackRemove(sub: string): void {
    this.#core.dispatcher.removeMessageCallback(sub);
  }

  /**
   * Incoming messages as an async iterator (`for await (const message of client.messages())`), optionally only
   * those matching `filter`. Beside the callbacks, not instead of them. Once `bufferSize` (default 10,000)
   * messages wait, the client stops reading until the consumer pulls: a QoS 1/2 message is never dropped; past
   * `bufferSize` the oldest waiting QoS 0 one is, with a warning. Ends on `disconnect()`, `break`, or when
   * `signal` aborts; `timeoutMs` bounds each `next()` that waits.
   */
  messages(options: MessagesOptions = {}): AsyncIterableIterator<MQTTMessage> {
    return commands.messages(this.#core, options);
  }

  // ---- Loops (connection.ts) ---------------------------------------------------------------------------------

  /**
   * The manual loop: waits up to `timeoutMs` for network input, then processes it and everything buffered
   * (callbacks run here) and the keepalive. Never reconnects. Resolves with `MQTT_ERR_SUCCESS`,
   * `MQTT_ERR_CONN_LOST` when the connection closed, or `MQTT_ERR_NO_CONN`.
   * @throws ClientStateError when another loop mode is in use.
   */
  loop(timeoutMs = 1000): Promise<MQTTErrorCode> {
    return this.#core.connection.loop(timeoutMs);
  }

  /**
   * Processes network events in the background and reconnects with back-off. Call before or after
   * `connect()`/`connectAsync()`; one connection is opened. Returns `MQTT_ERR_INVAL` if already running.
   * @throws ClientStateError when another loop mode is in use.
   */
  loopStart(): MQTTErrorCode {
    return this.#core.connection.loopStart();
  }

  /** Stops the background loop (the connection stays open, unserviced). `MQTT_ERR_INVAL` if not running. */
  loopStop(): MQTTErrorCode {
    return this.#core.connection.loopStop();
  }

  /**
   * Runs the loop until `disconnect()`: processes network events and reconnects with back-off. Resolves with
   * `MQTT_ERR_SUCCESS` after `disconnect()` (or `MQTT_ERR_CONN_LOST` when the connection is lost and
   * `reconnectOnFailure` is off). Rejects with the `ConnectionError` if the first connection fails, unless
   * `retryFirstConnection`, and with the `StoreError` if the session store fails. `signal` and `timeoutMs`
   * bound the wait only: the loop runs on until `disconnect()`.
   * @throws ClientStateError when another loop mode is in use or nothing to connect to was given.
   */
  loopForever(options: LoopForeverOptions = {}): Promise<MQTTErrorCode> {
    return waits.loopForever(this.#core, options);
  }

  /** External loop: processes the input buffered since the last call (call when the socket had data). */
  loopRead(): MQTTErrorCode {
    return this.#core.connection.loopRead();
  }

  /** External loop: writes the waiting bytes (call when `wantWrite()` and the socket is writable). */
  loopWrite(): MQTTErrorCode {
    return this.#core.connection.loopWrite();
  }

  /** External loop: keepalive and timeouts; call about once a second. */
  loopMisc(): MQTTErrorCode {
    return this.#core.connection.loopMisc();
  }

  /** True when outgoing bytes wait for `loopWrite()`. */
  wantWrite(): boolean {
    return this.#core.driver.wantWrite;
  }

  /** The transport's underlying object (a `net.Socket` for TCP), or undefined when not connected. */
  socket(): unknown {
    return this.#core.driver.transport?.raw;
  }

  // ---- Observability (docs/observability.md) ----------------------------------------------------------------

  /** Counts and gauges of this client (messages, bytes, windows, queues, reconnects, round trips, store). */
  stats(): ClientStats {
    return collectStats(this.#core);
  }

  // ---- Request/response over MQTT 5 (request-response.ts, responder.ts) ---------------------------------------

  /**
   * Publishes a request with a Response Topic and a fresh Correlation Data; resolves with the first message
   * carrying that Correlation Data on that topic. Options: `qos` (1), `timeoutMs` (30,000: then a
   * `TimeoutError`), `signal` (rejects with its reason), `properties`, `responseTopic`. The response topic is
   * subscribed on the first request (see docs/request-response.md).
   * @throws (rejects) NotSupportedError on MQTT 3.x; InvalidArgumentError / InvalidTopicError on bad input.
   */
  request(topic: string, payload: PayloadType = null, options: RequestOptions = {}): Promise<MQTTMessage> {
    return requestResponse.request(this.#core, topic, payload, options);
  }

  /**
   * Answers `request` on its Response Topic, with its Correlation Data (options: `qos`, default the request's;
   * `properties`). @throws InvalidArgumentError when it has no Response Topic; NotSupportedError on MQTT 3.x.
   */
  respond(request: MQTTMessage, payload: PayloadType = null, options: RespondOptions = {}): MQTTMessageInfo {
    return responder.respond(this.#core, request, payload, options);
  }

  /**
   * Subscribes to `filter` (option `qos`, default 1) and answers each request with what `handler` returns; a
   * thrown error is answered with a user property `error` and logged. Returns the function that stops.
   */
  handle(filter: string, handler: RequestHandler, options: HandleOptions = {}): () => void {
    return responder.handle(this.#core, filter, handler, options);
  }

  // ---- Waiting for an acknowledgement (client-waits.ts; `{ signal, timeoutMs }`: cancellation.ts) -------------

  /**
   * `subscribe()`, resolving with the SUBACK's reason codes (the granted QoS per filter, or a failure code);
   * `wait` (`{ signal, timeoutMs }`) bounds the wait. Rejects with `ClientStateError` if the client is closed
   * for good first, and as `subscribe()` throws on bad arguments.
   */
  subscribeAndWait(...parameters: [...SubscribeParameters, wait?: WaitOptions]): Promise<ReasonCode[]> {
    const [topic, qos, options, properties, wait] = parameters;
    return waits.subscribeAndWait(this.#core, topic, qos, options, properties, wait);
  }

  /** `unsubscribe()`, resolving with the UNSUBACK's reason codes (none on MQTT 3.x); `wait` bounds the wait. */
  unsubscribeAndWait(
    topic: string | readonly string[],
    properties?: AnyProperties | null,
    wait?: WaitOptions,
  ): Promise<ReasonCode[]> {
    return waits.unsubscribeAndWait(this.#core, topic, properties, wait);
  }
}

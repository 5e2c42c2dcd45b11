/**
 * `Dispatcher`: the one place user callbacks are called. It turns the engine's events (handed on by the
 * `Connection`) into Paho's VERSION2 callbacks, with Paho's objects (`ReasonCode`, `Properties`, `MQTTMessage`,
 * flags), settles `MQTTMessageInfo` handles, runs per-filter message callbacks and `messages()` iterators, and
 * logs. A callback that throws (or whose Promise rejects) is logged at `MQTT_LOG_ERR` and never reaches the
 * client's loop.
 *
 * It gets a plain record of the callbacks (`CallbackSlots`) and the object to pass them first (the client, as
 * an opaque `C`), and talks to the engine through the driver directly: the auto-ack after `onMessage`, the
 * `authenticator`'s answer, and `publish()`, whose handle it tracks.
 */
import { PacketType, type Properties as PacketProperties, type QoS } from '../packet/types.js';
import { MQTTErrorCode } from '../session/error-code.js';
import type { OutgoingMessage, SessionEngine } from '../session/types.js';
import { SubscriptionTrie } from '../topic/trie.js';
import { topicMatchesSub } from '../topic/match.js';
import { ConnectionError } from '../transport/errors.js';
import { isPromise, noop } from './async.js';
import type { Authenticator, CallbackSlots, OnMessageOf } from './callback-slots.js';
import { answerAuthChallenge } from './enhanced-auth.js';
import type { CloseReason, DriverEvent, EngineDriver } from './engine-driver.js';
import { LogLevel, MQTTProtocolVersion } from './enums.js';
import { ConnectionRefusedError, type ClientStateError } from './errors.js';
import { AckWaiters } from './ack-waiters.js';
import { bounded, type WaitOptions } from './cancellation.js';
import { ConnectFlags, DisconnectFlags } from './flags.js';
import { describeError, logLevelOf, writeToLogger, type Logger } from './logging.js';
import { MessageIterator } from './message-iterator.js';
import { MQTTMessageInfo } from './message-info.js';
import { MQTTMessage } from './mqtt-message.js';
import { Properties } from './properties.js';
import { ReasonCode } from './reason-code.js';

/** The engine's events the dispatcher turns into callbacks. */
export type EngineEvent = Exclude<
  DriverEvent,
  {
    type:
      | 'connack'
      | 'transport-closed'
      | 'transport-opened'
      | 'transport-down'
      | 'writes-pending'
      | 'writes-flushed'
      | 'store-failed'
      | 'internal-error';
  }
>;

/** What `connectAndWait()` resolves with: `onConnect`'s arguments. */
export interface ConnectResult {
  flags: ConnectFlags;
  reasonCode: ReasonCode;
  properties: Properties;
}

/** What the dispatcher reads of the client's settings, when it needs them (they change). */
export interface DispatcherSettings<U> {
  userdata(): U;
  logger(): Logger | undefined;
  protocol(): MQTTProtocolVersion;
  manualAck(): boolean;
  describeBroker(): string;
  /** A callback's exception is to be rethrown by the loop (`suppressExceptions` false, manual/external loop). */
  rethrowCallbackErrors(): boolean;
  /** The `authenticator` option: answers a broker's AUTH 0x18, if given. */
  readonly authenticator: Authenticator | undefined;
}

/**
 * The internal consumer of MQTT 5 responses (`request-response.ts`): it sees every CONNACK, and every message
 * before the callbacks; a message it takes (`route()` true) goes to no callback nor iterator, and is still
 * acknowledged.
 */
export interface ResponseRouter {
  connected(sessionPresent: boolean, properties: PacketProperties): void;
  route(message: MQTTMessage): boolean;
  /** The client is closed for good: every pending request rejects with `error`. */
  closedForGood(error: ClientStateError): void;
}

interface ConnackWaiter {
  resolve: (result: ConnectResult) => void;
  reject: (error: unknown) => void;
}

/** A `messageCallbackAdd()` callback and its filter (which picks it for messages with Subscription Identifiers). */
interface MessageCallback<C, U> {
  filter: string;
  callback: OnMessageOf<C, U>;
}

const CONTINUE_AUTHENTICATION = 0x18;

/** The 3.x CONNACK return codes 0..5 as their MQTT 5 equivalents; any other code as the MQTT 5 code it is. */
export function connackReasonCode(protocol: MQTTProtocolVersion, code: number): ReasonCode {
  return protocol !== MQTTProtocolVersion.MQTTv5 && code <= 5
    ? ReasonCode.fromConnackReturnCode(code)
    : new ReasonCode(PacketType.CONNACK, code);
}

export class Dispatcher<C, U> {
  readonly #client: C;
  readonly #callbacks: CallbackSlots<C, U>;
  readonly #context: DispatcherSettings<U>;
  readonly #driver: EngineDriver;
  /**
   * Pending publish handles by mid: the handle itself, or (a mid reused while its handle is pending) several in
   * order. No wrapper per message: the `published` event says the message's QoS. Made when a second handle is
   * pending (as the per-filter callbacks' trie on the first one): an idle client has neither (issue 16).
   */
  #infos: Map<number, MQTTMessageInfo | MQTTMessageInfo[]> | undefined;
  /**
   * The usual case without the map: one handle pending (a QoS 0 publish is settled within its own `publish()`
   * call). Used only while the map is empty, so a handle in the map is always newer than this one.
   */
  #soleInfo: MQTTMessageInfo | undefined;
  /** `publish()`'s engine command, made once (not a closure per call). */
  readonly #publishCommand = (
    session: SessionEngine,
    now: number,
    message: OutgoingMessage,
  ): MQTTMessageInfo => this.#publishOne(session, message, now);
  #messageCallbacks: SubscriptionTrie<MessageCallback<C, U>> | undefined;
  /** The `messages()` iterators; made by the first (issue 16: an empty Set is ~190 bytes of an idle client). */
  #iterators: Set<MessageIterator> | undefined;
  /** Some iterator is `full`: the driver reads no more until it is pulled (see `MessageIterator`). */
  #iteratorFull = false;
  /** Iterators that were full once: the first time is a warning (a consumer that never pulls holds the client). */
  #iteratorsFilled: WeakSet<MessageIterator> | undefined;
  #connackWaiters: ConnackWaiter[] = [];
  #lastSocket: unknown;
  /** The first callback exception the manual loop has to rethrow (`suppressExceptions` false). */
  #callbackError: { error: unknown } | undefined;
  #holdMessages = false;
  /** The requester of `request()` (see `ResponseRouter`). */
  responseRouter: ResponseRouter | undefined;
  /** The Promises of `subscribeAndWait()` / `unsubscribeAndWait()`. */
  readonly acks = new AckWaiters();

  /**
   * @param client passed first to every callback.
   * @param callbacks the user's callbacks, read at each call (the client's `onX` properties write them).
   */
  constructor(
    client: C,
    callbacks: CallbackSlots<C, U>,
    context: DispatcherSettings<U>,
    driver: EngineDriver,
  ) {
    this.#client = client;
    this.#callbacks = callbacks;
    this.#context = context;
    this.#driver = driver;
  }

  /**
   * Hands a checked message to the engine and returns its handle. The handle is tracked inside the engine
   * command, before the driver hands over the command's events: a QoS 0 message completes (`published`) within
   * this very call, and its handle must be found then.
   */
  publish(message: OutgoingMessage): MQTTMessageInfo {
    return this.#driver.run(this.#publishCommand, message);
  }

  /**
   * `publish()` for a batch, in one engine command: the driver commits the batch's store operations once. The
   * client checked every message first; should the engine still refuse one (a property its codec cannot
   * encode), the messages before it are accepted (committed with the command, their handles tracked) and the
   * error says so.
   */
  publishMany(messages: readonly OutgoingMessage[]): MQTTMessageInfo[] {
    let refused: { index: number; error: unknown } | undefined;
    const infos = this.#driver.run((session, now) => {
      const taken: MQTTMessageInfo[] = [];
      for (let i = 0; i < messages.length; i++) {
        try {
          taken.push(this.#publishOne(session, messages[i], now));
        } catch (error) {
          refused = { index: i, error };
          break;
        }
      }
      return taken;
    });
    if (refused === undefined) return infos;
    const { index, error } = refused;
    if (error instanceof Error) {
      error.message =
        `publishMany(): message ${index}: ${error.message} (the ${index} messages before it were accepted ` +
        'and are published; onPublish reports them)';
    }
    throw error;
  }

  #publishOne(session: SessionEngine, message: OutgoingMessage, now: number): MQTTMessageInfo {
    const ticket = session.publish(message, now);
    const info = new MQTTMessageInfo(ticket.mid, ticket.rc);
    if (ticket.rc === MQTTErrorCode.MQTT_ERR_SUCCESS) this.#track(info);
    else this.log(LogLevel.MQTT_LOG_WARNING, `Publish to "${message.topic}" not accepted: rc=${ticket.rc}`);
    return info;
  }

  /** Tracks `info` until its message completes or is dropped. */
  #track(info: MQTTMessageInfo): void {
    if (this.#soleInfo === undefined && (this.#infos === undefined || this.#infos.size === 0)) {
      this.#soleInfo = info;
      return;
    }
    const infos = (this.#infos ??= new Map<number, MQTTMessageInfo | MQTTMessageInfo[]>());
    const pending = infos.get(info.mid);
    if (pending === undefined) infos.set(info.mid, info);
    else if (Array.isArray(pending)) pending.push(info);
    else infos.set(info.mid, [pending, info]);
  }

  addMessageCallback(filter: string, callback: OnMessageOf<C, U>): void {
    (this.#messageCallbacks ??= new SubscriptionTrie<MessageCallback<C, U>>()).set(filter, {
      filter,
      callback,
    });
  }

  removeMessageCallback(filter: string): void {
    this.#messageCallbacks?.delete(filter);
  }

  /** A new `messages()` iterator (`wait` checked by `checkWaitOptions()`). */
  messages(limit: number, filter: string | undefined, wait?: WaitOptions): MessageIterator {
    const iterator = new MessageIterator({
      limit,
      wait,
      filter: filter === undefined ? undefined : (topic) => topicMatchesSub(filter, topic),
      onDrop: (message) =>
        this.log(LogLevel.MQTT_LOG_WARNING, `messages() consumer too slow: dropped ${message.toString()}`),
      onEnd: (ended) => {
        this.#iterators?.delete(ended);
        this.#iteratorFullChanged();
      },
      onFullChange: (changed) => {
        const filled = (this.#iteratorsFilled ??= new WeakSet<MessageIterator>());
        if (changed.full && !filled.has(changed)) {
          filled.add(changed);
          this.log(
            LogLevel.MQTT_LOG_WARNING,
            `messages(): ${limit} messages wait for the consumer; the client reads no more until it pulls`,
          );
        }
        this.#iteratorFullChanged();
      },
    });
    (this.#iterators ??= new Set<MessageIterator>()).add(iterator);
    if (wait?.signal?.aborted === true) iterator.end(); // an abort listener would never fire
    return iterator;
  }

  #iteratorFullChanged(): void {
    let full = false;
    if (this.#iterators !== undefined) for (const iterator of this.#iterators) full ||= iterator.full;
    if (full === this.#iteratorFull) return;
    this.#iteratorFull = full;
    this.log(
      LogLevel.MQTT_LOG_DEBUG,
      full
        ? 'messages(): an iterator is full; reading stops until it is pulled'
        : 'messages(): reading again',
    );
    this.#driver.setConsumerBacklogFull(full);
  }

  /**
   * After `disconnect()`, messages still decoded from the last bytes are not dispatched (nor acknowledged: a
   * resumed session gets them again); `connect()` turns dispatch back on.
   */
  set holdMessages(hold: boolean) {
    this.#holdMessages = hold;
  }

  /** Ends every `messages()` iterator (on `disconnect()`). */
  endIterators(): void {
    if (this.#iterators === undefined) return;
    for (const iterator of [...this.#iterators]) iterator.end();
  }

  /**
   * A Promise for the next CONNACK (see `connectAndWait()`), bounded by `wait` (checked): an abort or a
   * timeout removes the waiter.
   */
  nextConnack(wait: WaitOptions = {}): Promise<ConnectResult> {
    let waiter: ConnackWaiter | undefined;
    const connack = new Promise<ConnectResult>((resolve, reject) => {
      waiter = { resolve, reject };
      this.#connackWaiters.push(waiter);
    });
    connack.catch(noop);
    const waited = bounded(connack, wait, 'connectAndWait()', () => {
      this.#connackWaiters = this.#connackWaiters.filter((w) => w !== waiter);
    });
    waited.catch(noop);
    return waited;
  }

  /**
   * A connection attempt failed: rejects the `nextConnack()` Promises, then calls `onConnectFail` when the
   * attempt was the background loop's.
   */
  connectFailed(error: unknown, byLoop: boolean): void {
    this.#settleConnack(undefined, error);
    if (byLoop)
      this.invoke('onConnectFail', () => this.#callbacks.onConnectFail?.(this.#client, this.#userdata));
  }

  /** Before each connection attempt. */
  preConnect(): void {
    this.invoke('onPreConnect', () => this.#callbacks.onPreConnect?.(this.#client, this.#userdata));
  }

  /** A transport opened: its underlying object is passed to the socket callbacks from now on. */
  socketOpened(socket: unknown): void {
    this.#lastSocket = socket;
    this.invoke('onSocketOpen', () => this.#callbacks.onSocketOpen?.(this.#client, this.#userdata, socket));
  }

  /** Outgoing bytes wait for `loopWrite()` (Paho's register-write). */
  writesPending(): void {
    const socket = this.#lastSocket;
    this.invoke('onSocketRegisterWrite', () =>
      this.#callbacks.onSocketRegisterWrite?.(this.#client, this.#userdata, socket),
    );
  }

  /** The waiting bytes were written (Paho's unregister-write). */
  writesFlushed(): void {
    const socket = this.#lastSocket;
    this.invoke('onSocketUnregisterWrite', () =>
      this.#callbacks.onSocketUnregisterWrite?.(this.#client, this.#userdata, socket),
    );
  }

  /** True when a register-write hook is set (writes then wait for `loopWrite()` outside any loop). */
  get wantsWriteHooks(): boolean {
    return this.#callbacks.onSocketRegisterWrite !== undefined;
  }

  /** Forgets per-filter callbacks and pending publishes (`reinitialise()`). */
  reset(): void {
    this.#infos = undefined;
    this.#soleInfo = undefined;
    this.#messageCallbacks = undefined;
  }

  /** Dispatches one engine event (the `Connection` handles `connack` and the transport's events itself). */
  handle(event: EngineEvent): void {
    const client = this.#client;
    const callbacks = this.#callbacks;
    switch (event.type) {
      case 'message':
        this.#onMessage(
          new MQTTMessage(event.packet, this.#driver.now()),
          event.packet.properties?.subscriptionIdentifiers,
        );
        break;
      case 'published':
        this.#onPublished(event.mid, event.qos, event.reasonCode, event.properties, event.downgraded);
        break;
      case 'dropped':
        this.#takeInfo(event.mid)?.settleDropped(event.rc);
        this.log(LogLevel.MQTT_LOG_WARNING, `Message ${event.mid} dropped from the queue (rc=${event.rc})`);
        break;
      case 'subscribed': {
        const codes = event.reasonCodes.map((code) => new ReasonCode(PacketType.SUBACK, code));
        const properties = Properties.fromPacket(PacketType.SUBACK, event.properties);
        this.invoke('onSubscribe', () =>
          callbacks.onSubscribe?.(client, this.#userdata, event.mid, codes, properties),
        );
        this.acks.settle(event.mid, codes);
        break;
      }
      case 'unsubscribed': {
        const codes = event.reasonCodes.map((code) => new ReasonCode(PacketType.UNSUBACK, code));
        const properties = Properties.fromPacket(PacketType.UNSUBACK, event.properties);
        this.invoke('onUnsubscribe', () =>
          callbacks.onUnsubscribe?.(client, this.#userdata, event.mid, codes, properties),
        );
        this.acks.settle(event.mid, codes);
        break;
      }
      case 'auth': {
        const reasonCode = new ReasonCode(PacketType.AUTH, event.reasonCode);
        const properties = Properties.fromPacket(PacketType.AUTH, event.properties);
        this.log(LogLevel.MQTT_LOG_DEBUG, `Received AUTH (${reasonCode.getName()})`);
        this.invoke('onAuth', () => callbacks.onAuth?.(client, this.#userdata, reasonCode, properties));
        if (event.reasonCode === CONTINUE_AUTHENTICATION) this.#answerChallenge(event.properties);
        break;
      }
      case 'log':
        this.log(logLevelOf(event.level), event.message);
        break;
    }
  }

  /** The `authenticator` option answers a broker's AUTH 0x18 on the connection it came on. */
  #answerChallenge(properties: PacketProperties): void {
    const authenticator = this.#context.authenticator;
    if (authenticator === undefined) return;
    answerAuthChallenge(
      this.#driver,
      authenticator,
      (message) => this.log(LogLevel.MQTT_LOG_ERR, message),
      properties,
    );
  }

  /** Runs a user callback; an exception (or a rejected Promise) is logged and never propagates. */
  invoke(label: string, call: () => unknown): void {
    try {
      const result = call();
      if (isPromise(result)) result.then(noop, (error: unknown) => this.#callbackFailed(label, error));
    } catch (error) {
      this.#callbackFailed(label, error);
    }
  }

  /** Sends a log line to `onLog` and to the logger, if any; neither may break the client. */
  log(level: LogLevel, message: string): void {
    const client = this.#client;
    const onLog = this.#callbacks.onLog;
    if (onLog !== undefined) {
      try {
        const result = onLog(client, this.#userdata, level, message);
        if (isPromise(result)) result.then(noop, noop);
      } catch {
        // Paho swallows exceptions from on_log; reporting them through the log would recurse.
      }
    }
    const logger = this.#context.logger();
    if (logger !== undefined) {
      try {
        writeToLogger(logger, level, message);
      } catch {
        // A failing logger must not break the client.
      }
    }
  }

  get #userdata(): U {
    return this.#context.userdata();
  }

  #callbackFailed(label: string, error: unknown): void {
    this.log(LogLevel.MQTT_LOG_ERR, `Caught exception in ${label}: ${describeError(error)}`);
    const client = this.#client;
    const hook = this.#callbacks.onCallbackError;
    if (hook !== undefined) {
      try {
        const result = hook(client, this.#userdata, error, label);
        if (isPromise(result)) result.then(noop, noop);
      } catch {
        // Reporting it through the hook again would recurse.
      }
    }
    if (this.#context.rethrowCallbackErrors()) this.#callbackError ??= { error };
  }

  /**
   * Takes the callback exception the manual loop must rethrow, if any (`suppressExceptions` false): returns a
   * holder so that a thrown `undefined` is told apart from none.
   */
  takeCallbackError(): { error: unknown } | undefined {
    const pending = this.#callbackError;
    this.#callbackError = undefined;
    return pending;
  }

  /** A CONNACK (`reasonCode` from `connackReasonCode()`): `onConnect`, then the `nextConnack()` Promises. */
  connack(reasonCode: ReasonCode, sessionPresent: boolean, properties: PacketProperties): void {
    const client = this.#client;
    if (reasonCode.isFailure) {
      this.log(LogLevel.MQTT_LOG_WARNING, `Connection refused by the broker: ${reasonCode.getName()}`);
    } else {
      this.log(
        LogLevel.MQTT_LOG_INFO,
        `Connected to ${this.#context.describeBroker()} (session present: ${sessionPresent})`,
      );
    }
    if (!reasonCode.isFailure) this.responseRouter?.connected(sessionPresent, properties);
    const flags = new ConnectFlags(sessionPresent);
    const connackProperties = Properties.fromPacket(PacketType.CONNACK, properties);
    this.invoke('onConnect', () =>
      this.#callbacks.onConnect?.(client, this.#userdata, flags, reasonCode, connackProperties),
    );
    this.#settleConnack({ flags, reasonCode, properties: connackProperties }, undefined);
  }

  #settleConnack(result: ConnectResult | undefined, error: unknown): void {
    const waiters = this.#connackWaiters;
    this.#connackWaiters = [];
    for (const waiter of waiters) {
      if (result === undefined) waiter.reject(error);
      else if (result.reasonCode.isFailure) waiter.reject(new ConnectionRefusedError(result.reasonCode));
      else waiter.resolve(result);
    }
  }

  #onMessage(message: MQTTMessage, subscriptionIds: readonly number[] | undefined): void {
    const client = this.#client;
    if (this.#holdMessages) {
      this.log(LogLevel.MQTT_LOG_DEBUG, `Not dispatching ${message.toString()}: disconnect() was called`);
      return;
    }
    const routed = this.responseRouter?.route(message) === true;
    if (!routed) this.#deliver(client, message, subscriptionIds);
    // Paho acknowledges after the callback returns, even when it threw (the error is logged). A response taken
    // by request() is acknowledged here even in manual-ack mode: the application never sees it to ack it.
    if ((routed || !this.#context.manualAck()) && message.qos > 0) {
      const { mid, qos } = message;
      this.#driver.run((session, now) => session.ack(mid, qos, now));
    }
  }

  /**
   * Hands `message` to the per-filter callbacks it is for (each once), or else once to `onMessage`, then to the
   * iterators. The callbacks are those whose filter matches the topic (Paho), except that a callback whose
   * filter is a subscription with a Subscription Identifier (MQTT 5) gets only the messages that carry that
   * identifier: a message carries the identifiers of the subscriptions it was sent for [MQTT-3.3.4-4,
   * MQTT-3.3.4-5], so a broker that sends one copy per overlapping subscription (Mosquitto) reaches each such
   * callback once, not once per copy (docs/api.md, "Subscription identifiers").
   */
  #deliver(client: C, message: MQTTMessage, subscriptionIds: readonly number[] | undefined): void {
    let delivered = false;
    const callbacks = this.#messageCallbacks?.match(message.topic);
    if (callbacks !== undefined) {
      for (const { filter, callback } of callbacks) {
        if (!this.#sentFor(filter, subscriptionIds)) continue;
        delivered = true;
        this.invoke(`the message callback for "${message.topic}"`, () =>
          callback(client, this.#userdata, message),
        );
      }
    }
    if (!delivered) {
      this.invoke('onMessage', () => this.#callbacks.onMessage?.(client, this.#userdata, message));
    }
    if (this.#iterators !== undefined) for (const iterator of this.#iterators) iterator.push(message);
  }

  /** The callback of `filter` is for a message with these identifiers: its subscription's is one, or it has none. */
  #sentFor(filter: string, subscriptionIds: readonly number[] | undefined): boolean {
    const id = this.#driver.session?.subscriptionIdentifierOf(filter);
    return id === undefined || (subscriptionIds !== undefined && subscriptionIds.includes(id));
  }

  #onPublished(
    mid: number,
    qos: QoS,
    code: number,
    properties: PacketProperties,
    downgraded?: boolean,
  ): void {
    const client = this.#client;
    const info = this.#takeInfo(mid);
    const packetType =
      info !== undefined && qos === 2 && !downgraded
        ? code >= 0x80
          ? PacketType.PUBREC
          : PacketType.PUBCOMP
        : PacketType.PUBACK;
    const reasonCode = ReasonCode.of(packetType, code);
    const ackProperties = Properties.fromPacket(packetType, properties);
    info?.settleAcknowledged(reasonCode, ackProperties, downgraded);
    if (reasonCode.isFailure) {
      this.log(LogLevel.MQTT_LOG_WARNING, `The broker refused message ${mid}: ${reasonCode.getName()}`);
    }
    this.invoke('onPublish', () =>
      this.#callbacks.onPublish?.(client, this.#userdata, mid, reasonCode, ackProperties),
    );
  }

  /** Takes the oldest pending handle of `mid`. */
  #takeInfo(mid: number): MQTTMessageInfo | undefined {
    const sole = this.#soleInfo;
    if (sole !== undefined && sole.mid === mid) {
      this.#soleInfo = undefined;
      return sole;
    }
    const infos = this.#infos;
    const pending = infos?.get(mid);
    if (infos === undefined || pending === undefined) return undefined;
    if (!Array.isArray(pending)) {
      infos.delete(mid);
      return pending;
    }
    const info = pending.shift();
    if (pending.length === 0) infos.delete(mid);
    return info;
  }

  /** The transport closed: `onSocketClose`, the log line, `onDisconnect`, then the `nextConnack()` Promises. */
  transportClosed(reason: CloseReason): void {
    const client = this.#client;
    const socket = this.#lastSocket;
    this.invoke('onSocketClose', () => this.#callbacks.onSocketClose?.(client, this.#userdata, socket));
    const reasonCode = new ReasonCode(PacketType.DISCONNECT, reason.reasonCode);
    const level = reason.reasonCode === 0 ? LogLevel.MQTT_LOG_INFO : LogLevel.MQTT_LOG_WARNING;
    const cause = reason.error === undefined ? '' : `: ${reason.error.message}`;
    const by = reason.fromServer ? ', sent by the broker' : '';
    this.log(level, `Disconnected (${reasonCode.getName()}${by})${cause}`);
    const flags = new DisconnectFlags(reason.fromServer);
    const properties = Properties.fromPacket(PacketType.DISCONNECT, reason.properties);
    this.invoke('onDisconnect', () =>
      this.#callbacks.onDisconnect?.(client, this.#userdata, flags, reasonCode, properties),
    );
    this.#settleConnack(undefined, new ConnectionError(`the connection closed before CONNACK${cause}`));
  }

  /**
   * The client is closed for good (`disconnect()`, `reinitialise()`, a lost connection not retried, a failed
   * store): every Promise still waiting settles. The `messages()` iterators end; `waitForPublish()`,
   * `subscribeAndWait()`, `unsubscribeAndWait()`, `request()` and `connectAndWait()` reject with `error`. The
   * messages themselves stay in the session.
   */
  closedForGood(error: ClientStateError): void {
    this.endIterators();
    this.#soleInfo?.rejectWaiters(error);
    for (const [, pending] of this.#infos ?? []) {
      if (Array.isArray(pending)) for (const info of pending) info.rejectWaiters(error);
      else pending.rejectWaiters(error);
    }
    this.acks.rejectAll(error);
    this.responseRouter?.closedForGood(error);
    this.#settleConnack(undefined, error);
  }

  /** Fails the pending publish handles of QoS 0 messages lost with a connection (none are tracked by id). */
  dropAll(rc: MQTTErrorCode): void {
    const sole = this.#soleInfo;
    this.#soleInfo = undefined;
    sole?.settleDropped(rc);
    for (const [, pending] of this.#infos ?? []) {
      if (Array.isArray(pending)) for (const info of pending) info.settleDropped(rc);
      else pending.settleDropped(rc);
    }
    this.#infos = undefined;
  }
}

/**
 * What the `Client`'s messaging methods do: `publish`, `subscribe`, `unsubscribe`, `ack`, `auth`, and the
 * message callbacks and iterators. Each converts Paho's argument shapes (`publish-args.ts`, `subscribe-args.ts`,
 * `properties.ts`), makes sure an engine exists (`Connection.requireSession()`), and runs the engine command
 * through the `EngineDriver`; which layer checks what is in docs/architecture.md.
 */
import { InvalidArgumentError } from '../errors.js';
import { PacketType, type Properties as PacketProperties } from '../packet/types.js';
import { MQTTErrorCode } from '../session/error-code.js';
import type { OnMessageOf } from './callback-slots.js';
import { checkWaitOptions, type WaitOptions } from './cancellation.js';
import type { ClientConfig } from './client-config.js';
import type { Connection } from './connection.js';
import type { Dispatcher } from './dispatcher.js';
import type { EngineDriver } from './engine-driver.js';
import { checkAuthWithoutSession } from './enhanced-auth.js';
import { MQTTProtocolVersion } from './enums.js';
import type { MQTTMessageInfo } from './message-info.js';
import type { MQTTMessage } from './mqtt-message.js';
import { checkIntegerOption } from './options.js';
import type { PayloadType } from './payload.js';
import { toPacketProperties, type Properties } from './properties.js';
import {
  toOutgoingMessage,
  toOutgoingMessages,
  type PublishManyMessage,
  type PublishManyOptions,
  type PublishParameters,
} from './publish-args.js';
import type { ReasonCode } from './reason-code.js';
import {
  normalizeSubscribe,
  normalizeUnsubscribe,
  type SubscribeTopic,
  type SubscriptionSpec,
} from './subscribe-args.js';
import { checkQos, type SubscribeOptions, type SubscribeOptionsInit } from './subscribe-options.js';

type AnyProperties = Properties | PacketProperties;

/**
 * What the commands use of a client (`ClientCore` is one). A narrow type of its own, so that what the core
 * builds (the requester of request/response) can send commands without importing the core.
 */
export interface CommandTarget<C, U> {
  readonly config: ClientConfig;
  readonly connection: Connection<C, U>;
  readonly driver: EngineDriver;
  readonly dispatcher: Dispatcher<C, U>;
}

export function publish<C, U>(
  core: CommandTarget<C, U>,
  topic: string,
  payload: PayloadType = null,
  qos = 0,
  retain = false,
  properties?: AnyProperties,
): MQTTMessageInfo {
  const message = toOutgoingMessage(topic, payload, qos, retain, properties, core.config.protocol);
  core.connection.requireSession();
  if (message.qos > 0) throwIfStoreFailed(core);
  const info = core.dispatcher.publish(message);
  if (message.qos > 0) {
    // The store failed on this very message: it was not stored, so it is not accepted (nothing of it was sent).
    throwIfStoreFailed(core);
    info.trackStore(core.driver.storeProgress); // an asynchronous store may still be committing it
  }
  return info;
}

/**
 * Publishes a batch in one engine command: every message goes through `Session.publish` inside one
 * `EngineDriver.run()`, so the store gets one `apply()` for the whole batch (one SQLite transaction) before this
 * returns, and each accepted QoS 1/2 message is stored when it does (promise 1), as with `publish()`. Checking is
 * all-or-nothing: every message is checked and converted first, and an invalid one throws before any is accepted.
 */
export function publishMany<C, U>(
  core: CommandTarget<C, U>,
  messages: readonly (PublishManyMessage | PublishParameters)[],
  options: PublishManyOptions = {},
): MQTTMessageInfo[] {
  const outgoing = toOutgoingMessages(messages, options, core.config.protocol);
  core.connection.requireSession();
  const durable = outgoing.some((message) => message.qos > 0);
  if (durable) throwIfStoreFailed(core);
  const infos = core.dispatcher.publishMany(outgoing);
  // The store failed on this batch: none of it was stored, so none of it is accepted (nothing was sent).
  if (durable) throwIfStoreFailed(core);
  return infos;
}

/** Once the session store failed, QoS 1/2 messages are refused with its `StoreError` (never kept in memory). */
function throwIfStoreFailed<C, U>(core: CommandTarget<C, U>): void {
  const failure = core.driver.storeError;
  if (failure !== undefined) throw failure;
}

export function subscribe<C, U>(
  core: CommandTarget<C, U>,
  topic: SubscribeTopic,
  qos: SubscriptionSpec | undefined,
  options: SubscribeOptions | SubscribeOptionsInit | AnyProperties | null | undefined,
  properties: AnyProperties | null | undefined,
): [MQTTErrorCode, number] {
  const request = normalizeSubscribe(topic, qos, options, properties, core.config.protocol);
  core.connection.requireSession();
  const mid = core.driver.run((session, now) =>
    session.subscribe(request.subscriptions, request.properties, now),
  );
  return [MQTTErrorCode.MQTT_ERR_SUCCESS, mid];
}

export function unsubscribe<C, U>(
  core: CommandTarget<C, U>,
  topic: string | readonly string[],
  properties: AnyProperties | null | undefined,
): [MQTTErrorCode, number] {
  const request = normalizeUnsubscribe(topic, properties, core.config.protocol);
  core.connection.requireSession();
  const mid = core.driver.run((session, now) =>
    session.unsubscribe(request.topicFilters, request.properties, now),
  );
  return [MQTTErrorCode.MQTT_ERR_SUCCESS, mid];
}

/** Manual acknowledgement of incoming message `mid`: `MQTT_ERR_NOT_FOUND` when no such message waits. */
export function ack<C, U>(core: CommandTarget<C, U>, mid: number, qos: number): MQTTErrorCode {
  checkIntegerOption('mid', mid, 0, 65535);
  const checkedQos = checkQos(qos);
  if (checkedQos === 0) return MQTTErrorCode.MQTT_ERR_SUCCESS;
  if (core.driver.session === undefined) return MQTTErrorCode.MQTT_ERR_NOT_FOUND;
  const done = core.driver.run((session, now) => session.ack(mid, checkedQos, now));
  return done ? MQTTErrorCode.MQTT_ERR_SUCCESS : MQTTErrorCode.MQTT_ERR_NOT_FOUND;
}

/** A reason code given as a number (checked 0..255) or as a `ReasonCode`. */
export function reasonCodeValue(reasonCode: number | ReasonCode): number {
  return typeof reasonCode === 'number'
    ? checkIntegerOption('reasonCode', reasonCode, 0, 255)
    : reasonCode.value;
}

/**
 * MQTT 5 AUTH (section 4.12). The engine checks the arguments in every state and sends only on an open
 * connection; without an engine, `enhanced-auth.ts` checks what it would, and nothing is sent.
 */
export function auth<C, U>(
  core: CommandTarget<C, U>,
  reasonCode: number | ReasonCode,
  properties: AnyProperties | undefined,
): MQTTErrorCode {
  if (core.config.protocol !== MQTTProtocolVersion.MQTTv5) {
    throw new InvalidArgumentError('auth() needs MQTT 5: there is no AUTH packet in MQTT 3.x');
  }
  const code = reasonCodeValue(reasonCode);
  let packetProperties = toPacketProperties(properties, PacketType.AUTH, core.config.protocol) ?? {};
  const session = core.driver.session;
  if (session === undefined) {
    checkAuthWithoutSession(core.config.authenticationMethod, code, packetProperties);
    return MQTTErrorCode.MQTT_ERR_NO_CONN;
  }
  const open =
    core.driver.transport !== undefined && (session.state === 'connecting' || session.state === 'connected');
  const authenticator = core.config.authenticator;
  if (code === 0x19 && packetProperties.authenticationData === undefined && authenticator?.start) {
    // A re-authentication the authenticator runs: it starts a new exchange (only when one can start: a
    // CONNECT's exchange still going on keeps its state).
    if (open && session.state === 'connected') {
      packetProperties = { ...packetProperties, authenticationData: authenticator.start() };
    }
  }
  core.driver.run((engine, now) => engine.auth(code, packetProperties, now));
  return open ? MQTTErrorCode.MQTT_ERR_SUCCESS : MQTTErrorCode.MQTT_ERR_NO_CONN;
}

export function messageCallbackAdd<C, U>(
  core: CommandTarget<C, U>,
  filter: string,
  callback: OnMessageOf<C, U>,
): void {
  if (typeof callback !== 'function') {
    throw new InvalidArgumentError('messageCallbackAdd() needs a callback function');
  }
  core.dispatcher.addMessageCallback(filter, callback);
}

/** `messages()`'s options: `signal` ends the iteration, `timeoutMs` bounds each `next()` that waits. */
export interface MessagesOptions extends WaitOptions {
  /** Only the messages whose topic matches this filter. */
  filter?: string;
  /**
   * Messages that may wait for the consumer (default 10,000). Once this many wait, the client stops reading
   * until the consumer pulls (QoS 1 and 2 messages are never dropped); past it, the oldest QoS 0 one is.
   */
  bufferSize?: number;
}

export function messages<C, U>(
  core: CommandTarget<C, U>,
  options: MessagesOptions,
): AsyncIterableIterator<MQTTMessage> {
  const limit = checkIntegerOption('bufferSize', options.bufferSize ?? 10_000, 1, Number.MAX_SAFE_INTEGER);
  const wait = checkWaitOptions({ signal: options.signal, timeoutMs: options.timeoutMs }, 'messages()');
  return core.dispatcher.messages(limit, options.filter, wait);
}

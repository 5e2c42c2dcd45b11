/**
 * THE mapping table of the `steady-mqtt/paho` facade: every Paho Python name (snake_case, and Paho's own
 * spellings such as `Properties.MessageExpiryInterval` or `SubscribeOptions.QoS`) → the steady-mqtt name it
 * stands for. The facade's runtime adapter (`adapter.ts`) and its TypeScript types (`types.ts`) are both
 * derived from this one table; nothing else lists the names.
 *
 * An entry is either the camelCase member's name, or an object:
 *   - `{ name, args }`: a method whose Python arguments differ in shape or unit (seconds → milliseconds);
 *     `args` turns the Python arguments into the steady-mqtt ones;
 *   - `{ name, append }`: a Paho attribute that appends when assigned (`Properties.UserProperty`);
 *   - `{ name, kwargs }`: an argument object (Python keyword arguments) whose keys are mapped by a nested table.
 * A name listed here whose `Client` method does not exist throws `NotSupportedError` when called (see
 * `adapter.ts`); every transport method (`tls_set`, `ws_set_options`, `proxy_set`...) exists today.
 */

import type { Properties as PacketProperties } from '../packet/types.js';
import type { PayloadType } from '../client/payload.js';
import type { Properties } from '../client/properties.js';
import type { RequestOptions } from '../client/request-response.js';
import type { WaitOptions } from '../client/cancellation.js';
import type { Client } from '../client/client.js';
import type { MessagesOptions } from '../client/client-commands.js';
import type { PublishManyMessage, PublishManyOptions, PublishParameters } from '../client/publish-args.js';
import type { ConnectAndWaitParameters, ConnectParameters } from '../client/client-lifecycle.js';
import type { LoopForeverOptions } from '../client/client-waits.js';
import type { ReasonCode } from '../client/reason-code.js';
import type { SubscribeTopic, SubscriptionSpec } from '../client/subscribe-args.js';
import type { SubscribeOptions, SubscribeOptionsInit } from '../client/subscribe-options.js';

/** Seconds (Python) → milliseconds (steady-mqtt); undefined stays undefined so the default applies. */
const ms = (seconds: number | null | undefined): number | undefined =>
  seconds === undefined || seconds === null ? undefined : seconds * 1000;

/** What the awaitable methods take last, in snake_case: `{ signal, timeout_ms }`. */
export interface PahoWait {
  signal?: AbortSignal;
  timeout_ms?: number;
}

/** `{ signal, timeout_ms }` → `{ signal, timeoutMs }` (only the keys given, so the checks see no undefined). */
function waitOptions(wait: PahoWait | null | undefined): WaitOptions | undefined {
  if (wait === undefined || wait === null) return undefined;
  const options: WaitOptions = {};
  if (wait.signal !== undefined) options.signal = wait.signal;
  if (wait.timeout_ms !== undefined) options.timeoutMs = wait.timeout_ms;
  return options;
}

/**
 * Paho's `loop_forever(timeout=1.0, retry_first_connection=False)`; also accepts
 * `{ retry_first_connection, signal, timeout_ms }`.
 */
function loopForeverArgs(
  timeout?: number | ({ timeout?: number; retry_first_connection?: boolean } & PahoWait) | null,
  retry_first_connection?: boolean,
): [LoopForeverOptions] {
  if (typeof timeout === 'object' && timeout !== null) {
    return [{ retryFirstConnection: timeout.retry_first_connection, ...waitOptions(timeout) }];
  }
  return [{ retryFirstConnection: retry_first_connection }];
}

/** Paho's `messages()` extra in snake_case: `{ filter, buffer_size, signal, timeout_ms }`. */
function messagesArgs(options?: { filter?: string; buffer_size?: number } & PahoWait): [MessagesOptions] {
  return [{ filter: options?.filter, bufferSize: options?.buffer_size, ...waitOptions(options) }];
}

/** `wait_for_publish(timeout)` (and `wait_for_stored`) in seconds, as Paho; or `{ signal, timeout_ms }`. */
function waitForPublishArgs(timeout?: number | PahoWait | null): [number | WaitOptions | undefined] {
  return [typeof timeout === 'object' && timeout !== null ? waitOptions(timeout) : ms(timeout)];
}

/** `connect_and_wait(host, port, keepalive, bind_address, bind_port, clean_start, properties, wait)`. */
function connectAndWaitArgs(
  ...args: [...ConnectParameters, wait?: PahoWait | null]
): ConnectAndWaitParameters {
  const [host, port, keepalive, bindAddress, bindPort, cleanStart, properties, wait] = args;
  return [host, port, keepalive, bindAddress, bindPort, cleanStart, properties, waitOptions(wait)];
}

/** `disconnect_and_wait(reasoncode, properties, wait)`. */
function disconnectAndWaitArgs(
  reasonCode?: number | ReasonCode,
  properties?: Properties | PacketProperties,
  wait?: PahoWait | null,
): [number | ReasonCode | undefined, Properties | PacketProperties | undefined, WaitOptions | undefined] {
  return [reasonCode, properties, waitOptions(wait)];
}

/** `subscribe_and_wait(topic, qos, options, properties, wait)`. */
function subscribeAndWaitArgs(
  topic: SubscribeTopic,
  qos?: SubscriptionSpec,
  options?: SubscribeOptions | SubscribeOptionsInit | Properties | PacketProperties | null,
  properties?: Properties | PacketProperties | null,
  wait?: PahoWait | null,
): Parameters<Client['subscribeAndWait']> {
  return [topic, qos, options, properties, waitOptions(wait)];
}

/** `unsubscribe_and_wait(topic, properties, wait)`. */
function unsubscribeAndWaitArgs(
  topic: string | readonly string[],
  properties?: Properties | PacketProperties | null,
  wait?: PahoWait | null,
): Parameters<Client['unsubscribeAndWait']> {
  return [topic, properties, waitOptions(wait)];
}

/** `request(topic, payload, options)` with snake_case options: `{ qos, timeout_ms, signal, properties, response_topic }`. */
function requestArgs(
  topic: string,
  payload?: PayloadType,
  options?: {
    qos?: number;
    timeout_ms?: number;
    signal?: AbortSignal;
    properties?: Properties | PacketProperties;
    response_topic?: string;
  } | null,
): [string, PayloadType, RequestOptions] {
  const request: RequestOptions = {};
  if (options?.qos !== undefined) request.qos = options.qos;
  if (options?.timeout_ms !== undefined) request.timeoutMs = options.timeout_ms;
  if (options?.signal !== undefined) request.signal = options.signal;
  if (options?.properties !== undefined) request.properties = options.properties;
  if (options?.response_topic !== undefined) request.responseTopic = options.response_topic;
  return [topic, payload ?? null, request];
}

/**
 * One dict of `publish_many()`: its `properties` may also be the facade's `Properties`, typed here as a plain
 * object because the facade's types are derived from this table (naming them would make an import circle);
 * what it is is checked when the message is published (an unknown name is an `InvalidArgumentError`).
 */
export interface PahoManyMessage extends Omit<PublishManyMessage, 'properties'> {
  properties?: PublishManyMessage['properties'] | { readonly [name: string]: unknown };
}

/**
 * `publish_many(msgs, options)`: dicts `{ topic, payload, qos, retain, properties }` or tuples. The dicts become
 * tuples here, so the adapter unwraps a facade `Properties` inside them as it does in any argument list.
 */
function publishManyArgs(
  msgs: readonly (PahoManyMessage | PublishParameters)[],
  options?: PublishManyOptions | null,
): [readonly (PublishManyMessage | PublishParameters)[], PublishManyOptions | undefined] {
  // Not a list: handed on as it is, for publishMany()'s own error.
  if (!Array.isArray(msgs)) return [msgs, options ?? undefined];
  const messages = msgs.map(
    (message: PahoManyMessage | PublishParameters): PublishManyMessage | PublishParameters =>
      typeof message === 'object' && message !== null && !Array.isArray(message)
        ? // The adapter unwraps a facade Properties in an argument list (this tuple), never inside a dict.
          ([
            message.topic,
            message.payload,
            message.qos,
            message.retain,
            message.properties,
          ] as PublishParameters)
        : message,
  );
  return [messages, options ?? undefined];
}

/** `Client(...)` constructor keyword arguments (Paho's, then steady-mqtt's extras). */
export const CLIENT_OPTIONS = {
  client_id: 'clientId',
  clean_session: 'cleanSession',
  userdata: 'userdata',
  protocol: 'protocol',
  transport: 'transport',
  reconnect_on_failure: 'reconnectOnFailure',
  manual_ack: 'manualAck',
  store: 'store',
  max_queued_bytes: 'maxQueuedBytes',
  queue_full_policy: 'queueFullPolicy',
  resubscribe: 'resubscribe',
  subscribe_batch_size: 'subscribeBatchSize',
  auto_topic_alias: 'autoTopicAlias',
  topic_alias_maximum: 'topicAliasMaximum',
  maximum_packet_size: 'maximumPacketSize',
  connack_timeout_ms: 'connackTimeoutMs',
  ping_timeout_ms: 'pingTimeoutMs',
  reconnect_jitter: 'reconnectJitter',
  logger: 'logger',
  authenticator: 'authenticator',
  response_topic: 'responseTopic',
} as const;

/** `paho.mqtt.client.Client`. */
export const CLIENT = {
  // Properties (Paho 1.3) and steady-mqtt's extras.
  host: 'host',
  port: 'port',
  keepalive: 'keepalive',
  transport: 'transport',
  connect_timeout: 'connectTimeout',
  username: 'username',
  password: 'password',
  max_inflight_messages: 'maxInflightMessages',
  max_queued_messages: 'maxQueuedMessages',
  protocol: 'protocol',
  will_topic: 'willTopic',
  will_payload: 'willPayload',
  logger: 'logger',
  callback_api_version: 'callbackApiVersion',
  client_id: 'clientId',
  clean_session: 'cleanSession',
  loop_mode: 'loopMode',
  current_broker: 'currentBroker',
  // Callbacks.
  on_connect: 'onConnect',
  on_connect_fail: 'onConnectFail',
  on_disconnect: 'onDisconnect',
  on_message: 'onMessage',
  on_publish: 'onPublish',
  on_subscribe: 'onSubscribe',
  on_unsubscribe: 'onUnsubscribe',
  on_log: 'onLog',
  on_pre_connect: 'onPreConnect',
  on_socket_open: 'onSocketOpen',
  on_socket_close: 'onSocketClose',
  on_socket_register_write: 'onSocketRegisterWrite',
  on_socket_unregister_write: 'onSocketUnregisterWrite',
  on_auth: 'onAuth',
  on_callback_error: 'onCallbackError',
  suppress_exceptions: 'suppressExceptions',
  // Connection lifecycle.
  connect: 'connect',
  connect_async: 'connectAsync',
  connect_srv: 'connectSrv',
  connect_and_wait: { name: 'connectAndWait', args: connectAndWaitArgs },
  reconnect: 'reconnect',
  disconnect: 'disconnect',
  disconnect_and_wait: { name: 'disconnectAndWait', args: disconnectAndWaitArgs },
  reconnect_delay_set: 'reconnectDelaySet',
  is_connected: 'isConnected',
  stats: 'stats',
  reinitialise: 'reinitialise',
  // Configuration.
  username_pw_set: 'usernamePwSet',
  will_set: 'willSet',
  will_clear: 'willClear',
  tls_set: 'tlsSet',
  tls_set_context: 'tlsSetContext',
  tls_insecure_set: 'tlsInsecureSet',
  ws_set_options: 'wsSetOptions',
  proxy_set: 'proxySet',
  enable_bridge_mode: 'enableBridgeMode',
  max_inflight_messages_set: 'maxInflightMessagesSet',
  max_queued_messages_set: 'maxQueuedMessagesSet',
  user_data_set: 'userDataSet',
  user_data_get: 'userDataGet',
  enable_logger: 'enableLogger',
  disable_logger: 'disableLogger',
  manual_ack_set: 'manualAckSet',
  // Messaging.
  publish: 'publish',
  publish_many: { name: 'publishMany', args: publishManyArgs },
  subscribe: 'subscribe',
  unsubscribe: 'unsubscribe',
  subscribe_and_wait: { name: 'subscribeAndWait', args: subscribeAndWaitArgs },
  unsubscribe_and_wait: { name: 'unsubscribeAndWait', args: unsubscribeAndWaitArgs },
  ack: 'ack',
  auth: 'auth',
  message_callback_add: 'messageCallbackAdd',
  message_callback_remove: 'messageCallbackRemove',
  messages: { name: 'messages', args: messagesArgs },
  // Request/response (MQTT 5).
  request: { name: 'request', args: requestArgs },
  respond: 'respond',
  handle: 'handle',
  // Loops (Paho's timeouts are seconds).
  loop: { name: 'loop', args: (timeout?: number | null) => [ms(timeout)] as [number | undefined] },
  loop_forever: { name: 'loopForever', args: loopForeverArgs },
  loop_start: 'loopStart',
  loop_stop: 'loopStop',
  loop_read: 'loopRead',
  loop_write: 'loopWrite',
  loop_misc: 'loopMisc',
  want_write: 'wantWrite',
  socket: 'socket',
} as const;

/** `MQTTMessage`, given to `on_message`. */
export const MESSAGE = {
  topic: 'topic',
  payload: 'payload',
  qos: 'qos',
  retain: 'retain',
  dup: 'dup',
  mid: 'mid',
  properties: 'properties',
  timestamp: 'timestamp',
  payload_string: 'payloadString',
} as const;

/** `MQTTMessageInfo`, returned by `publish()`. */
export const MESSAGE_INFO = {
  mid: 'mid',
  rc: 'rc',
  reason_code: 'reasonCode',
  properties: 'properties',
  is_published: 'isPublished',
  wait_for_publish: { name: 'waitForPublish', args: waitForPublishArgs },
  wait_for_stored: { name: 'waitForStored', args: waitForPublishArgs },
} as const;

/** `ConnectFlags`, given to `on_connect`. */
export const CONNECT_FLAGS = { session_present: 'sessionPresent' } as const;

/** `DisconnectFlags`, given to `on_disconnect`. */
export const DISCONNECT_FLAGS = { is_disconnect_packet_from_server: 'isDisconnectPacketFromServer' } as const;

/** `ReasonCode` (Paho's own names are camelCase here, as in Python). */
export const REASON_CODE = {
  value: 'value',
  packetType: 'packetType',
  getName: 'getName',
  is_failure: 'isFailure',
  json: 'toJSON',
  equals: 'equals',
} as const;

/** `Properties`: Paho's attribute names are the specification's, without spaces. */
export const PROPERTIES = {
  packetType: 'packetType',
  PayloadFormatIndicator: 'payloadFormatIndicator',
  MessageExpiryInterval: 'messageExpiryInterval',
  ContentType: 'contentType',
  ResponseTopic: 'responseTopic',
  CorrelationData: 'correlationData',
  SubscriptionIdentifier: { name: 'subscriptionIdentifiers', append: 'addSubscriptionIdentifier' },
  SessionExpiryInterval: 'sessionExpiryInterval',
  AssignedClientIdentifier: 'assignedClientIdentifier',
  ServerKeepAlive: 'serverKeepAlive',
  AuthenticationMethod: 'authenticationMethod',
  AuthenticationData: 'authenticationData',
  RequestProblemInformation: 'requestProblemInformation',
  WillDelayInterval: 'willDelayInterval',
  RequestResponseInformation: 'requestResponseInformation',
  ResponseInformation: 'responseInformation',
  ServerReference: 'serverReference',
  ReasonString: 'reasonString',
  ReceiveMaximum: 'receiveMaximum',
  TopicAliasMaximum: 'topicAliasMaximum',
  TopicAlias: 'topicAlias',
  MaximumQoS: 'maximumQoS',
  RetainAvailable: 'retainAvailable',
  UserProperty: { name: 'userProperties', append: 'addUserProperty' },
  MaximumPacketSize: 'maximumPacketSize',
  WildcardSubscriptionAvailable: 'wildcardSubscriptionAvailable',
  SubscriptionIdentifierAvailable: 'subscriptionIdentifiersAvailable',
  SharedSubscriptionAvailable: 'sharedSubscriptionAvailable',
  isEmpty: 'isEmpty',
  clear: 'clear',
  json: 'toJSON',
} as const;

/** `SubscribeOptions` (Paho spells the QoS attribute `QoS`). */
export const SUBSCRIBE_OPTIONS = {
  QoS: 'qos',
  noLocal: 'noLocal',
  retainAsPublished: 'retainAsPublished',
  retainHandling: 'retainHandling',
} as const;

/** Paho's `will` dict for the helpers (`will_set` keyword arguments). */
export const WILL = {
  topic: 'topic',
  payload: 'payload',
  qos: 'qos',
  retain: 'retain',
  properties: 'properties',
} as const;

/** Paho's `auth` dict. */
export const AUTH = { username: 'username', password: 'password' } as const;

/**
 * Paho's `tls` dict (`tls_set` keyword arguments plus `insecure`). Values are steady-mqtt's: `cert_reqs` is
 * `'required'` or `'none'`, `tls_version` a Node name such as `'TLSv1.2'` (the lowest offered).
 */
export const TLS = {
  ca_certs: 'caCerts',
  certfile: 'certfile',
  keyfile: 'keyfile',
  cert_reqs: 'certReqs',
  tls_version: 'minVersion',
  ciphers: 'ciphers',
  keyfile_password: 'keyPassword',
  alpn_protocols: 'alpnProtocols',
  insecure: 'insecure',
} as const;

/** Paho's `proxy_args` (`proxy_set` keyword arguments); `proxy_type` is `'socks5'` or `'http'`. */
export const PROXY = {
  proxy_type: 'type',
  proxy_addr: 'host',
  proxy_port: 'port',
  proxy_username: 'username',
  proxy_password: 'password',
} as const;

/** `ws_set_options` keyword arguments, as the helpers' `websocket` option. */
export const WEBSOCKET = { path: 'path', headers: 'headers' } as const;

/** Keyword arguments common to the four helpers (Paho's, then steady-mqtt's extras). */
const CONNECTION = {
  hostname: 'hostname',
  port: 'port',
  client_id: 'clientId',
  keepalive: 'keepalive',
  will: { name: 'will', kwargs: WILL },
  auth: { name: 'auth', kwargs: AUTH },
  tls: { name: 'tls', kwargs: TLS },
  protocol: 'protocol',
  transport: 'transport',
  proxy_args: { name: 'proxyArgs', kwargs: PROXY },
  websocket: { name: 'websocket', kwargs: WEBSOCKET },
  clean_start: 'cleanStart',
  connect_properties: 'connectProperties',
  timeout_ms: 'timeoutMs',
  signal: 'signal',
  reconnect: 'reconnect',
  connect_timeout: 'connectTimeout',
  logger: 'logger',
  client_options: { name: 'clientOptions', kwargs: CLIENT_OPTIONS },
  max_inflight_messages: 'maxInflightMessages',
} as const;

/** `publish.single(topic, payload, **kwargs)`. */
export const SINGLE_OPTIONS = {
  ...CONNECTION,
  qos: 'qos',
  retain: 'retain',
  properties: 'properties',
} as const;

/** `publish.multiple(msgs, **kwargs)`. */
export const MULTIPLE_OPTIONS = CONNECTION;

/** One message dict of `publish.multiple`. */
export const MESSAGE_SPEC = WILL;

const SUBSCRIBE_COMMON = {
  ...CONNECTION,
  qos: 'qos',
  clean_session: 'cleanSession',
  subscribe_options: 'subscribeOptions',
  subscribe_properties: 'subscribeProperties',
} as const;

/** `subscribe.simple(topics, **kwargs)`. */
export const SIMPLE_OPTIONS = { ...SUBSCRIBE_COMMON, msg_count: 'msgCount', retained: 'retained' } as const;

/** `subscribe.callback(callback, topics, **kwargs)`. */
export const CALLBACK_OPTIONS = { ...SUBSCRIBE_COMMON, userdata: 'userdata' } as const;

/** Module-level functions of `paho.mqtt.client`. */
export const FUNCTIONS = {
  error_string: 'errorString',
  connack_string: 'connackString',
  topic_matches_sub: 'topicMatchesSub',
  convert_connack_rc_to_reason_code: 'convertConnackRcToReasonCode',
  convert_disconnect_error_code_to_reason_code: 'convertDisconnectErrorCodeToReasonCode',
  scram_authenticator: 'scramAuthenticator',
} as const;

/**
 * `Client(callback_api_version, client_id, clean_session, userdata, protocol, transport, reconnect_on_failure,
 * manual_ack)`: Paho's positional constructor arguments after the first, in order (they may also be given as
 * one keyword object, `new Client(VERSION2, { client_id: 'x' })`).
 */
export const CLIENT_POSITIONAL = [
  'client_id',
  'clean_session',
  'userdata',
  'protocol',
  'transport',
  'reconnect_on_failure',
  'manual_ack',
] as const satisfies readonly (keyof typeof CLIENT_OPTIONS)[];

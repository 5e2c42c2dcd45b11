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

/** Seconds (Python) → milliseconds (steady-mqtt); undefined stays undefined so the default applies. */
const ms = (seconds: number | null | undefined): number | undefined =>
  seconds === undefined || seconds === null ? undefined : seconds * 1000;

/** Paho's `loop_forever(timeout=1.0, retry_first_connection=False)`; also accepts `{ retry_first_connection }`. */
function loopForeverArgs(
  timeout?: number | { timeout?: number; retry_first_connection?: boolean } | null,
  retry_first_connection?: boolean,
): [{ retryFirstConnection?: boolean }] {
  const retry =
    typeof timeout === 'object' && timeout !== null ? timeout.retry_first_connection : retry_first_connection;
  return [{ retryFirstConnection: retry }];
}

/** Paho's `messages()` extra in snake_case: `{ filter, buffer_size }`. */
function messagesArgs(options?: {
  filter?: string;
  buffer_size?: number;
}): [{ filter?: string; bufferSize?: number }] {
  return [{ filter: options?.filter, bufferSize: options?.buffer_size }];
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
  connect_and_wait: 'connectAndWait',
  reconnect: 'reconnect',
  disconnect: 'disconnect',
  disconnect_and_wait: 'disconnectAndWait',
  reconnect_delay_set: 'reconnectDelaySet',
  is_connected: 'isConnected',
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
  subscribe: 'subscribe',
  unsubscribe: 'unsubscribe',
  ack: 'ack',
  auth: 'auth',
  message_callback_add: 'messageCallbackAdd',
  message_callback_remove: 'messageCallbackRemove',
  messages: { name: 'messages', args: messagesArgs },
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
  wait_for_publish: {
    name: 'waitForPublish',
    args: (timeout?: number | null) => [ms(timeout)] as [number | undefined],
  },
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

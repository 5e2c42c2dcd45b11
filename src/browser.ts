/**
 * steady-mqtt for browsers: the `Client` and the API objects of the main entry point, over WebSocket only (the
 * global `WebSocket`; `transport: 'websockets'`, or `ws://` / `wss://` URLs). Built into one ES module,
 * `dist/browser/steady-mqtt.js`, by `npm run build:browser`, which puts the browser's transports in place of
 * Node's: nothing from Node is in the bundle, and the SQLite store is not either.
 *
 * The list is explicit rather than `export * from './index.js'`, so the bundle stays within its size budget
 * (under 40 KB gzipped, `docs/benchmarks.md`): the simplified helpers (`publish`, `subscribe`) are left out.
 * When something is added to `index.ts` that browsers need, add it here and check the size.
 *
 * ```ts
 * import { Client, CallbackAPIVersion } from './steady-mqtt.js';
 * const client = new Client(CallbackAPIVersion.VERSION2, { transport: 'websockets' });
 * client.onConnect = (c) => c.subscribe('demo/#');
 * client.onMessage = (_c, _u, msg) => console.log(msg.topic, msg.payloadString());
 * client.loopStart();
 * client.connect('wss://broker.example/mqtt');
 * ```
 */
export { Client, type ConnectResult, type LoopMode } from './client/client.js';
export type { ClientOptions } from './client/options.js';
export type {
  OnConnect,
  OnConnectFail,
  OnDisconnect,
  OnLog,
  OnMessage,
  OnPreConnect,
  OnPublish,
  OnSocket,
  OnSubscribe,
  OnUnsubscribe,
} from './client/callbacks.js';
export type { CleanStartOption } from './client/client-config.js';
export {
  CallbackAPIVersion,
  ConnackCode,
  LogLevel,
  MQTTProtocolVersion,
  MQTT_CLEAN_START_FIRST_ONLY,
} from './client/enums.js';
export { ReasonCode } from './client/reason-code.js';
export { Properties, PacketTypes, type PropertiesPacketType } from './client/properties.js';
export { SubscribeOptions, type SubscribeOptionsInit } from './client/subscribe-options.js';
export type { SubscribeTopic, SubscriptionPair, SubscriptionSpec } from './client/subscribe-args.js';
export { MQTTMessage } from './client/mqtt-message.js';
export { MQTTMessageInfo } from './client/message-info.js';
export { ConnectFlags, DisconnectFlags } from './client/flags.js';
export { connackString } from './client/connack.js';
export { MAX_PAYLOAD_BYTES, type PayloadType } from './client/payload.js';
export type { Logger } from './client/logging.js';
export { MQTTErrorCode, errorString } from './session/error-code.js';
export { PacketType, type QoS, type ProtocolVersion, type UserProperty } from './packet/types.js';
export { topicMatchesSub } from './topic/match.js';
export { MemoryStore } from './store/memory-store.js';
export type {
  Store,
  StoreOp,
  StoredSession,
  StoredSubscription,
  OutgoingRecord,
  SessionIdentity,
} from './store/types.js';

// Errors: every one extends MqttError and has a stable `code`.
export { MqttError, InvalidArgumentError } from './errors.js';
export { InvalidTopicError } from './topic/errors.js';
export {
  ConnectionError,
  ConnectTimeoutError,
  ProxyError,
  TlsError,
  WebSocketError,
} from './transport/errors.js';
export {
  ClientStateError,
  ConnectionRefusedError,
  NotSupportedError,
  PublishError,
  TimeoutError,
} from './client/errors.js';
export { StoreError } from './store/errors.js';
export { MalformedPacketError } from './packet/errors.js';
export { ProtocolViolationError, SessionTimeoutError } from './session/errors.js';

// Transports: the errors and helpers a browser application may meet.
export type { TlsFailureReason } from './transport/errors.js';
export { parseBrokerUrl, isBrokerUrl, type BrokerUrl } from './transport/url.js';
export type { WebSocketOptions, WebSocketHeadersOption } from './transport/websocket-options.js';
export type { ClientTransport, ConnectHost, CurrentBroker } from './client/transport-config.js';

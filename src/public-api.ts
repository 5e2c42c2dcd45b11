/**
 * The public API shared by the Node entry point (`index.ts`) and the browser one (`browser.ts`): the `Client`,
 * its API objects, enums, the in-memory store, the errors and the transport settings' types. Each entry point
 * re-exports this list and adds what is its own, so the two cannot drift apart.
 */
export { Client, type ConnectResult, type LoopMode } from './client/client.js';
export type { ClientOptions } from './client/options.js';
export type {
  AuthChallenge,
  Authenticator,
  OnAuth,
  OnCallbackError,
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
export {
  scramAuthenticator,
  type ScramAuthenticator,
  type ScramMechanism,
  type ScramOptions,
} from './client/scram.js';
export type { CleanStartOption } from './client/client-config.js';
export type { WaitOptions } from './client/cancellation.js';
export type { MessagesOptions } from './client/client-commands.js';
export type { PublishManyMessage, PublishManyOptions } from './client/publish-args.js';
export type { ConnectAndWaitParameters, ConnectParameters } from './client/client-lifecycle.js';
export type { LoopForeverOptions } from './client/client-waits.js';
export type { RequestOptions } from './client/request-response.js';
export type { HandleOptions, RequestHandler, RespondOptions } from './client/responder.js';
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
export type { ByQos, ClientStats } from './client/stats.js';
// The messages of the diagnostics channels (types only; the channel names are exported by the Node entry point).
export type {
  ClientDiagnostic,
  ConnectDiagnostic,
  ConnackDiagnostic,
  DisconnectDiagnostic,
  ReconnectDiagnostic,
  PacketDiagnostic,
  StoreDiagnostic,
  ErrorDiagnostic,
} from './transport/diagnostics-channels.js';
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
export { AuthenticationError, ProtocolViolationError, SessionTimeoutError } from './session/errors.js';

// Transports: URLs and the types of the transport settings.
export type { TlsFailureReason } from './transport/errors.js';
export { parseBrokerUrl, isBrokerUrl, type BrokerUrl } from './transport/url.js';
export type { WebSocketOptions, WebSocketHeadersOption } from './transport/websocket-options.js';
export type { ClientTransport, ConnectHost, CurrentBroker } from './client/transport-config.js';

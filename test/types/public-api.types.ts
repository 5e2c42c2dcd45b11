/**
 * Type-level tests of the public API: `npm run typecheck` fails when a type users see changes by accident
 * (a callback signature, an option, a method's parameters or result). Nothing here runs; a deliberate change
 * of the API updates the expectation below in the same commit.
 */
import type {
  Client,
  ClientOptions,
  ConnectFlags,
  DisconnectFlags,
  LogLevel,
  MQTTErrorCode,
  MQTTMessage,
  MQTTMessageInfo,
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
  Properties,
  PublishManyMessage,
  PublishManyOptions,
  ReasonCode,
  ScramAuthenticator,
  scramAuthenticator,
} from '../../src/index.js';
import type { PahoClient } from '../../src/paho/types.js';
import type {
  ConnackDiagnostic,
  PacketDiagnostic,
  PacketType,
  StoreDiagnostic,
  StoreOp,
  diagnosticsChannels,
} from '../../src/index.js';

/** True only when `A` and `B` are the same type (not merely assignable either way). */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
/** Compiles only when given `true`. */
type Expect<T extends true> = T;

type U = { tag: 'userdata' };
type C = Client<U>;

// ---- callback signatures (Paho 2.x, VERSION2) ----
export type Callbacks = [
  Expect<
    Equal<
      OnConnect<U>,
      (client: C, userdata: U, flags: ConnectFlags, reasonCode: ReasonCode, properties: Properties) => unknown
    >
  >,
  Expect<Equal<OnConnectFail<U>, (client: C, userdata: U) => unknown>>,
  Expect<
    Equal<
      OnDisconnect<U>,
      (
        client: C,
        userdata: U,
        flags: DisconnectFlags,
        reasonCode: ReasonCode,
        properties: Properties,
      ) => unknown
    >
  >,
  Expect<Equal<OnMessage<U>, (client: C, userdata: U, message: MQTTMessage) => unknown>>,
  Expect<
    Equal<
      OnPublish<U>,
      (client: C, userdata: U, mid: number, reasonCode: ReasonCode, properties: Properties) => unknown
    >
  >,
  Expect<
    Equal<
      OnSubscribe<U>,
      (client: C, userdata: U, mid: number, reasonCodes: ReasonCode[], properties: Properties) => unknown
    >
  >,
  Expect<Equal<OnUnsubscribe<U>, OnSubscribe<U>>>,
  Expect<Equal<OnLog<U>, (client: C, userdata: U, level: LogLevel, message: string) => unknown>>,
  Expect<Equal<OnPreConnect<U>, (client: C, userdata: U) => unknown>>,
  Expect<Equal<OnSocket<U>, (client: C, userdata: U, socket: unknown) => unknown>>,
  Expect<
    Equal<OnAuth<U>, (client: C, userdata: U, reasonCode: ReasonCode, properties: Properties) => unknown>
  >,
  Expect<
    Equal<OnCallbackError<U>, (client: C, userdata: U, error: unknown, callbackName: string) => unknown>
  >,
];

// ---- the callback slots of the client are those types, or undefined ----
export type Slots = [
  Expect<Equal<C['onConnect'], OnConnect<U> | undefined>>,
  Expect<Equal<C['onConnectFail'], OnConnectFail<U> | undefined>>,
  Expect<Equal<C['onDisconnect'], OnDisconnect<U> | undefined>>,
  Expect<Equal<C['onMessage'], OnMessage<U> | undefined>>,
  Expect<Equal<C['onPublish'], OnPublish<U> | undefined>>,
  Expect<Equal<C['onSubscribe'], OnSubscribe<U> | undefined>>,
  Expect<Equal<C['onUnsubscribe'], OnUnsubscribe<U> | undefined>>,
  Expect<Equal<C['onLog'], OnLog<U> | undefined>>,
  Expect<Equal<C['onPreConnect'], OnPreConnect<U> | undefined>>,
  Expect<Equal<C['onSocketOpen'], OnSocket<U> | undefined>>,
  Expect<Equal<C['onSocketClose'], OnSocket<U> | undefined>>,
  Expect<Equal<C['onSocketRegisterWrite'], OnSocket<U> | undefined>>,
  Expect<Equal<C['onSocketUnregisterWrite'], OnSocket<U> | undefined>>,
  Expect<Equal<C['onAuth'], OnAuth<U> | undefined>>,
  Expect<Equal<C['onCallbackError'], OnCallbackError<U> | undefined>>,
  Expect<Equal<C['suppressExceptions'], boolean>>,
];

// ---- options: the names (a new option is added here on purpose) ----
export type Options = [
  Expect<
    Equal<
      keyof ClientOptions<U>,
      | 'clientId'
      | 'cleanSession'
      | 'userdata'
      | 'protocol'
      | 'transport'
      | 'reconnectOnFailure'
      | 'manualAck'
      | 'store'
      | 'maxQueuedBytes'
      | 'queueFullPolicy'
      | 'resubscribe'
      | 'subscribeBatchSize'
      | 'autoTopicAlias'
      | 'topicAliasMaximum'
      | 'maximumPacketSize'
      | 'connackTimeoutMs'
      | 'pingTimeoutMs'
      | 'reconnectJitter'
      | 'logger'
      | 'authenticator'
      | 'responseTopic'
    >
  >,
  Expect<Equal<ClientOptions<U>['userdata'], U | undefined>>,
  Expect<Equal<ClientOptions<U>['queueFullPolicy'], 'reject' | 'drop-oldest' | undefined>>,
];

// ---- methods: results, and the parameters users pass most ----
export type Methods = [
  Expect<Equal<ReturnType<C['publish']>, MQTTMessageInfo>>,
  Expect<Equal<MQTTMessageInfo['downgraded'], boolean>>,
  Expect<Equal<Parameters<C['publish']>[0], string>>,
  // Issue 16: a batch in one store transaction.
  Expect<Equal<ReturnType<C['publishMany']>, MQTTMessageInfo[]>>,
  Expect<Equal<Parameters<C['publishMany']>[1], PublishManyOptions | undefined>>,
  Expect<Equal<PublishManyOptions, { qos?: number; retain?: boolean }>>,
  Expect<Equal<PublishManyMessage['topic'], string>>,
  Expect<Equal<PublishManyMessage['qos'], number | undefined>>,
  Expect<Equal<ReturnType<PahoClient<U>['publish_many']>['length'], number>>,
  Expect<Equal<ReturnType<C['subscribe']>, [MQTTErrorCode, number]>>,
  Expect<Equal<ReturnType<C['unsubscribe']>, [MQTTErrorCode, number]>>,
  Expect<Equal<ReturnType<C['connect']>, Promise<MQTTErrorCode>>>,
  Expect<Equal<ReturnType<C['connectAsync']>, void>>,
  Expect<Equal<ReturnType<C['reconnect']>, Promise<MQTTErrorCode>>>,
  Expect<Equal<ReturnType<C['disconnect']>, MQTTErrorCode>>,
  Expect<Equal<ReturnType<C['disconnectAndWait']>, Promise<void>>>,
  Expect<Equal<ReturnType<C['loop']>, Promise<MQTTErrorCode>>>,
  Expect<Equal<ReturnType<C['loopStart']>, MQTTErrorCode>>,
  Expect<Equal<ReturnType<C['loopStop']>, MQTTErrorCode>>,
  Expect<Equal<ReturnType<C['loopForever']>, Promise<MQTTErrorCode>>>,
  Expect<
    Equal<
      Parameters<C['loopForever']>,
      [options?: { retryFirstConnection?: boolean; signal?: AbortSignal; timeoutMs?: number }]
    >
  >,
  Expect<Equal<ReturnType<C['isConnected']>, boolean>>,
  Expect<Equal<ReturnType<C['ack']>, MQTTErrorCode>>,
  Expect<Equal<Parameters<C['messageCallbackAdd']>, [sub: string, callback: OnMessage<U>]>>,
  Expect<Equal<ReturnType<C['messages']>, AsyncIterableIterator<MQTTMessage>>>,
  Expect<Equal<ReturnType<C['maxQueuedMessagesSet']>, C>>,
  Expect<Equal<ReturnType<C['userDataGet']>, U>>,
  Expect<Equal<C['loopMode'], 'none' | 'manual' | 'external' | 'background' | 'forever'>>,
  // Issue 14: request/response and waiting with { signal, timeoutMs }.
  Expect<Equal<ReturnType<C['request']>, Promise<MQTTMessage>>>,
  Expect<Equal<Parameters<C['request']>[0], string>>,
  Expect<Equal<ReturnType<C['respond']>, MQTTMessageInfo>>,
  Expect<Equal<Parameters<C['respond']>[0], MQTTMessage>>,
  Expect<Equal<ReturnType<C['handle']>, () => void>>,
  Expect<Equal<ReturnType<C['subscribeAndWait']>, Promise<ReasonCode[]>>>,
  Expect<Equal<ReturnType<C['unsubscribeAndWait']>, Promise<ReasonCode[]>>>,
  Expect<
    Equal<NonNullable<Parameters<C['disconnectAndWait']>[2]>, { signal?: AbortSignal; timeoutMs?: number }>
  >,
  Expect<
    Equal<
      Parameters<MQTTMessageInfo['waitForPublish']>[0],
      number | { signal?: AbortSignal; timeoutMs?: number } | undefined
    >
  >,
  // Issue 13: waitForStored(), with the same waiting options; the Paho facade's wait_for_stored.
  Expect<Equal<ReturnType<MQTTMessageInfo['waitForStored']>, Promise<void>>>,
  Expect<
    Equal<
      Parameters<MQTTMessageInfo['waitForStored']>[0],
      number | { signal?: AbortSignal; timeoutMs?: number } | undefined
    >
  >,
];

// ---- enhanced authentication: SCRAM is an `authenticator` (issue 14) ----
export type Authentication = [
  Expect<Equal<ReturnType<typeof scramAuthenticator>, ScramAuthenticator>>,
  Expect<Equal<ScramAuthenticator['method'], 'SCRAM-SHA-256' | 'SCRAM-SHA-1'>>,
  Expect<ScramAuthenticator extends NonNullable<ClientOptions<U>['authenticator']> ? true : false>,
  // A plain function still is one.
  Expect<(() => Uint8Array) extends NonNullable<ClientOptions<U>['authenticator']> ? true : false>,
];

// ---- issue 14: the diagnostics channels' names and messages ----
export type Diagnostics = [
  Expect<Equal<(typeof diagnosticsChannels)['packetSend'], 'steady-mqtt:packet:send'>>,
  Expect<Equal<PacketDiagnostic['type'], PacketType>>,
  Expect<Equal<PacketDiagnostic['size'], number>>,
  Expect<Equal<PacketDiagnostic['packetId'], number | undefined>>,
  Expect<Equal<PacketDiagnostic['payload'], Uint8Array | undefined>>,
  Expect<Equal<ConnackDiagnostic['durationMs'], number>>,
  Expect<Equal<StoreDiagnostic['operations'], readonly StoreOp[]>>,
];
